"""grader/styles/anyorder.py: list-style, text-decoration and columns, parts in any order."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.styles import expanded, outcome


@pytest.mark.parametrize(
    ("css", "prop", "value"),
    [
        ("list-style: none", "list-style-type", "none"),
        ("list-style: none", "list-style-image", "none"),
        ("list-style: NONE", "list-style-type", "none"),
        ("list-style: square inside", "list-style-type", "square"),
        ("list-style: inside square", "list-style-position", "inside"),
        ("list-style: none square", "list-style-type", "square"),
        ("list-style: url(dot.png) none", "list-style-type", "none"),
        ("list-style: decimal", "list-style", "decimal outside none"),
        ("list-style-type: none", "list-style-type", "none"),
        ("list-style: disc; list-style-type: none", "list-style-type", "none"),
        ("text-decoration: none", "text-decoration-line", "none"),
        ("text-decoration: underline", "text-decoration", "underline"),
        ("text-decoration: red wavy underline", "text-decoration-style", "wavy"),
        ("text-decoration: underline #f00", "text-decoration-color", "red"),
        ("text-decoration: overline underline", "text-decoration-line", "underline overline"),
        ("text-decoration-line: overline underline", "text-decoration-line", "underline overline"),
        ("text-decoration: underline 2px", "text-decoration-thickness", "2px"),
        ("columns: 3", "column-count", "3"),
        ("columns: 200px", "column-width", "200px"),
        ("columns: 3 150pt", "columns", "200px 3"),
        ("column-count: 3; column-width: auto", "columns", "3"),
    ],
)
def test_equivalent_ways_pass(css: str, prop: str, value: str) -> None:
    assert outcome(f".x {{ {css} }}", selector=".x", property=prop, value=value) == ("pass", "")


@pytest.mark.parametrize(
    ("css", "prop", "value"),
    [
        ("list-style: square", "list-style-type", "none"),
        ("list-style: inside", "list-style-type", "none"),  # the type is disc
        ("list-style: none; list-style-type: disc", "list-style-type", "none"),
        ("text-decoration: underline", "text-decoration-line", "none"),
        ("text-decoration: underline red", "text-decoration", "underline"),  # the colour differs
        ("columns: 3", "column-count", "2"),
        ("columns: 200px", "column-count", "3"),
    ],
)
def test_near_misses_fail(css: str, prop: str, value: str) -> None:
    assert outcome(f".x {{ {css} }}", selector=".x", property=prop, value=value)[0] == "fail"


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("list-style", "none none none"),
        ("list-style", "inside outside"),
        ("list-style", "square circle"),
        ("list-style", "disc inherit"),
        ("list-style", "10px"),
        ("text-decoration", "none underline"),
        ("text-decoration", "underline underline"),
        ("text-decoration", "underline red overline"),
        ("text-decoration", "solid dotted"),
        ("text-decoration", "10"),
        ("columns", "3 4"),
        ("columns", "1.5"),
        ("columns", "10%"),
        ("columns", "3 200px auto"),
    ],
)
def test_values_a_browser_rejects(prop: str, value: str) -> None:
    assert expanded(prop, value) is None


def test_left_out_parts_take_their_initial_values() -> None:
    assert expanded("list-style", "square") == {
        "list-style-type": "square",
        "list-style-position": "outside",
        "list-style-image": "none",
    }
    assert expanded("text-decoration", "underline") == {
        "text-decoration-line": "underline",
        "text-decoration-style": "solid",
        "text-decoration-color": "currentcolor",
        "text-decoration-thickness": "auto",
    }
    assert expanded("columns", "auto") == {"column-width": "auto", "column-count": "auto"}


@pytest.mark.parametrize(
    ("css", "rule", "message"),
    [
        (
            ".menu { display: flex; list-style: square; }",
            {"value": "none"},
            "`.menu` sets list-style-type to square with `list-style: square` (style.css line 1), "
            "but it should be none.",
        ),
        (
            ".menu { list-style: none none none; }",
            {"value": "none"},
            "`.menu` has no `list-style-type` rule. Add `list-style-type: none;` inside `.menu { ... }`. "
            "Note: style.css line 1: the browser ignores `list-style: none none none`, which is not a valid "
            "list-style value.",
        ),
    ],
)
def test_a_longhand_set_through_the_shorthand_is_named_as_such(
    css: str, rule: dict[str, Any], message: str
) -> None:
    assert outcome(css, selector=".menu", property="list-style-type", **rule) == ("fail", message)
