"""A learner's CSS (a file and <style> blocks) read into a flat, ordered list of declarations.

Each declaration remembers the selectors of its rule, the @media preludes around it, where it was
written ("style.css line 4") and whether it is `!important`. Rules inside @media, @supports and @layer
blocks, and CSS nesting (`.card { &:hover { ... } }`), are followed. What the browser would throw away
becomes a `Problem` with a sentence for a beginner ("the browser ignores `color red`: a `:` is missing
after `color`"), used as context when a rule fails; so do a `{` or a comment never closed and a `}` that
closes nothing. Every rule is also remembered as written (`RuleBlock`), even one the browser drops or
reads inside another, so that a missing rule can be explained. Nothing here raises on broken CSS.

The work is bounded whatever the learner writes, so that a stylesheet cannot cost the worker seconds:
the CSS (every source together) is at most MAX_CSS_CHARS, a nested rule stands for at most
MAX_NESTED_SELECTORS selectors (nesting multiplies them: ten `a,b,...,j {` deep make ten billion), and
the whole sheet for at most MAX_SELECTORS selectors and MAX_DECLARATIONS declarations. Past a cap the
sheet is `too_big`, with a sentence that says so; the `css` check then fails with it. Only the first
MAX_PROBLEMS problems are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import tinycss2
from tinycss2.bytes import decode_stylesheet_bytes

from grader.styles.braces import unclosed_openers
from grader.styles.media import always_on_screen
from grader.styles.selectors import selector_list
from grader.styles.sheetwords import NO_SELECTOR, STRAY, UNCLOSED, explain_parse_error
from grader.styles.shorthands import canonical_property
from grader.styles.values import Node, serialize, significant

MAX_BLOCK_DEPTH = 16
MAX_CSS_CHARS = 100_000
MAX_NESTED_SELECTORS = 256
MAX_SELECTORS = 20_000
MAX_DECLARATIONS = 5_000
MAX_PROBLEMS = 200  # the first ones explain a failure (two are shown); thousands more would cost each rule
TOO_MANY_NESTED = (f"this rule, nested inside others, stands for over {MAX_NESTED_SELECTORS} selectors: "
                   "it is not checked.")
GROUPING_AT_RULES = frozenset({"supports", "layer", "container", "document", "scope", "starting-style"})


@dataclass(frozen=True)
class Source:
    """CSS text and where it came from: a .css file, or a <style> block starting at `first_line`."""

    name: str
    text: str
    first_line: int = 1


@dataclass(frozen=True)
class Declared:
    selectors: tuple[str, ...]
    media: tuple[tuple[Node, ...], ...]
    property: str
    nodes: tuple[Node, ...]
    important: bool
    where: str
    raw: str


@dataclass(frozen=True)
class Problem:
    selectors: tuple[str, ...]
    where: str
    message: str

    def sentence(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class RuleBlock:
    """A style rule as written, even when none of its declarations survive. `selectors` are what the
    browser sees (nested rules joined to their parents; none for a rule it drops); `own` are the ones
    written before its `{`."""

    selectors: tuple[str, ...]
    media: tuple[tuple[Node, ...], ...]
    own: tuple[str, ...] = ()
    source: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.source} line {self.line}"


@dataclass(frozen=True)
class Stylesheet:
    declarations: tuple[Declared, ...]
    problems: tuple[Problem, ...]
    rules: tuple[RuleBlock, ...] = ()
    unclosed: tuple[tuple[str, int], ...] = ()  # (source, line) of each `{` never closed
    too_big: str | None = None  # why the sheet was not read to its end (a cap on the work was reached)

    def unclosed_before(self, block: RuleBlock) -> bool:
        """Whether a `{` before this rule, in its file, is never closed (so the rule may be swallowed)."""
        return any(source == block.source and line < block.line for source, line in self.unclosed)


class _TooBig(Exception):
    """A cap on the work of reading a sheet was reached."""


@dataclass
class _Found:
    declarations: list[Declared]
    problems: list[Problem]
    rules: list[RuleBlock]
    selectors: int = 0

    def add_rule(self, rule: RuleBlock) -> None:
        self.selectors += len(rule.selectors)
        if self.selectors > MAX_SELECTORS:
            raise _TooBig(f"it has over {MAX_SELECTORS:,} selectors")
        self.rules.append(rule)

    def add_declaration(self, declared: Declared) -> None:
        if len(self.declarations) >= MAX_DECLARATIONS:
            raise _TooBig(f"it has over {MAX_DECLARATIONS:,} declarations")
        self.declarations.append(declared)


@dataclass(frozen=True)
class _Context:
    source: Source
    selectors: tuple[str, ...]
    media: tuple[tuple[Node, ...], ...]


def decode_css(data: bytes) -> str:
    """Decode like a browser: a byte-order mark, then `@charset`, then UTF-8 (bad bytes become U+FFFD)."""
    text, _encoding = decode_stylesheet_bytes(data)
    return str(text)


def read_stylesheet(sources: Sequence[Source]) -> Stylesheet:
    found = _Found([], [], [])
    unclosed: list[tuple[str, int]] = []
    size = sum(len(source.text) for source in sources)
    if size > MAX_CSS_CHARS:
        return _too_big(found, unclosed, f"it is {size:,} characters long, over {MAX_CSS_CHARS:,}")
    for source in sources:
        for line, opener in unclosed_openers(source.text):  # first: they explain what follows
            if opener == "{":
                unclosed.append((source.name, _line(source, line)))
            found.problems.append(Problem((), _where(source, line), UNCLOSED[opener]))
        nodes = tinycss2.parse_stylesheet(source.text, skip_whitespace=True, skip_comments=True)
        try:
            _walk(nodes, _Context(source, (), ()), found)
        except _TooBig as reason:
            return _too_big(found, unclosed, str(reason))
    return Stylesheet(tuple(found.declarations), tuple(found.problems[:MAX_PROBLEMS]), tuple(found.rules),
                      tuple(unclosed))


def _too_big(found: _Found, unclosed: list[tuple[str, int]], reason: str) -> Stylesheet:
    sentence = (f"Your CSS is too big to check ({reason}). A page's own CSS is far smaller: remove what "
                "you copied in and keep the rules you wrote.")
    return Stylesheet(tuple(found.declarations), tuple(found.problems[:MAX_PROBLEMS]), tuple(found.rules),
                      tuple(unclosed), too_big=sentence)


def _walk(nodes: list[Node], top: _Context, found: _Found) -> None:
    """Document order, without recursion: a stack of (iterator over a block, its context)."""
    stack: list[tuple[Iterator[Node], _Context]] = [(iter(nodes), top)]
    while stack:
        iterator, context = stack[-1]
        node = next(iterator, None)
        if node is None:
            stack.pop()
            continue
        inner = _visit(node, context, found)
        if inner is not None and len(stack) < MAX_BLOCK_DEPTH:
            stack.append(inner)


def _visit(node: Node, context: _Context, found: _Found) -> tuple[Iterator[Node], _Context] | None:
    where = _where(context.source, getattr(node, "source_line", 1))
    if node.type == "qualified-rule":
        strays = [i for i, part in enumerate(node.prelude) if part.type == "error" and part.kind == "}"]
        if strays:  # the browser drops the rule: remember what came after the `}`, to explain that
            rest = significant(part for part in node.prelude[strays[-1] + 1 :] if part.type != "error")
            line = _line(context.source, (rest or node.prelude)[0].source_line)
            found.add_rule(RuleBlock((), context.media, selector_list(rest), context.source.name, line))
            found.problems.append(Problem(context.selectors, where, STRAY))
            return None
        own = selector_list(node.prelude)
        if not own:
            found.problems.append(Problem(context.selectors, where, NO_SELECTOR))
            return None
        if len(context.selectors) * len(own) > MAX_NESTED_SELECTORS:
            found.problems.append(Problem(context.selectors, where, TOO_MANY_NESTED))
            return None
        selectors = _nest(context.selectors, own) if context.selectors else own
        line = _line(context.source, getattr(node, "source_line", 1))
        found.add_rule(RuleBlock(selectors, context.media, own, context.source.name, line))
        return iter(_block(node.content, nested=True)), _Context(context.source, selectors, context.media)
    if node.type == "at-rule":
        keyword = node.lower_at_keyword
        if node.content is None or (keyword != "media" and keyword not in GROUPING_AT_RULES):
            return None
        media = context.media
        if keyword == "media" and not always_on_screen(node.prelude):
            media = (*media, tuple(node.prelude))
        block = _block(node.content, nested=bool(context.selectors))
        return iter(block), _Context(context.source, context.selectors, media)
    if node.type == "declaration" and context.selectors:
        _declare(node, context, where, found)
    elif node.type == "error":
        found.problems.append(Problem(context.selectors, where, explain_parse_error(node.message)))
    return None


def _declare(node: Node, context: _Context, where: str, found: _Found) -> None:
    name = node.name if node.name.startswith("--") else canonical_property(node.name)
    nodes = significant(node.value)
    raw = _serialize(node.value)
    if not nodes:
        found.problems.append(
            Problem(context.selectors, where, f"the browser ignores `{name}:` because it has no value.")
        )
        return
    colon = next((i for i, n in enumerate(nodes) if n.type == "literal" and n.value == ":"), None)
    if colon is not None and not name.startswith("--"):
        before = _serialize(nodes[: max(colon - 1, 0)]) or raw
        found.problems.append(
            Problem(
                context.selectors,
                where,
                f"the browser ignores `{name}: {raw}`: is a `;` missing after `{before}`?",
            )
        )
        return
    found.add_declaration(
        Declared(context.selectors, context.media, name, tuple(nodes), bool(node.important), where, raw)
    )


def _block(content: list[Node] | None, nested: bool) -> list[Node]:
    if content is None:
        return []
    if nested:
        return list(tinycss2.parse_blocks_contents(content, skip_whitespace=True, skip_comments=True))
    return list(tinycss2.parse_rule_list(content, skip_whitespace=True, skip_comments=True))


def _nest(parents: tuple[str, ...], children: tuple[str, ...]) -> tuple[str, ...]:
    """CSS nesting: `&` stands for the parent; without it the child is a descendant."""
    return tuple(
        child.replace("&", parent) if "&" in child else f"{parent} {child}"
        for parent in parents
        for child in children
    )


def _serialize(nodes: Sequence[Node]) -> str:
    return " ".join(serialize(nodes).split())


def _line(source: Source, line: int) -> int:
    """A line of `source.text` as a line of its file (a <style> block starts partway down its page)."""
    return source.first_line + max(line, 1) - 1


def _where(source: Source, line: int) -> str:
    return f"{source.name} line {_line(source, line)}"
