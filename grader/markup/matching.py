"""Selector assertions (`count`, `exists`, `text`, `contains`, `matches`, attributes, `order`) and the
words used for them.

Comparisons forgive what a browser or a reader would not notice: text is compared after collapsing
whitespace (non-breaking spaces included) and Unicode normalisation; attribute values after trimming;
`class` and `rel` as sets of words; URL attributes after dropping a leading "./" and percent-escapes
("./my%20dog.html" equals "my dog.html"), and with scheme and host in lower case.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Tag

from grader.markup.document import attribute, collapse_whitespace, line_of, visible_text
from grader.markup.urls import normalize_url
from grader.markup.words import (
    at,
    line_list,
    many_things,
    mismatch,
    one_thing,
    shown_value,
    the,
    upper_first,
    wanted,
)

if TYPE_CHECKING:
    from grader.markup.assertions import HtmlAssertion

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite", "data", "background"})
WORD_SET_ATTRIBUTES = frozenset({"class", "rel"})
SHOWN_VALUES = 3
SHOWN_LINES = 5


class MissingSubject(str):
    """A problem saying that what an assertion looks at is not on the page at all. It is shown as it
    is, never replaced by the assertion's own `message`, which is about that thing's value (an
    instructor's "Your paragraph is empty" must not greet a page that has no paragraph)."""


def selector_problem(soup: BeautifulSoup, assertion: HtmlAssertion) -> str | None:
    """What is wrong for a `selector:` or `order:` assertion, or None when it holds."""
    if assertion.order is not None:
        return _order_problem(soup, assertion)
    selector = assertion.selector or ""
    found = list(assertion.compiled.select(soup))
    if assertion.count is not None:
        if isinstance(assertion.count, int):
            return _count_problem(selector, found, assertion.count, assertion.count)
        return _count_problem(selector, found, assertion.count.min, assertion.count.max)
    if assertion.attribute is None and all(
        v is None for v in (assertion.text, assertion.contains, assertion.matches)
    ):
        return _exists_problem(selector, found, assertion.exists is not False)
    if not found:
        what = "its text" if assertion.attribute is None else f"its {assertion.attribute} attribute"
        thing = one_thing(selector, article=False)
        return MissingSubject(f"Your page has no {thing}, so {what} can't be checked.")
    return _value_problem(assertion, found)


def _count_problem(selector: str, found: list[Tag], low: int | None, high: int | None) -> str | None:
    if (low is None or len(found) >= low) and (high is None or len(found) <= high):
        return None
    if low == high:
        bound, number = f"{low}", low or 0
    elif high is None:
        bound, number = f"at least {low}", low or 0
    elif not low:
        bound, number = f"at most {high}", high
    else:
        bound, number = f"between {low} and {high}", high
    lines = [line_of(tag) for tag in found]
    unique = [line for line in dict.fromkeys(lines) if line is not None]
    all_known = bool(found) and None not in lines and len(unique) <= SHOWN_LINES
    where = f" (on {line_list(unique)})" if all_known else ""
    noun = "element" if number == 1 else "elements"
    return f"Expected {bound} {noun} matching `{selector}`, found {len(found)}{where}."


def _exists_problem(selector: str, found: list[Tag], wanted: bool) -> str | None:
    if wanted and not found:
        return f"Your page has no {one_thing(selector, article=False)}."
    if not wanted and found:
        first = at(found[0]).replace(" on line", "the first on line").strip()
        detail = f" ({first})" if first else ""
        return (
            f"Your page should have no {one_thing(selector, article=False)}, but it has {len(found)}{detail}."
        )
    return None


def _value_problem(assertion: HtmlAssertion, found: list[Tag]) -> str | None:
    verdicts = [(tag, _value_of(assertion, tag)) for tag in found]
    failing = [(tag, value) for tag, value in verdicts if not _value_ok(assertion, value)]
    if not failing or (not assertion.all_ and len(failing) < len(verdicts)):
        return None
    selector = assertion.selector or ""
    if assertion.all_ or len(found) == 1:
        tag, value = failing[0]
        every = (
            f" (every {one_thing(selector, article=False)} should)"
            if assertion.all_ and len(found) > 1
            else ""
        )
        return f"The {one_thing(selector, article=False)}{at(tag)} {mismatch(assertion, value)}{every}."
    shown = ", ".join(shown_value(assertion, value) for _, value in verdicts[:SHOWN_VALUES])
    more = f" and {len(verdicts) - SHOWN_VALUES} more" if len(verdicts) > SHOWN_VALUES else ""
    things = many_things(selector, len(found))
    return f"None of the {len(found)} {things} {wanted(assertion)}. Found: {shown}{more}."


def _value_of(assertion: HtmlAssertion, tag: Tag) -> str | None:
    return visible_text(tag) if assertion.attribute is None else attribute(tag, assertion.attribute)


def _value_ok(assertion: HtmlAssertion, value: str | None) -> bool:
    name = assertion.attribute
    if (
        name is not None
        and assertion.equals is None
        and assertion.contains is None
        and assertion.matches is None
    ):
        return (value is not None) == (assertion.exists is not False)
    if value is None:
        return False
    if assertion.pattern is not None:
        return assertion.pattern.search(collapse_whitespace(value)) is not None
    actual = _canonical(value, assertion.ignore_case)
    if assertion.contains is not None:
        return _canonical(assertion.contains, assertion.ignore_case) in actual
    expected = assertion.text if assertion.text is not None else assertion.equals or ""
    if name in URL_ATTRIBUTES:
        return normalize_url(actual) == normalize_url(_canonical(expected, assertion.ignore_case))
    if name in WORD_SET_ATTRIBUTES:
        return sorted(actual.split()) == sorted(_canonical(expected, assertion.ignore_case).split())
    return actual == _canonical(expected, assertion.ignore_case)


def _canonical(text: str, ignore_case: bool) -> str:
    text = collapse_whitespace(unicodedata.normalize("NFC", text))
    return text.casefold() if ignore_case else text


def _order_problem(soup: BeautifulSoup, assertion: HtmlAssertion) -> str | None:
    positions = {id(tag): index for index, tag in enumerate(soup.find_all(True))}
    firsts: list[tuple[str, Tag]] = []
    for selector, compiled in zip(assertion.order or [], assertion.compiled_order, strict=True):
        first = compiled.select_one(soup)
        if first is None:
            return MissingSubject(
                f"Your page has no {one_thing(selector, article=False)}, so the order can't be checked.")
        firsts.append((selector, first))
    for (early_selector, early), (late_selector, late) in zip(firsts, firsts[1:], strict=False):
        if positions[id(late)] < positions[id(early)]:
            should_be_first = the(early_selector)
            return (
                f"{upper_first(the(late_selector))}{at(late)} comes before {should_be_first}{at(early)}, "
                f"but {should_be_first} should come first."
            )
    return None
