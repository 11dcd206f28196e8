"""Shorthands whose parts come in any order and are told apart by what each part is: `list-style`,
`text-decoration` and `columns`. Each part may appear once; the parts left out take their initial
values, as in the browser: `list-style: none` sets list-style-type and list-style-image to none and
list-style-position to outside.
"""

from __future__ import annotations

from grader.styles.expand import GLOBAL_KEYWORDS, Expansion, is_image, is_length
from grader.styles.values import Node, canonical_color, parse_value

LIST_POSITIONS = frozenset({"inside", "outside"})
DECORATION_LINES = ("underline", "overline", "line-through", "blink")
DECORATION_STYLES = frozenset({"solid", "double", "dotted", "dashed", "wavy"})
DECORATION_THICKNESSES = frozenset({"auto", "from-font"})


def expand_list_style(nodes: list[Node]) -> Expansion | None:
    """`[position] || [image] || [type]`; a `none` is the image or the type, whichever is not given."""
    found: dict[str, list[Node]] = {}
    nones = 0
    for node in nodes:
        word = _word(node)
        if word == "none":
            nones += 1
            continue
        if word in LIST_POSITIONS:
            name = "list-style-position"
        elif is_image(node):
            name = "list-style-image"
        elif _is_counter_style(node):
            name = "list-style-type"
        else:
            return None
        if name in found:
            return None
        found[name] = [node]
    unset = [name for name in ("list-style-type", "list-style-image") if name not in found]
    if nones > len(unset):
        return None
    for name in unset if nones else ():
        found[name] = parse_value("none")
    return {
        "list-style-type": found.get("list-style-type") or parse_value("disc"),
        "list-style-position": found.get("list-style-position") or parse_value("outside"),
        "list-style-image": found.get("list-style-image") or parse_value("none"),
    }


def _is_counter_style(node: Node) -> bool:
    """`square`, `decimal`, `"→ "`, `symbols(...)`, or any other counter style's name."""
    if node.type == "string":
        return True
    if node.type == "function":
        return bool(node.lower_name == "symbols")
    word = _word(node)
    return word is not None and word not in GLOBAL_KEYWORDS and word != "default"


def expand_text_decoration(nodes: list[Node]) -> Expansion | None:
    """`[line] || [style] || [color] || [thickness]`, the line being `none` or up to four words."""
    found: dict[str, list[Node]] = {}
    lines: list[Node] = []
    line_done = False
    for node in nodes:
        word = _word(node)
        if word is not None and (word in DECORATION_LINES or word == "none"):
            words = [line.lower_value for line in lines]
            if line_done or word in words or (words and "none" in (word, *words)):
                return None  # a line word twice, `none` with another one, or the line split in two
            lines.append(node)
            continue
        line_done = bool(lines)
        if word in DECORATION_STYLES:
            name = "text-decoration-style"
        elif canonical_color(node) is not None:
            name = "text-decoration-color"
        elif word in DECORATION_THICKNESSES or is_length(node, percent=True):
            name = "text-decoration-thickness"
        else:
            return None
        if name in found:
            return None
        found[name] = [node]
    return {
        "text-decoration-line": lines or parse_value("none"),
        "text-decoration-style": found.get("text-decoration-style") or parse_value("solid"),
        "text-decoration-color": found.get("text-decoration-color") or parse_value("currentcolor"),
        "text-decoration-thickness": found.get("text-decoration-thickness") or parse_value("auto"),
    }


def expand_columns(nodes: list[Node]) -> Expansion | None:
    """`columns: 3`, `columns: 200px`, `columns: 200px 3` (either order); `auto` leaves a part auto."""
    if not 1 <= len(nodes) <= 2:
        return None
    found: dict[str, list[Node]] = {}
    for node in nodes:
        if _word(node) == "auto":
            continue
        if node.type == "number" and node.value != 0:
            name = "column-count" if node.is_integer and node.value >= 1 else ""
        else:
            name = "column-width" if is_length(node) else ""
        if not name or name in found:
            return None
        found[name] = [node]
    return {
        "column-width": found.get("column-width") or parse_value("auto"),
        "column-count": found.get("column-count") or parse_value("auto"),
    }


def _word(node: Node) -> str | None:
    return str(node.lower_value) if node.type == "ident" else None
