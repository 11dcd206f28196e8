"""The words of the html assertions: titles ("There is exactly 1 <h1>") and the pieces of failure
messages. A plain tag selector reads as "<h1>"; anything else reads as "element matching `nav a`". A
`matches:` pattern is never shown: "The text of the <p> has the expected form" (an exercise says more
with `title:` and `message:`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bs4 import Tag

from grader.markup.document import line_of

if TYPE_CHECKING:
    from grader.markup.assertions import HtmlAssertion

BARE_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
QUOTE_CAP = 80
EXPECTED_FORM = "has the expected form"


def one_thing(selector: str, article: bool = True) -> str:
    if BARE_TAG.match(selector):
        return f"<{selector.lower()}>" if not article else f"{article_for(selector)} <{selector.lower()}>"
    return f"{'an ' if article else ''}element matching `{selector}`"


def many_things(selector: str, count: int) -> str:
    if BARE_TAG.match(selector):
        return f"<{selector.lower()}>" + (" elements" if count != 1 else "")
    return ("elements" if count != 1 else "element") + f" matching `{selector}`"


def count_words(selector: str, low: int | None, high: int | None) -> str:
    if high == 0:
        return f"The page has no {one_thing(selector, article=False)}"
    if low == high and low is not None:
        phrase, number = f"exactly {low}", low
    elif high is None:
        phrase, number = f"at least {low}", low or 0
    elif low is None or low == 0:
        phrase, number = f"at most {high}", high
    else:
        phrase, number = f"between {low} and {high}", high
    verb = "is" if number == 1 else "are"
    return f"There {verb} {phrase} {many_things(selector, number)}"


def describe_value_test(assertion: HtmlAssertion) -> str:
    thing = one_thing(assertion.selector or "", article=False)
    subject, inner = (
        (f"Every {thing}", f"every {thing}") if assertion.all_ else (f"The {thing}", f"the {thing}")
    )
    name = assertion.attribute
    size = _size_words(assertion)
    if size is not None:
        what = f"The {name} of {inner}" if name is not None else f"{subject}"
        if name is not None and assertion.all_:
            what = f"The {name} of every {thing}"
        return f"{what} has {size}"
    if name is None:
        if assertion.text is not None:
            return f"{subject} says {quote(assertion.text)}"
        if assertion.contains is not None:
            return f"The text of {inner} contains {quote(assertion.contains)}"
        return f"The text of {inner} {EXPECTED_FORM}"  # a regular expression means nothing to a beginner
    if assertion.equals is not None:
        return f'{subject} has {name}="{assertion.equals}"'
    if assertion.contains is not None:
        return f"The {name} of {inner} contains {quote(assertion.contains)}"
    if assertion.matches is not None:
        return f"The {name} of {inner} {EXPECTED_FORM}"
    return f"{subject} has {'no' if assertion.exists is False else article_for(name)} {name} attribute"


def mismatch(assertion: HtmlAssertion, value: str | None) -> str:
    name = assertion.attribute
    size = _size_words(assertion)
    if size is not None:
        if name is not None and value is None:
            return f"has no {name} attribute"
        says = f"says {quote(value or '')}" if value else "is empty"
        shown = says if name is None else f'has {name}="{short(value or "")}"'
        return f"{shown}, but it should have {size}"
    if name is None:
        says = f"says {quote(value or '')}" if value else "is empty"
        if assertion.text is not None:
            return f"{says}, but it should say {quote(assertion.text)}"
        if assertion.contains is not None:
            return f"{says}, which does not contain {quote(assertion.contains)}"
        return f"{says}, which is not in the expected form"
    if value is None:
        return f"has no {name} attribute"
    has = f'has {name}="{short(value)}"'
    if assertion.equals is not None:
        return f'{has}, but it should be "{assertion.equals}"'
    if assertion.contains is not None:
        return f"{has}, which does not contain {quote(assertion.contains)}"
    if assertion.matches is not None:
        return f"{has}, which is not in the expected form"
    return f"has {article_for(name)} {name} attribute, but it should not"


def wanted(assertion: HtmlAssertion) -> str:
    name = assertion.attribute
    size = _size_words(assertion)
    if size is not None:
        return f"has {size}" if name is None else f"has {article_for(name)} {name} of {size}"
    if name is None:
        if assertion.text is not None:
            return f"says {quote(assertion.text)}"
        if assertion.contains is not None:
            return f"contains {quote(assertion.contains)}"
        return "has text in the expected form"
    if assertion.equals is not None:
        return f'has {name}="{assertion.equals}"'
    if assertion.contains is not None:
        return f"has {article_for(name)} {name} containing {quote(assertion.contains)}"
    if assertion.matches is not None:
        return f"has {article_for(name)} {name} in the expected form"
    return f"has {'no' if assertion.exists is False else article_for(name)} {name} attribute"


def _size_words(assertion: HtmlAssertion) -> str | None:
    if assertion.min_words is not None:
        return f"at least {assertion.min_words} word{'s' if assertion.min_words != 1 else ''}"
    if assertion.min_length is not None:
        return f"at least {assertion.min_length} character{'s' if assertion.min_length != 1 else ''}"
    return None


def shown_value(assertion: HtmlAssertion, value: str | None) -> str:
    if value is None:
        return f"(no {assertion.attribute})"
    return quote(value) if value else "(empty)"


def the(selector: str) -> str:
    return (
        one_thing(selector, article=False)
        if BARE_TAG.match(selector)
        else f"the {one_thing(selector, False)}"
    )


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def line_list(lines: list[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(str(line) for line in lines[:-1]) + f" and {lines[-1]}"


def at(tag: Tag) -> str:
    line = line_of(tag)
    return f" on line {line}" if line else ""


def article_for(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def short(text: str) -> str:
    return text if len(text) <= QUOTE_CAP else text[: QUOTE_CAP - 1] + "…"


def quote(text: str) -> str:
    return f'"{short(text)}"'
