"""Alignment and grid placement shorthands, whose left-out values are copies of the ones given.

`place-items: center` is align-items and justify-items both center (`place-content: baseline` is the
exception: justify-content becomes start). `grid-column: 1 / 3` is grid-column-start 1 and
grid-column-end 3; `grid-area: main` names all four lines `main`; a left-out line is a copy of its
partner when that is a name, else `auto`.
"""

from __future__ import annotations

from grader.styles.expand import Expander, Expansion
from grader.styles.values import Node, parse_value

PAIRED_WORDS = frozenset({"first", "last", "safe", "unsafe", "legacy"})  # `first baseline`, `safe center`
BASELINES = frozenset({"baseline", "first baseline", "last baseline"})
NOT_FOR_ALIGN = frozenset({"left", "right", "legacy"})  # justify-* only
GRID_WORDS = frozenset({"auto", "span"})


def place(align: str, justify: str) -> Expander:
    """`place-items` and friends: the align value, then the justify value (a copy when left out)."""

    def expand_place(nodes: list[Node]) -> Expansion | None:
        values = _alignment_values(nodes)
        if values is None or _text(values[0]).split()[-1] in NOT_FOR_ALIGN:
            return None
        if len(values) == 2:
            second = values[1]
        elif justify == "justify-content" and _text(values[0]) in BASELINES:
            second = parse_value("start")
        else:
            second = values[0]
        return {align: values[0], justify: second}

    return expand_place


def _alignment_values(nodes: list[Node]) -> list[list[Node]] | None:
    """One or two values; `first baseline`, `safe center` and `legacy left` are one value each."""
    if any(node.type != "ident" for node in nodes):
        return None
    values: list[list[Node]] = []
    index = 0
    while index < len(nodes):
        size = 2 if nodes[index].lower_value in PAIRED_WORDS and index + 1 < len(nodes) else 1
        values.append(nodes[index : index + size])
        index += size
    return values if 1 <= len(values) <= 2 else None


def grid_lines(names: tuple[str, ...]) -> Expander:
    """`grid-row`, `grid-column` (start / end) and `grid-area` (row start / column start / row end /
    column end)."""

    def expand_grid_lines(nodes: list[Node]) -> Expansion | None:
        parts: list[list[Node]] = [[]]
        for node in nodes:
            if node.type == "literal" and node.value == "/":
                parts.append([])
            elif node.type in ("ident", "number"):
                parts[-1].append(node)
            else:
                return None
        if len(parts) > len(names) or any(not 1 <= len(part) <= 3 for part in parts):
            return None
        while len(parts) < len(names):
            partner = parts[len(parts) - 2 if len(parts) >= 2 else 0]
            parts.append(partner if _is_line_name(partner) else parse_value("auto"))
        return dict(zip(names, parts, strict=True))

    return expand_grid_lines


def _is_line_name(part: list[Node]) -> bool:
    return len(part) == 1 and part[0].type == "ident" and part[0].lower_value not in GRID_WORDS


def _text(value: list[Node]) -> str:
    return " ".join(str(node.lower_value) for node in value)


GRID_AREA = ("grid-row-start", "grid-column-start", "grid-row-end", "grid-column-end")
PLACEMENT_EXPANDERS: dict[str, Expander] = {
    "place-items": place("align-items", "justify-items"),
    "place-content": place("align-content", "justify-content"),
    "place-self": place("align-self", "justify-self"),
    "grid-row": grid_lines(("grid-row-start", "grid-row-end")),
    "grid-column": grid_lines(("grid-column-start", "grid-column-end")),
    "grid-area": grid_lines(GRID_AREA),
}
PLACEMENT_LONGHANDS: dict[str, tuple[str, ...]] = {
    "place-items": ("align-items", "justify-items"),
    "place-content": ("align-content", "justify-content"),
    "place-self": ("align-self", "justify-self"),
    "grid-row": ("grid-row-start", "grid-row-end"),
    "grid-column": ("grid-column-start", "grid-column-end"),
    "grid-area": GRID_AREA,
}
