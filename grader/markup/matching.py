"""Selector assertions (`count`, `exists`, `text`, `contains`, `matches`, attributes, `order`) and the
words used for them.

Comparisons forgive what a browser or a reader would not notice: text is compared after collapsing
whitespace (non-breaking spaces included) and Unicode normalisation; attribute values after trimming;
`class` and `rel` as sets of words; URL attributes after dropping a leading "./" and percent-escapes
("./my%20dog.html" equals "my dog.html"), and with scheme and host in lower case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from grader.markup.assertions import HtmlAssertion, mismatch, shown_value, wanted
from grader.markup.document import attribute, collapse_whitespace, line_of
from grader.markup.meaning import filled, link_target_problem, meaningful, shown_text, words
from grader.markup.urls import normalize_url
from grader.markup.words import article_for, at, line_list, many_things, one_thing, the, upper_first

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite", "data", "background"})
WORD_SET_ATTRIBUTES = frozenset({"class", "rel"})
SHOWN_VALUES = 3
SHOWN_LINES = 5
TEXT_READING = ("text", "contains", "matches", "min_words", "min_length")


@dataclass(frozen=True)
class PageWhere:
    """Where the page checked lives: its path, and the learner's files (None: not known here), so
    that a link to another page can be followed."""

    page: str | None = None
    site: frozenset[str] | None = None


class MissingSubject(str):
    """A problem saying that what an assertion looks at is not on the page at all. It is shown as it
    is, never replaced by the assertion's own `message`, which is about that thing's value (an
    instructor's "Your paragraph is empty" must not greet a page that has no paragraph)."""


def selector_problem(soup: BeautifulSoup, assertion: HtmlAssertion, where: PageWhere) -> str | None:
    """What is wrong for a `selector:` or `order:` assertion, or None when it holds."""
    if assertion.order is not None:
        return _order_problem(soup, assertion)
    found = list(assertion.compiled.select(soup))
    return found_problem(assertion, found, filled, where, soup)


def found_problem(
    assertion: HtmlAssertion, found: Sequence[Tag], is_filled: Callable[[Tag], bool], where: PageWhere,
    soup: BeautifulSoup | None = None,
) -> str | None:
    """What is wrong for a selector assertion about these elements (the ones its selector matched)."""
    selector = assertion.selector or ""
    counted = list(found) if assertion.allow_empty else [tag for tag in found if is_filled(tag)]
    if assertion.count is not None:
        low, high = assertion.count_bounds
        return _count_problem(selector, list(found), counted, low, high)
    if assertion.target_exists:
        if not found:
            return MissingSubject(f"Your page has no {one_thing(selector, article=False)}, so where it goes "
                                  "can't be checked.")
        return _target_problem(assertion, list(found), soup, where)
    if assertion.attribute is None and all(getattr(assertion, key) is None for key in TEXT_READING):
        return _exists_problem(selector, list(found), counted, assertion.exists is not False)
    if not found:
        what = "its text" if assertion.attribute is None else f"its {assertion.attribute} attribute"
        thing = one_thing(selector, article=False)
        return MissingSubject(f"Your page has no {thing}, so {what} can't be checked.")
    return _value_problem(assertion, list(found))


def _count_problem(selector: str, found: list[Tag], counted: list[Tag], low: int | None,
                   high: int | None) -> str | None:
    """Lower bounds count the elements that hold something; upper bounds count every element."""
    if (low is None or len(counted) >= low) and (high is None or len(found) <= high):
        return None
    if high is None or len(found) <= high:
        kept = {id(tag) for tag in counted}
        empty = [tag for tag in found if id(tag) not in kept]
        if empty:
            bound = f"{low}" if low == high else f"at least {low}"
            noun = "element" if low == 1 else "elements"
            return _with_empty(f"Expected {bound} {noun} matching `{selector}` with something in "
                               f"{'it' if low == 1 else 'them'}. There {'is' if len(found) == 1 else 'are'} "
                               f"{len(found)}", empty)
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


def _with_empty(start: str, empty: list[Tag]) -> str:
    lines = [line for line in dict.fromkeys(line_of(tag) for tag in empty) if line is not None]
    where = f" (on {line_list(lines[:SHOWN_LINES])})" if lines else ""
    count = "it is" if len(empty) == 1 else f"{len(empty)} of them are"
    them = "them" if len(empty) > 1 else "it"
    return f"{start}, but {count} empty{where}. Write something in {them}: spaces and punctuation alone " \
        "do not count."


def _target_problem(assertion: HtmlAssertion, found: list[Tag], soup: BeautifulSoup | None,
                    where: PageWhere) -> str | None:
    if soup is None:
        return "Where the links go can't be checked here."
    problems = [(tag, link_target_problem(soup, tag, where.page, where.site)) for tag in found]
    failing = [(tag, problem) for tag, problem in problems if problem]
    if not failing or (not assertion.all_ and len(failing) < len(found)):
        return None
    tag, problem = failing[0]
    return f"The link {one_thing(assertion.selector or '', article=False)}{at(tag)} {problem}."


def _exists_problem(selector: str, found: list[Tag], counted: list[Tag], wanted: bool) -> str | None:
    if wanted and found and not counted:
        thing = one_thing(selector, article=False)
        return _with_empty(f"Your page has {article_for(thing)} {thing}", found)
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
    failing = [(tag, value) for tag, value in verdicts if not value_ok(assertion, value)]
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
    if assertion.attribute is None:
        return shown_text(tag, assertion.allow_empty)
    return attribute(tag, assertion.attribute)


def value_ok(assertion: HtmlAssertion, value: str | None) -> bool:
    """Whether one element's text (or attribute value, None when absent) passes the assertion's test."""
    name = assertion.attribute
    if assertion.min_words is not None:
        return value is not None and len(words(value)) >= assertion.min_words
    if assertion.min_length is not None:
        text = collapse_whitespace(value or "")
        return meaningful(text) and len(text) >= assertion.min_length
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
