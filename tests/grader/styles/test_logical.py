"""grader/styles/logical.py: logical sides are the physical sides of a left-to-right page."""

from __future__ import annotations

import pytest

from tests.helpers.styles import expanded, outcome


@pytest.mark.parametrize(
    ("css", "prop", "value"),
    [
        ("margin-inline: auto", "margin-left", "auto"),
        ("margin-inline: auto", "margin-right", "auto"),
        ("margin-inline: 4px 8px", "margin-right", "8px"),
        ("margin-block: 1em 0", "margin-top", "1em"),
        ("margin-block: 8px 4px", "margin-bottom", "4px"),
        ("margin-block: 0; margin-inline: auto", "margin", "0 auto"),
        ("margin: 0 auto", "margin-inline", "auto"),
        ("padding-inline: 16px", "padding-left", "16px"),
        ("padding-block: 8px", "padding-top", "8px"),
        ("padding-inline-start: 1em", "padding-left", "1em"),
        ("margin-block-end: 0", "margin-bottom", "0"),
        ("inset-inline: 0", "left", "0"),
        ("inset-block: 0 10px", "bottom", "10px"),
        ("inset-inline-end: 0", "right", "0"),
        ("border-inline: 1px solid red", "border-left", "1px solid #f00"),
        ("border-block: 2px dashed", "border-bottom-style", "dashed"),
        ("border-block-start: 2px dashed", "border-top-width", "2px"),
        ("border-inline-width: 1px 2px", "border-right-width", "2px"),
        ("border-inline-start-color: red", "border-left-color", "red"),
        ("margin-left: 0; margin-right: 0", "margin-inline", "0"),
    ],
)
def test_equivalent_ways_pass(css: str, prop: str, value: str) -> None:
    assert outcome(f".x {{ {css} }}", selector=".x", property=prop, value=value) == ("pass", "")


@pytest.mark.parametrize(
    ("css", "prop", "value"),
    [
        ("margin-inline: 4px 8px", "margin-left", "8px"),  # start is left on a left-to-right page
        ("margin-block: 8px", "margin-left", "8px"),
        ("padding-inline-end: 1em", "padding-left", "1em"),
        ("inset-block: 0", "left", "0"),
        ("border-inline: 1px solid", "border-top-style", "solid"),
        ("margin-inline: auto; margin-left: 0", "margin-left", "auto"),  # the last one wins
    ],
)
def test_near_misses_fail(css: str, prop: str, value: str) -> None:
    assert outcome(f".x {{ {css} }}", selector=".x", property=prop, value=value)[0] == "fail"


@pytest.mark.parametrize(
    ("prop", "value"),
    [("margin-inline", "1px 2px 3px"), ("padding-block", "1px, 2px"), ("border-block", "1px 2px")],
)
def test_values_a_browser_rejects(prop: str, value: str) -> None:
    assert expanded(prop, value) is None


def test_the_message_names_the_logical_property_the_learner_wrote() -> None:
    assert outcome(".x { margin-inline: auto }", selector=".x", property="margin-left", value="10px") == (
        "fail",
        "`.x` sets margin-left to auto with `margin-inline: auto` (style.css line 1), but it should be 10px.",
    )
