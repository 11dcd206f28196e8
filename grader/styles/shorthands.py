"""Shorthand properties split into the longhands they set, the way the browser does it.

`padding: 8px 16px` sets padding-left to 16px, `border: 1px solid red` sets twelve longhands, and
`flex: 1` means grow 1, shrink 1, basis 0%. A rule about a longhand is satisfied by a shorthand, and a
rule about a shorthand compares every longhand it sets. Modelled:

- boxes: margin, padding, inset, border, border-top/right/bottom/left, border-width/style/color,
  border-radius (with `/`), outline (grader/styles/expand.py);
- logical sides: margin-inline/block, padding-inline/block, inset-inline/block, border-inline/block
  (and their -start/-end and -width/-style/-color forms), mapped to the physical sides of a page
  written left to right (inline start = left, block start = top: grader/styles/logical.py);
- background (its colour and images), font, flex, flex-flow, gap (and grid-gap), overflow;
- list-style, text-decoration, columns (grader/styles/anyorder.py);
- place-items, place-content, place-self, grid-row, grid-column, grid-area
  (grader/styles/placement.py).

Any other property is compared as written. A value a shorthand cannot take makes the whole declaration
invalid, as in the browser, which then ignores it.
"""

from __future__ import annotations

from grader.styles.anyorder import expand_columns, expand_list_style, expand_text_decoration
from grader.styles.expand import (
    BORDER_PARTS,
    CORNERS,
    GLOBAL_KEYWORDS,
    SIDES,
    Expander,
    Expansion,
    border,
    border_radius,
    box,
    expand_background,
    expand_flex,
    expand_flex_flow,
    expand_font,
    pair,
)
from grader.styles.logical import LOGICAL_EXPANDERS, LOGICAL_LONGHANDS
from grader.styles.placement import PLACEMENT_EXPANDERS, PLACEMENT_LONGHANDS
from grader.styles.values import Node

__all__ = ["GLOBAL_KEYWORDS", "canonical_property", "corner_value", "expand", "is_shorthand", "longhands"]
ALIASES = {
    "grid-gap": "gap",
    "grid-row-gap": "row-gap",
    "grid-column-gap": "column-gap",
    "word-wrap": "overflow-wrap",
}
BOXES = {
    "margin": "margin-{}",
    "padding": "padding-{}",
    "inset": "{}",
    "border-width": "border-{}-width",
    "border-style": "border-{}-style",
    "border-color": "border-{}-color",
}


def canonical_property(name: str) -> str:
    name = name.strip().lower()
    return ALIASES.get(name, name)


def longhands(property_name: str) -> tuple[str, ...]:
    """The longhands `property_name` sets; just itself when it is not a modelled shorthand."""
    return _LONGHANDS.get(property_name, (property_name,))


def is_shorthand(property_name: str) -> bool:
    return property_name in _LONGHANDS


def expand(property_name: str, nodes: list[Node]) -> Expansion | None:
    """Longhand -> value nodes for one declaration (whitespace-free nodes), or None when the value is
    invalid for this shorthand. A value with `var()` cannot be split: every longhand gets all of it."""
    names = longhands(property_name)
    if not is_shorthand(property_name):
        return {property_name: nodes}
    keyword = nodes[0].lower_value if len(nodes) == 1 and nodes[0].type == "ident" else None
    if keyword in GLOBAL_KEYWORDS and not (property_name == "flex" and keyword == "initial"):
        return {name: nodes for name in names}  # `flex: initial` is a flex keyword too: 0 1 auto
    if any(node.type == "function" and node.lower_name == "var" for node in nodes):
        return {name: nodes for name in names}
    return _EXPANDERS[property_name](nodes)


def corner_value(property_name: str, nodes: list[Node]) -> list[Node]:
    """`border-top-left-radius: 4px` means 4px by 4px: write both, so the forms compare equal."""
    if property_name.endswith("-radius") and len(nodes) == 1:
        return [nodes[0], nodes[0]]
    return nodes


_EXPANDERS: dict[str, Expander] = {
    **{name: box(template) for name, template in BOXES.items()},
    "border-radius": border_radius,
    "border": border(SIDES),
    **{f"border-{side}": border((side,)) for side in SIDES},
    "outline": border((), prefix="outline"),
    "background": expand_background,
    "font": expand_font,
    "flex": expand_flex,
    "flex-flow": expand_flex_flow,
    "gap": pair("row-gap", "column-gap"),
    "overflow": pair("overflow-x", "overflow-y"),
    "list-style": expand_list_style,
    "text-decoration": expand_text_decoration,
    "columns": expand_columns,
    **LOGICAL_EXPANDERS,
    **PLACEMENT_EXPANDERS,
}
_LONGHANDS: dict[str, tuple[str, ...]] = {
    **{name: tuple(template.format(side) for side in SIDES) for name, template in BOXES.items()},
    "border-radius": tuple(f"border-{corner}-radius" for corner in CORNERS),
    "border": tuple(f"border-{side}-{part}" for side in SIDES for part in BORDER_PARTS),
    **{f"border-{side}": tuple(f"border-{side}-{part}" for part in BORDER_PARTS) for side in SIDES},
    "outline": tuple(f"outline-{part}" for part in BORDER_PARTS),
    "background": ("background-color", "background-image"),
    "font": (
        "font-style",
        "font-variant",
        "font-weight",
        "font-stretch",
        "font-size",
        "line-height",
        "font-family",
    ),
    "flex": ("flex-grow", "flex-shrink", "flex-basis"),
    "flex-flow": ("flex-direction", "flex-wrap"),
    "gap": ("row-gap", "column-gap"),
    "overflow": ("overflow-x", "overflow-y"),
    "list-style": ("list-style-type", "list-style-position", "list-style-image"),
    "text-decoration": (
        "text-decoration-line",
        "text-decoration-style",
        "text-decoration-color",
        "text-decoration-thickness",
    ),
    "columns": ("column-width", "column-count"),
    **LOGICAL_LONGHANDS,
    **PLACEMENT_LONGHANDS,
}
