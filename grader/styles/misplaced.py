"""What a learner wrote near a rule the exercise asks for, when the browser does not see that rule: the
selector written with other combinators (`nav>ul` for `nav ul`), the rule written inside another one
(often because a `}` is missing before it) or dropped (a stray `}`), or the property set inside a
shorthand this grader does not split into its parts (`background: url(a.png) no-repeat` for
background-repeat).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.styles.sheet import Declared, RuleBlock, Stylesheet

_LOOSE = re.compile(r"\s*[>+~]\s*|\s+")
_SIDES = ("top", "right", "bottom", "left")
# Shorthands (or parts of them) that grader/styles/shorthands.py does not split, and what they set.
UNSPLIT: dict[str, tuple[str, ...]] = {
    "background": tuple(
        f"background-{part}"
        for part in ("position", "position-x", "position-y", "size", "repeat", "attachment", "origin", "clip")
    ),
    "transition": tuple(
        f"transition-{part}" for part in ("property", "duration", "timing-function", "delay", "behavior")
    ),
    "animation": tuple(
        f"animation-{part}"
        for part in (
            "name",
            "duration",
            "timing-function",
            "delay",
            "iteration-count",
            "direction",
            "fill-mode",
            "play-state",
        )
    ),
    "grid-template": ("grid-template-rows", "grid-template-columns", "grid-template-areas"),
    "grid": (
        "grid-template-rows",
        "grid-template-columns",
        "grid-template-areas",
        "grid-auto-rows",
        "grid-auto-columns",
        "grid-auto-flow",
    ),
    "border-image": tuple(
        f"border-image-{part}" for part in ("source", "slice", "width", "outset", "repeat")
    ),
    "column-rule": ("column-rule-width", "column-rule-style", "column-rule-color"),
    "scroll-margin": tuple(f"scroll-margin-{side}" for side in _SIDES),
    "scroll-padding": tuple(f"scroll-padding-{side}" for side in _SIDES),
}


def similar_selector(sheet: Stylesheet, selector: str) -> str | None:
    """A learner's selector that differs from `selector` only by combinators (`nav>ul` for `nav ul`)."""
    loose = _LOOSE.sub(" ", selector)
    for rule in sheet.rules:
        for written in rule.selectors:
            if written != selector and _LOOSE.sub(" ", written) == loose:
                return written
    return None


def hidden_rule(sheet: Stylesheet, selector: str) -> RuleBlock | None:
    """A rule written with `selector` that the browser reads as part of another rule (`h1 { ... }`
    inside `.card { ... }` styles `.card h1`, not every `h1`), or drops (a stray `}` before it)."""
    for rule in sheet.rules:
        if selector in rule.own and selector not in rule.selectors:
            return rule
    return None


def unsplit_shorthand(
    sheet: Stylesheet, selector: str, longhand: str, applies: Callable[[Declared], bool]
) -> Declared | None:
    """The last declaration for `selector` of a shorthand that may set `longhand` but is not split here
    (`transition: color 1s` for transition-duration)."""
    for declared in reversed(sheet.declarations):
        if (
            longhand in UNSPLIT.get(declared.property, ())
            and selector in declared.selectors
            and applies(declared)
        ):
            return declared
    return None
