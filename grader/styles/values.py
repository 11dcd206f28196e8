"""CSS values and selectors in a canonical form, so that equivalent ways of writing them compare equal.

A value becomes a tuple of canonical terms, one per component (whitespace and comments dropped):

- colours (every CSS named colour, `transparent`, hex with 3/4/6/8 digits, rgb/rgba/hsl/hsla/hwb in the
  legacy comma and the modern space syntax) become "rgba(r,g,b,a)" with 8-bit channels, as a browser
  stores them: `red` == `#f00` == `#FF0000` == `rgb(255 0 0 / 100%)` == `hsl(0, 100%, 50%)`;
- a zero length, angle, time or percentage becomes "0": `0` == `0px` == `0em` == `0%`;
- absolute lengths become px (`12pt` == `16px`, `1in` == `96px`), times s, angles deg;
- numbers are written the shortest way: `.5` == `0.5` == `0.50`;
- keywords and function names lose their case; `bold` == `700` and `normal` == `400` for font-weight;
- opacities may be written as percentages: `opacity: 50%` == `opacity: .5`;
- the words of `text-decoration-line` may come in any order;
- strings keep their case but not their quotes' kind; in `font-family` quotes do not matter at all:
  `'Open Sans'` == `"Open Sans"` == `Open Sans` (family names are not case-sensitive either).

Selectors are normalised in grader/styles/selectors.py.

Parsing is tinycss2's (and its CSS Color 4 parser's); nothing here raises on broken input.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import tinycss2
from tinycss2 import color4

from grader.markup.urls import normalize_url

Node = Any  # a tinycss2 component value: the library ships no type hints
Terms = tuple[str, ...]

LENGTH_TO_PX = {
    "px": 1.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
    "in": 96.0,
    "pt": 4 / 3,
    "pc": 16.0,
}
TIME_TO_S = {"s": 1.0, "ms": 0.001}
ANGLE_TO_DEG = {"deg": 1.0, "grad": 0.9, "rad": 180 / math.pi, "turn": 360.0}
KEYWORD_SYNONYMS = {"font-weight": {"normal": "400", "bold": "700"}}
FRACTION_PROPERTIES = frozenset({"opacity", "fill-opacity", "stroke-opacity", "flood-opacity"})
UNORDERED_PROPERTIES = frozenset({"text-decoration-line"})  # `underline overline` == `overline underline`
MAX_NESTING = 24
RELATIVE_LENGTHS = frozenset(
    "em rem ex rex ch rch cap rcap ic ric lh rlh vw vh vi vb vmin vmax svw svh lvw lvh dvw dvh "
    "cqw cqh cqi cqb cqmin cqmax".split()
)
_COLOR_ERRORS = (ValueError, TypeError, IndexError, AttributeError, ZeroDivisionError, NotImplementedError)


def significant(nodes: Iterable[Node]) -> list[Node]:
    """The nodes without whitespace and comments."""
    return [node for node in nodes if node.type not in ("whitespace", "comment")]


def serialize(nodes: Sequence[Node]) -> str:
    """tinycss2's serializer, which recurses: hostile nesting gives "…" instead of a RecursionError."""
    try:
        return str(tinycss2.serialize(list(nodes)))
    except RecursionError:
        return "…"


def parse_value(text: str) -> list[Node]:
    return significant(tinycss2.parse_component_value_list(text, skip_comments=True))


def canonical_value(property_name: str, nodes: Sequence[Node]) -> Terms:
    """The canonical terms of a declared value (see the module docstring)."""
    if property_name == "font-family":
        return font_families(nodes)
    synonyms = KEYWORD_SYNONYMS.get(property_name, {})
    fraction = property_name in FRACTION_PROPERTIES
    terms = [
        number(node.value / 100) if fraction and node.type == "percentage" else term(node)
        for node in significant(nodes)
    ]
    canonical = tuple(synonyms.get(item, item) for item in terms)
    return tuple(sorted(canonical)) if property_name in UNORDERED_PROPERTIES else canonical


def canonical_text(property_name: str, text: str) -> Terms:
    return canonical_value(property_name, parse_value(text))


def values_equivalent(property_name: str, first: str, second: str) -> bool:
    """Whether two written values of the same property mean the same (`#f00` and `red` for color)."""
    return canonical_text(property_name, first) == canonical_text(property_name, second)


def term(node: Node, depth: int = 0) -> str:
    """The canonical form of one component value."""
    color = canonical_color(node)
    if color is not None:
        return color
    kind = node.type
    if kind == "number":
        return number(node.value)
    if kind == "percentage":
        return "0" if number(node.value) == "0" else number(node.value) + "%"
    if kind == "dimension":
        return dimension(node.value, node.lower_unit)
    if kind == "ident":
        return str(node.lower_value)
    if kind == "string":
        return json.dumps(node.value, ensure_ascii=False)
    if kind == "url":
        return f"url({normalize_url(node.value)})"
    if kind == "hash":
        return f"#{node.value}"
    if kind == "literal":
        return str(node.value)
    if kind == "function":
        arguments = significant(node.arguments)
        if node.lower_name == "url" and len(arguments) == 1 and arguments[0].type == "string":
            return f"url({normalize_url(arguments[0].value)})"
        return f"{node.lower_name}({_inner(arguments, depth)})"
    if kind in ("() block", "[] block", "{} block"):
        return f"{kind[0]}{_inner(significant(node.content), depth)}{kind[1]}"
    return serialize([node]).strip().lower()


def _inner(nodes: list[Node], depth: int) -> str:
    if depth >= MAX_NESTING:
        return "…"  # hostile nesting: stop here, the value will simply not match
    return " ".join(term(node, depth + 1) for node in nodes)


def number(value: float) -> str:
    rounded = round(float(value), 4)
    return "0" if rounded == 0 else format(rounded, ".10g")


def dimension(value: float, unit: str) -> str:
    if number(value) == "0" and (
        unit in LENGTH_TO_PX or unit in TIME_TO_S or unit in ANGLE_TO_DEG or unit in RELATIVE_LENGTHS
    ):
        return "0"
    for table, canonical_unit in ((LENGTH_TO_PX, "px"), (TIME_TO_S, "s"), (ANGLE_TO_DEG, "deg")):
        if unit in table:
            return number(value * table[unit]) + canonical_unit
    return number(value) + unit


def canonical_color(node: Node) -> str | None:
    """ "rgba(r,g,b,a)" with 8-bit channels for any sRGB colour, "currentcolor", another colour space's
    own form, or None when the node is not a colour."""
    if node.type not in ("ident", "hash", "function"):
        return None
    try:
        color = color4.parse_color(node)
        if color is None or color == "currentcolor":
            return None if color is None else "currentcolor"
        if color.space in ("hsl", "hwb"):
            color = color.to("srgb")
    except _COLOR_ERRORS:
        return None
    alpha = _byte(color.alpha)
    if color.space == "srgb":
        red, green, blue = (_byte(channel or 0.0) for channel in color.coordinates)
        return f"rgba({red},{green},{blue},{alpha})"
    coordinates = ",".join(number(channel or 0.0) for channel in color.coordinates)
    return f"{color.space}({coordinates},{alpha})"


def _byte(fraction: float) -> int:
    return int(min(1.0, max(0.0, float(fraction))) * 255 + 0.5)


def font_families(nodes: Sequence[Node]) -> Terms:
    """`"Open Sans", Arial, sans-serif` -> ("open sans", "arial", "sans-serif")."""
    families: list[str] = []
    current: list[str] = []
    for node in [*significant(nodes), None]:
        if node is None or (node.type == "literal" and node.value == ","):
            if current:
                families.append(" ".join(" ".join(current).split()).lower())
            current = []
        elif node.type in ("string", "ident"):
            current.append(str(node.value))
        else:
            current.append(term(node))
    return tuple(families)
