"""Turn a learner's HTML into the tree their browser would build, safely, with line numbers.

Parser choice: html5lib, not "html.parser". html5lib implements the WHATWG parsing algorithm, so the
tree we check is the tree the browser shows: an implied <head> and <body>, a <p> closed by the <div>
that follows it, a <title> written before <head> moved into it. html.parser keeps the source nesting
as written, so a selector the browser satisfies could fail here, and that is the worst bug a beginner
can meet. Line numbers come for free: Beautiful Soup records, for html5lib, where each start tag ends
(`Tag.sourceline`), which is the line the learner sees the tag on.

html5lib is pure Python and has super-linear corners on hostile markup (ten thousand unclosed <b>
tags make it rebuild elements again and again), so parsing runs under budgets: a size cap, a cap on
`<` characters, and a tree builder that stops when the page holds too many elements or nests them
deeper than any hand-written page (Chromium stops nesting at 512; we stop at 256). A page over budget
is reported to the learner in plain words, never as a crash.
"""

from __future__ import annotations

import re
from typing import Any

import webencodings
from bs4 import BeautifulSoup
from bs4.builder._html5lib import (  # the hooks html5lib offers to tree builders
    Element,
    HTML5TreeBuilder,
    TreeBuilderForHtml5lib,
)
from bs4.dammit import EncodingDetector
from bs4.element import CData, NavigableString, Tag

MAX_CHARS = 100_000
MAX_TAG_OPENERS = 20_000
MAX_ELEMENTS = 20_000
MAX_TEXT_INSERTS = 50_000
MAX_DEPTH = 256
LONG_DATA_URL = re.compile(r"data:[^\s\"'<>()]{1000,}")

HIDDEN_TEXT_TAGS = frozenset({"script", "style", "template", "noscript", "head"})
BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr "
    "ul caption option".split()
)


class UncheckablePage(Exception):
    """The page cannot be checked at all; `str(error)` is a message for the learner."""


class _BudgetExceeded(Exception):
    pass


class _GuardedTreeBuilder(TreeBuilderForHtml5lib):
    """Beautiful Soup's html5lib tree builder, stopping the parse when the page outgrows the budgets."""

    created = 0
    text_inserts = 0

    def elementClass(self, name: str, namespace: str) -> Element:  # noqa: N802 (html5lib's name)
        self.created += 1
        if self.created > MAX_ELEMENTS or len(self.openElements) > MAX_DEPTH:
            raise _BudgetExceeded
        return super().elementClass(name, namespace)

    def insertText(self, data: str, parent: Any = None) -> None:  # noqa: N802 (html5lib's name)
        # Each call may copy the text node it extends: a flood of tiny text tokens ("&&&&") is quadratic.
        self.text_inserts += 1
        if self.text_inserts > MAX_TEXT_INSERTS:
            raise _BudgetExceeded
        super().insertText(data, parent)


class _GuardedHTML5Builder(HTML5TreeBuilder):
    def __init__(self, line_numbers: bool = True) -> None:
        super().__init__()
        self.line_numbers = line_numbers

    def create_treebuilder(self, namespaceHTMLElements: bool) -> TreeBuilderForHtml5lib:  # noqa: N803
        self.underlying_builder = _GuardedTreeBuilder(
            namespaceHTMLElements, self.soup, store_line_numbers=self.line_numbers
        )
        return self.underlying_builder


def decode_html(data: bytes) -> str:
    """Decode like a browser: a byte-order mark wins, then a <meta charset> near the top, then UTF-8.

    Undecodable bytes become U+FFFD instead of raising.
    """
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    fallback = webencodings.lookup(declared) if declared else None
    if fallback is None or fallback.name in ("utf-16be", "utf-16le"):
        fallback = webencodings.UTF8  # the HTML standard reads a <meta> claiming UTF-16 as UTF-8
    elif fallback.name == "x-user-defined":
        fallback = webencodings.lookup("windows-1252")
    text, _encoding = webencodings.decode(data, fallback, errors="replace")
    return str(text)


def parse_page(text: str, *, line_numbers: bool = True) -> BeautifulSoup:
    """Parse `text` with html5lib under the budgets; raise UncheckablePage with a learner message.
    `line_numbers=False` for a page the learner did not write line by line (a browser's DOM), so
    that messages name no line.

    Long `data:` URLs (a picture pasted into the page) are shortened first: they are legal, and they
    should not count against the size budget.
    """
    text = LONG_DATA_URL.sub("data:,", text)
    if len(text) > MAX_CHARS:
        raise UncheckablePage(
            f"Your page is {len(text) // 1000} KB long, too big to check (the limit is "
            f"{MAX_CHARS // 1000} KB). Is there a long file pasted into it?"
        )
    if text.count("<") > MAX_TAG_OPENERS:
        raise UncheckablePage(
            f"Your page has more than {MAX_TAG_OPENERS:,} tags, too many to check. "
            "A page for this exercise needs far fewer."
        )
    try:
        return BeautifulSoup(text, builder=_GuardedHTML5Builder(line_numbers))
    except (_BudgetExceeded, RecursionError):
        raise UncheckablePage(
            f"Your page is too complex to check: it has more than {MAX_ELEMENTS:,} elements, or nests "
            f"them more than {MAX_DEPTH} levels deep. Look for tags you opened but never closed."
        ) from None


def attribute(tag: Tag, name: str) -> str | None:
    """The attribute as one string (Beautiful Soup splits `class` into a list), or None when absent."""
    value: Any = tag.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        return " ".join(str(part) for part in value)
    return str(value)


def visible_text(tag: Tag) -> str:
    """The element's text roughly as a reader sees it: no script or style source, and a space where a
    <br> or a block element breaks the line (so `My<br>Dog` reads "My Dog", `<b>Hi</b>!` reads "Hi!").

    Iterative on purpose: learner pages may nest deeply.
    """
    parts: list[str] = []
    stack: list[Any] = [tag]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # a gap marker pushed below
        elif isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):
                parts.append(str(node))
        elif isinstance(node, Tag):
            if node.name in HIDDEN_TEXT_TAGS and node is not tag:
                continue
            if node.name == "br":
                parts.append(" ")
                continue
            if node.name in BLOCK_TAGS:
                parts.append(" ")
                stack.append(" ")
            stack.extend(reversed(node.contents))
    return collapse_whitespace("".join(parts))


def collapse_whitespace(text: str) -> str:
    """Collapse every run of whitespace (including non-breaking spaces) to one space, and trim."""
    return " ".join(text.split())


def line_of(tag: Tag) -> int | None:
    """The line the learner wrote the tag on, when the parser knows it."""
    line = tag.sourceline
    return line if isinstance(line, int) and line > 0 else None
