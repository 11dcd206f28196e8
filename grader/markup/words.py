"""The words of the html assertions (those that read an assertion itself are in assertions.py):
titles ("There is exactly 1 <h1>") and the pieces of failure
messages. A plain tag selector reads as "<h1>"; anything else reads as "element matching `nav a`". A
`matches:` pattern is never shown: "The text of the <p> has the expected form" (an exercise says more
with `title:` and `message:`)."""

from __future__ import annotations

import re

from bs4 import Tag

from grader.markup.document import line_of

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
