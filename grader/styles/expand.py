"""The expanders behind grader/styles/shorthands.py for the box, border, background, font and flex
shorthands: one function per shorthand, from value nodes (whitespace removed) to longhand -> nodes, or
None when the browser would reject the value."""

from __future__ import annotations

from collections.abc import Callable

from grader.styles.values import LENGTH_TO_PX, RELATIVE_LENGTHS, Node, canonical_color, parse_value

GLOBAL_KEYWORDS = frozenset({"inherit", "initial", "unset", "revert", "revert-layer"})
SIDES = ("top", "right", "bottom", "left")
CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")
BORDER_STYLES = frozenset("none hidden dotted dashed solid double groove ridge inset outset auto".split())
LINE_WIDTHS = frozenset({"thin", "medium", "thick"})
MATH_FUNCTIONS = frozenset({"calc", "min", "max", "clamp", "var", "env"})
FONT_SIZES = frozenset(
    "xx-small x-small small medium large x-large xx-large xxx-large larger smaller".split()
)
FONT_STRETCHES = frozenset(
    "ultra-condensed extra-condensed condensed semi-condensed semi-expanded expanded extra-expanded "
    "ultra-expanded".split()
)
FLEX_DIRECTIONS = frozenset({"row", "row-reverse", "column", "column-reverse"})
FLEX_WRAPS = frozenset({"nowrap", "wrap", "wrap-reverse"})
FLEX_BASIS_KEYWORDS = frozenset({"auto", "content", "min-content", "max-content", "fit-content"})
IMAGE_FUNCTIONS = ("url", "image", "image-set", "cross-fade", "element", "paint")

Expansion = dict[str, list[Node]]
Expander = Callable[[list[Node]], Expansion | None]
BORDER_PARTS = ("width", "style", "color")


def box(template: str) -> Expander:
    def expand_box(nodes: list[Node]) -> Expansion | None:
        values = _four(nodes)
        if values is None:
            return None
        return {template.format(side): [value] for side, value in zip(SIDES, values, strict=True)}

    return expand_box


def _four(nodes: list[Node]) -> list[Node] | None:
    if not 1 <= len(nodes) <= 4 or any(node.type == "literal" for node in nodes):
        return None
    return _spread(nodes)


def _spread(nodes: list[Node]) -> list[Node]:
    """CSS's 1-to-4 value rule: top, right (defaults to top), bottom (to top), left (to right)."""
    if len(nodes) == 1:
        return [nodes[0]] * 4
    if len(nodes) == 2:
        return [nodes[0], nodes[1], nodes[0], nodes[1]]
    if len(nodes) == 3:
        return [nodes[0], nodes[1], nodes[2], nodes[1]]
    return list(nodes)


def border_radius(nodes: list[Node]) -> Expansion | None:
    slashes = [i for i, node in enumerate(nodes) if node.type == "literal" and node.value == "/"]
    if len(slashes) > 1:
        return None
    horizontal = _four(nodes[: slashes[0]] if slashes else nodes)
    vertical = _four(nodes[slashes[0] + 1 :]) if slashes else horizontal
    if horizontal is None or vertical is None:
        return None
    return {
        f"border-{corner}-radius": [h, v] for corner, h, v in zip(CORNERS, horizontal, vertical, strict=True)
    }


def _line_parts(nodes: list[Node]) -> dict[str, list[Node]] | None:
    """`1px solid red` in any order -> width, style, colour (missing ones at their initial values)."""
    parts: dict[str, list[Node]] = {}
    for node in nodes:
        if "style" not in parts and node.type == "ident" and node.lower_value in BORDER_STYLES:
            parts["style"] = [node]
        elif "width" not in parts and is_length(node, keywords=LINE_WIDTHS):
            parts["width"] = [node]
        elif "color" not in parts and canonical_color(node) is not None:
            parts["color"] = [node]
        else:
            return None
    if not parts:
        return None
    defaults = {"width": "medium", "style": "none", "color": "currentcolor"}
    return {part: parts.get(part) or parse_value(defaults[part]) for part in BORDER_PARTS}


def border(sides: tuple[str, ...], prefix: str = "border") -> Expander:
    def expand_border(nodes: list[Node]) -> Expansion | None:
        parts = _line_parts(nodes)
        if parts is None:
            return None
        if not sides:
            return {f"{prefix}-{part}": parts[part] for part in BORDER_PARTS}
        return {f"{prefix}-{side}-{part}": parts[part] for side in sides for part in BORDER_PARTS}

    return expand_border


def expand_background(nodes: list[Node]) -> Expansion | None:
    layers: list[list[Node]] = [[]]
    for node in nodes:
        if node.type == "literal" and node.value == ",":
            layers.append([])
        else:
            layers[-1].append(node)
    colors = [node for node in layers[-1] if canonical_color(node) is not None]
    if len(colors) > 1 or any(canonical_color(node) is not None for layer in layers[:-1] for node in layer):
        return None
    images: list[Node] = []
    for index, layer in enumerate(layers):
        found = [node for node in layer if is_image(node)]
        images += ([] if index == 0 else parse_value(",")) + (found[:1] or parse_value("none"))
    return {"background-color": colors or parse_value("transparent"), "background-image": images}


def is_image(node: Node) -> bool:
    if node.type == "url":
        return True
    if node.type == "function":
        return bool(node.lower_name in IMAGE_FUNCTIONS or node.lower_name.endswith("gradient"))
    return bool(node.type == "ident" and node.lower_value == "none")


def expand_font(nodes: list[Node]) -> Expansion | None:
    found: dict[str, list[Node]] = {}
    index = 0
    while index < len(nodes) and index < 4:
        node, name = nodes[index], _font_prefix_part(nodes[index])
        if name is None or name in found:
            break
        if name != "normal":
            found[name] = [node]
        index += 1
    if index >= len(nodes) or not is_length(nodes[index], keywords=FONT_SIZES, percent=True):
        return None
    size, index = [nodes[index]], index + 1
    line_height = parse_value("normal")
    if index < len(nodes) and nodes[index].type == "literal" and nodes[index].value == "/":
        if index + 1 >= len(nodes):
            return None
        line_height, index = [nodes[index + 1]], index + 2
    family = nodes[index:]
    if not family:
        return None
    normal = parse_value("normal")
    return {
        "font-style": found.get("font-style", normal),
        "font-variant": found.get("font-variant", normal),
        "font-weight": found.get("font-weight", normal),
        "font-stretch": found.get("font-stretch", normal),
        "font-size": size,
        "line-height": line_height,
        "font-family": family,
    }


def _font_prefix_part(node: Node) -> str | None:
    if node.type == "number":
        return "font-weight" if 1 <= node.value <= 1000 else None
    if node.type != "ident":
        return None
    word = node.lower_value
    if word == "normal":
        return "normal"
    if word in ("italic", "oblique"):
        return "font-style"
    if word == "small-caps":
        return "font-variant"
    if word in ("bold", "bolder", "lighter"):
        return "font-weight"
    return "font-stretch" if word in FONT_STRETCHES else None


def expand_flex(nodes: list[Node]) -> Expansion | None:
    if len(nodes) == 1 and nodes[0].type == "ident" and nodes[0].lower_value in ("none", "auto", "initial"):
        keyword = {"none": "0 0 auto", "auto": "1 1 auto", "initial": "0 1 auto"}[nodes[0].lower_value]
        grow, shrink, basis = (parse_value(part) for part in keyword.split())
        return _flex_parts(grow, shrink, basis)
    numbers = [node for node in nodes if node.type == "number"]
    bases = [node for node in nodes if node.type != "number"]
    if not 1 <= len(nodes) <= 3 or len(numbers) > 2 or len(bases) > 1 or not (numbers or bases):
        return None
    if bases and not is_length(bases[0], keywords=FLEX_BASIS_KEYWORDS, percent=True):
        return None
    if bases and numbers and nodes.index(bases[0]) not in (0, len(nodes) - 1):
        return None  # the basis goes before or after the numbers, never between them
    grow = numbers[:1] or parse_value("1")
    shrink = numbers[1:2] or parse_value("1")
    return _flex_parts(grow, shrink, bases or parse_value("0%"))


def _flex_parts(grow: list[Node], shrink: list[Node], basis: list[Node]) -> Expansion:
    return {"flex-grow": grow, "flex-shrink": shrink, "flex-basis": basis}


def expand_flex_flow(nodes: list[Node]) -> Expansion | None:
    found: dict[str, list[Node]] = {}
    for node in nodes:
        word = node.lower_value if node.type == "ident" else None
        name = "flex-direction" if word in FLEX_DIRECTIONS else "flex-wrap" if word in FLEX_WRAPS else None
        if name is None or name in found:
            return None
        found[name] = [node]
    return {
        "flex-direction": found.get("flex-direction", parse_value("row")),
        "flex-wrap": found.get("flex-wrap", parse_value("nowrap")),
    }


def pair(first: str, second: str) -> Expander:
    def expand_pair(nodes: list[Node]) -> Expansion | None:
        if not 1 <= len(nodes) <= 2 or any(node.type == "literal" for node in nodes):
            return None
        return {first: [nodes[0]], second: [nodes[-1]]}

    return expand_pair


def is_length(node: Node, keywords: frozenset[str] = frozenset(), percent: bool = False) -> bool:
    if node.type == "dimension":
        return bool(node.lower_unit in LENGTH_TO_PX or node.lower_unit in RELATIVE_LENGTHS)
    if node.type == "number":
        return bool(node.value == 0)
    if node.type == "percentage":
        return percent
    if node.type == "function":
        return bool(node.lower_name in MATH_FUNCTIONS)
    return bool(node.type == "ident" and node.lower_value in keywords)
