"""What the browser reported for one viewport, read into typed values.

The report was made in a container that ran learner code, so every field is checked for its type and
capped here: a malformed report reads as facts that fail assertions, never as a crash of the grader.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.result import cap_text

NAME_CAP = 120
VALUE_CAP = 300
TEXT_CAP = 2000
CONTEXT_KEYS = frozenset({"font_size", "parent_font_size", "root_font_size", "basis_width", "basis_height"})


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Element:
    name: str
    """How the page calls it: tag, id or first classes ("div.menu")."""
    box: Box
    hidden: str
    """Why a user would not see it (display, visibility, opacity, size, outside), "" when they would."""
    style: Mapping[str, str]
    typed: Mapping[str, str] = field(default_factory=dict)
    """Computed values before layout, where the browser gave them (`100%`, `1.5`)."""
    declared: Mapping[str, bool] = field(default_factory=dict)
    """Per property asked: whether a rule of the page itself sets it on this element."""
    context: Mapping[str, float] = field(default_factory=dict)
    """font_size, parent_font_size, root_font_size, basis_width, basis_height (CSS px)."""
    text: str | None = None
    """The text the browser shows in it, when asked."""


@dataclass(frozen=True)
class Found:
    count: int
    elements: tuple[Element, ...]
    invalid: bool = False


@dataclass(frozen=True)
class ViewportFacts:
    label: str
    width: int
    height: int
    page_width: float
    page_height: float
    found: Mapping[str, Found] = field(default_factory=dict)
    html: str = ""
    errors: tuple[str, ...] = ()
    action_errors: tuple[str, ...] = ()
    screenshot: str | None = None
    load_error: str | None = None
    inspected: bool = False
    """False when the page could not be looked at (it did not load)."""

    def lookup(self, selector: str) -> Found:
        return self.found.get(selector, Found(0, ()))


def read_viewport(raw: object, width: int, height: int) -> ViewportFacts:
    """The facts of one viewport from its part of the report (anything else reads as nothing seen)."""
    data: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    facts = data.get("facts") if isinstance(data.get("facts"), dict) else None
    page = _mapping(facts, "page")
    found = {}
    for selector, item in _mapping(facts, "elements").items():
        if isinstance(selector, str) and isinstance(item, dict):
            found[selector] = _found(item)
    shot = data.get("screenshot")
    load_error = data.get("load_error")
    return ViewportFacts(
        label=f"{width}x{height}",
        width=width,
        height=height,
        page_width=_number(page.get("width"), width),
        page_height=_number(page.get("height"), height),
        found=found,
        html=str(facts.get("html", "")) if facts else "",
        errors=_texts(data.get("errors")),
        action_errors=_texts(data.get("action_errors")),
        screenshot=shot if isinstance(shot, str) else None,
        load_error=str(load_error)[:VALUE_CAP] if load_error else None,
        inspected=facts is not None,
    )


def _found(item: Mapping[str, Any]) -> Found:
    raw_elements = item.get("items")
    elements = tuple(_element(e) for e in raw_elements[:50] if isinstance(e, dict)) if isinstance(
        raw_elements, list) else ()
    count = item.get("count")
    return Found(count if isinstance(count, int) and count >= 0 else len(elements), elements,
                 item.get("invalid") is True)


def _element(item: Mapping[str, Any]) -> Element:
    box = _mapping(item, "box")
    text = item.get("text")
    return Element(
        name=str(item.get("name", "element"))[:NAME_CAP],
        box=Box(*(_number(box.get(key), 0.0) for key in ("x", "y", "width", "height"))),
        hidden=str(item.get("hidden", ""))[:20],
        style=_strings(item, "style"),
        typed=_strings(item, "typed"),
        declared={str(name)[:NAME_CAP]: value for name, value in _mapping(item, "declared").items()
                  if isinstance(value, bool)},
        context={str(name): _number(value, 0.0) for name, value in _mapping(item, "context").items()
                 if name in CONTEXT_KEYS},
        text=cap_text(text, TEXT_CAP) if isinstance(text, str) else None,
    )


def _strings(item: Mapping[str, Any], key: str) -> dict[str, str]:
    return {
        str(name)[:NAME_CAP]: str(value)[:VALUE_CAP]
        for name, value in _mapping(item, key).items()
        if isinstance(value, str)
    }


def _mapping(data: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    value = data.get(key) if data else None
    return value if isinstance(value, dict) else {}


def _number(value: object, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return float(default)
    return float(value)


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(cap_text(str(item), 500) for item in value[:20])
