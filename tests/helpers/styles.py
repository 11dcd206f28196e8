"""Shorthand expansion and one CSS rule judged against a stylesheet, as the style tests check them."""

from __future__ import annotations

from typing import Any

from grader.styles.rules import CssRule
from grader.styles.sheet import Source, read_stylesheet
from grader.styles.shorthands import corner_value, expand
from grader.styles.values import canonical_value, parse_value


def expanded(prop: str, value: str) -> dict[str, str] | None:
    result = expand(prop, parse_value(value))
    if result is None:
        return None
    return {
        name: " ".join(canonical_value(name, corner_value(name, nodes))) for name, nodes in result.items()
    }


def outcome(css: str, **rule: Any) -> tuple[str, str]:
    result = CssRule.model_validate(rule).evaluate(read_stylesheet([Source("style.css", css)]))
    return result.status, result.message
