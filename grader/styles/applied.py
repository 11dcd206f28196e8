"""A `css` rule judged on what the browser applies to the learner's page (`mode: applied`).

Chromium loads the page (its linked stylesheets and <style> blocks only, with the cascade,
specificity, @media and @supports evaluated at the rule's window width) and reports, for every element
the rule's selector matches, the computed values of the longhands the rule is about. Here, on the host,
the expected value is compared with them by meaning: relative units are worked out on the element the
way the browser does (`2.5rem` is 40px at a 16px root, `line-height: 1.5` and `150%` are 24px on 16px
text, `width: 100%` is the width of the box around it), colours and keywords as in values.py, lengths
within half a pixel. A rule holds when every matching element passes (`all: false`: one is enough).

A selector may end in `:focus` or `:focus-visible`: each element is then read while it has the focus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import tinycss2

from grader.browser.facts import Element, Found, ViewportFacts
from grader.browser.probes import PageProbe
from grader.styles.media import active_at
from grader.styles.shorthands import expand, longhands
from grader.styles.values import (
    LENGTH_TO_PX,
    Node,
    Terms,
    canonical_text,
    canonical_value,
    number,
    parse_value,
    serialize,
    significant,
)

DEFAULT_WIDTH = 1200
MEDIA_WIDTHS = (375, 1200, 768, 1024, 600, 480, 320, 1440, 1920, 2560, 240)
"""Window widths tried, in this order, for a rule's `media:` query: the first where it is true."""
PX_TOLERANCE = 0.5
FOCUS = re.compile(r":focus(-visible)?(?![\w-])", re.IGNORECASE)
UNJUDGED = re.compile(r"(::?[\w-]+)", re.IGNORECASE)
STATE_PSEUDOS = frozenset({":hover", ":active", ":visited", ":focus-within", ":target", ":link"})
"""States a page cannot be put in without a user: such rules are judged on the stylesheet's text."""
FONT_RELATIVE = {"em": "font_size", "rem": "root_font_size"}
VIEWPORT_UNITS = ("vw", "vh", "vmin", "vmax")
BASIS_WIDTH = frozenset(
    {"width", "min-width", "max-width", "left", "right", "text-indent", "flex-basis", "column-gap"}
    | {f"{box}-{side}" for box in ("margin", "padding") for side in ("top", "right", "bottom", "left")}
)
BASIS_HEIGHT = frozenset({"height", "min-height", "max-height", "top", "bottom", "row-gap"})


class NotApplicable(ValueError):
    """A rule the browser cannot be asked about; the message says what to do instead."""


def subject_and_state(selector: str) -> tuple[str, str | None]:
    """The selector without a final `:focus`/`:focus-visible`, and "focus" when it had one.

    Raises:
        NotApplicable: a state a page cannot be put in (`:hover`), a pseudo-element, or a focus that
            is not on the element the rule styles.
    """
    for match in UNJUDGED.finditer(selector):
        pseudo = match.group(1).lower()
        if pseudo.startswith("::") or pseudo in (":before", ":after", ":first-line", ":first-letter"):
            raise NotApplicable(f"`{selector}` styles a pseudo-element: judge it with `mode: written`")
        if pseudo in STATE_PSEUDOS:
            raise NotApplicable(
                f"`{selector}` needs the page in a state ({pseudo}) the grader cannot put it in: judge it "
                "with `mode: written`, or act on the page in a `browser` check")
    focus = list(FOCUS.finditer(selector))
    if not focus:
        return selector.strip(), None
    tail = selector[focus[0].start():]
    if re.search(r"[\s>+~]", tail.strip()):
        raise NotApplicable(f"`{selector}`: `:focus` can only be judged on the element the rule styles")
    subject = FOCUS.sub("", selector).strip()
    if not subject or subject[-1] in ">+~":
        subject += "*"
    return subject, "focus"


def media_width(media: str) -> int:
    """A window width at which `media` is true.

    Raises:
        NotApplicable: no usual width makes it true.
    """
    nodes = tinycss2.parse_component_value_list(media, skip_comments=True)
    for width in MEDIA_WIDTHS:
        if active_at(nodes, width):
            return width
    raise NotApplicable(f"no window width makes `@media {media}` true: use `at_width:` instead")


def probe(selector: str, state: str | None, property_name: str, present: bool) -> PageProbe:
    """What the browser must report for a rule about `property_name` on `selector`'s elements."""
    names = longhands(property_name)
    return PageProbe(
        selector=selector,
        properties=names,
        state="focus" if state else None,
        declared=names if present else (),
        typed=not present,
        context=not present,
    )


def value_matches(longhand: str, expected: Sequence[Node], element: Element) -> bool:
    """Whether the browser's value of `longhand` on `element` is the expected one, by meaning."""
    actual = element.style.get(longhand)
    if actual is None:
        return False
    wanted = canonical_text(longhand, resolved_text(longhand, expected, element.context))
    if _same_terms(wanted, canonical_text(longhand, actual)):
        return True
    typed = element.typed.get(longhand)
    return typed is not None and canonical_text(longhand, typed) == canonical_value(longhand, expected)


def contains_value(longhand: str, part: str, element: Element) -> bool:
    actual = canonical_text(longhand, element.style.get(longhand, ""))
    wanted = canonical_text(longhand, part)
    size = len(wanted)
    return bool(size) and any(actual[i:i + size] == wanted for i in range(len(actual) - size + 1))


def resolved_text(longhand: str, nodes: Sequence[Node], context: Mapping[str, float]) -> str:
    """The expected value with its relative lengths worked out on one element, as CSS text."""
    return " ".join(_resolved(longhand, node, context) for node in significant(nodes))


def _resolved(longhand: str, node: Node, context: Mapping[str, float]) -> str:
    def px(value: float) -> str:
        return number(value) + "px"

    font = context.get("font_size")
    if node.type == "dimension":
        unit = node.lower_unit
        if unit == "em":
            basis = context.get("parent_font_size" if longhand == "font-size" else "font_size")
            return px(node.value * basis) if basis else serialize([node])
        if unit == "rem" and context.get("root_font_size"):
            return px(node.value * context["root_font_size"])
        if unit in VIEWPORT_UNITS and "viewport_width" in context:
            width, height = context["viewport_width"], context["viewport_height"]
            side = {"vw": width, "vh": height, "vmin": min(width, height), "vmax": max(width, height)}[unit]
            return px(node.value * side / 100)
        if unit in LENGTH_TO_PX:
            return px(node.value * LENGTH_TO_PX[unit])
    if node.type == "percentage":
        basis = _percentage_basis(longhand, context)
        if basis is not None:
            return px(node.value * basis / 100)
    if node.type == "number" and longhand == "line-height" and font:
        return px(node.value * font)
    return serialize([node])


def _percentage_basis(longhand: str, context: Mapping[str, float]) -> float | None:
    if longhand == "font-size":
        return context.get("parent_font_size")
    if longhand == "line-height":
        return context.get("font_size")
    if longhand in BASIS_WIDTH:
        return context.get("basis_width")
    if longhand in BASIS_HEIGHT:
        return context.get("basis_height")
    return None


def _same_terms(first: Terms, second: Terms) -> bool:
    if first == second:
        return True
    if len(first) != len(second):
        return False
    return all(a == b or _close_px(a, b) for a, b in zip(first, second, strict=True))


def _close_px(first: str, second: str) -> bool:
    values = []
    for term in (first, second):
        if term == "0":
            values.append(0.0)
        elif term.endswith("px"):
            try:
                values.append(float(term[:-2]))
            except ValueError:
                return False
        else:
            return False
    return abs(values[0] - values[1]) <= PX_TOLERANCE


def with_viewport(element: Element, facts: ViewportFacts) -> Element:
    """The element with the window's size in its context (for vw and vh)."""
    size = {"viewport_width": float(facts.width), "viewport_height": float(facts.height)}
    context = {**element.context, **size}
    return Element(element.name, element.box, element.hidden, element.style, element.typed,
                   element.declared, context, element.text)


def expected_longhands(property_name: str, text: str) -> dict[str, list[Node]]:
    """Longhand -> expected value nodes for one written value (checked when the exercise loads)."""
    expansion = expand(property_name, parse_value(text)) or {}
    return {name: list(nodes) for name, nodes in expansion.items()}


def lookup(facts: ViewportFacts, key: str) -> Found:
    return facts.lookup(key)
