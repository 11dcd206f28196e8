"""Logical properties (`margin-inline`, `padding-block-start`, `inset-inline`, `border-block`...) mapped
to the physical sides they set on a page written left to right, top to bottom (`writing-mode:
horizontal-tb`, `direction: ltr`), which is every page of this curriculum: inline start is left, inline
end is right, block start is top and block end is bottom.

So `margin-inline: auto` satisfies a rule about `margin-left`, and `padding-block: 8px 4px` sets
padding-top to 8px and padding-bottom to 4px. A right-to-left page would swap left and right; no
exercise checks one.
"""

from __future__ import annotations

from grader.styles.expand import BORDER_PARTS, Expander, Expansion, border, pair
from grader.styles.values import Node

INLINE = ("left", "right")
BLOCK = ("top", "bottom")
AXES = {"inline": INLINE, "block": BLOCK}
EDGES = {"inline-start": "left", "inline-end": "right", "block-start": "top", "block-end": "bottom"}
# logical prefix -> the physical longhand for a side ("{}" is the side)
BOX_TEMPLATES = {
    "margin": "margin-{}",
    "padding": "padding-{}",
    "inset": "{}",
    **{f"border-{part}": f"border-{{}}-{part}" for part in BORDER_PARTS},
}


def _box_name(prefix: str, axis_or_edge: str) -> str:
    """`border-width` + `inline` -> `border-inline-width`; `margin` + `inline` -> `margin-inline`."""
    if prefix.startswith("border-"):
        return f"border-{axis_or_edge}-{prefix.removeprefix('border-')}"
    return f"{prefix}-{axis_or_edge}"


def single(physical: str) -> Expander:
    """`margin-inline-start: 4px` is `margin-left: 4px`, written another way."""

    def expand_single(nodes: list[Node]) -> Expansion | None:
        return {physical: nodes}

    return expand_single


def _tables() -> tuple[dict[str, Expander], dict[str, tuple[str, ...]]]:
    expanders: dict[str, Expander] = {}
    longhands: dict[str, tuple[str, ...]] = {}
    for prefix, template in BOX_TEMPLATES.items():
        for axis, sides in AXES.items():
            start, end = (template.format(side) for side in sides)
            expanders[_box_name(prefix, axis)] = pair(start, end)  # start then end; one value sets both
            longhands[_box_name(prefix, axis)] = (start, end)
        for edge, side in EDGES.items():
            expanders[_box_name(prefix, edge)] = single(template.format(side))
            longhands[_box_name(prefix, edge)] = (template.format(side),)
    borders: dict[str, tuple[str, ...]] = {**AXES, **{edge: (side,) for edge, side in EDGES.items()}}
    for name, physical in borders.items():
        expanders[f"border-{name}"] = border(physical)
        longhands[f"border-{name}"] = tuple(
            f"border-{side}-{part}" for side in physical for part in BORDER_PARTS
        )
    return expanders, longhands


LOGICAL_EXPANDERS, LOGICAL_LONGHANDS = _tables()
