"""html assertions with `visible:`, judged on what the browser shows rather than on the HTML's text.

With `visible: true`, only the elements a user sees count (not `display: none`, `visibility: hidden`,
`opacity: 0`, of no size or outside the page), and their text is the text the browser shows
(`innerText`). With `visible: false`, no element the selector matches may be shown. The browser
describes at most 20 elements per selector.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from grader.browser.facts import Element, ViewportFacts
from grader.markup.assertions import HtmlAssertion
from grader.markup.matching import PageWhere, found_problem
from grader.markup.meaning import filled
from grader.markup.words import one_thing
from grader.result import TestOutcome, cap_text

VISIBLE_WIDTH = 1200
"""The window width at which html checks look at what is shown."""
HIDDEN_WHY = {
    "display": "display: none",
    "visibility": "visibility: hidden",
    "opacity": "opacity: 0",
    "size": "no size",
    "outside": "placed outside the page",
}


def shown_outcome(assertion: HtmlAssertion, facts: ViewportFacts) -> TestOutcome:
    """One assertion with `visible:` judged on the browser's facts of the page."""
    name = cap_text(assertion.describe(), 300)
    selector = assertion.selector or ""
    found = facts.lookup(selector)
    if found.invalid:
        return TestOutcome(name, "fail", f"The browser does not understand the selector `{selector}`.")
    shown = [element for element in found.elements if not element.hidden]
    hidden = [element for element in found.elements if element.hidden]
    if assertion.visible is False:
        if not shown:
            return TestOutcome(name, "pass")
        return TestOutcome(name, "fail", cap_text(assertion.message or (
            f"{one_thing(selector).capitalize()} is shown on the page ({shown[0].name}), but it should "
            "be hidden.")))
    problem = found_problem(assertion, [_as_tag(element) for element in shown], filled, PageWhere())
    if problem is None:
        return TestOutcome(name, "pass")
    if hidden:
        why = HIDDEN_WHY.get(hidden[0].hidden, "hidden")
        more = f" {len(hidden)} more match but are not shown ({hidden[0].name}: {why})."
        problem = f"{problem}{more}"
    return TestOutcome(name, "fail", cap_text(assertion.message or problem))


def _as_tag(element: Element) -> Tag:
    """A stand-in tag for a described element: its tag name and the text the browser shows."""
    tag = BeautifulSoup("", "html.parser").new_tag(element.name.split("#")[0].split(".")[0] or "div")
    tag.string = element.text or ""
    return tag
