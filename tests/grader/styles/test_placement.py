"""grader/styles/placement.py: place-items/content/self and grid-row/column/area."""

from __future__ import annotations

import pytest

from tests.helpers.styles import expanded, outcome


@pytest.mark.parametrize(
    ("css", "prop", "value"),
    [
        ("place-items: center", "align-items", "center"),
        ("place-items: center", "justify-items", "center"),
        ("place-items: start end", "justify-items", "end"),
        ("place-items: first baseline end", "align-items", "first baseline"),
        ("place-items: center", "place-items", "center center"),
        ("align-items: center; justify-items: center", "place-items", "center"),
        ("place-content: center space-between", "justify-content", "space-between"),
        ("place-content: center", "justify-content", "center"),
        ("place-content: baseline", "justify-content", "start"),
        ("place-self: safe center", "justify-self", "safe center"),
        ("grid-column: 1 / 3", "grid-column-start", "1"),
        ("grid-column: 1 / 3", "grid-column-end", "3"),
        ("grid-column: 1 / span 2", "grid-column-end", "span 2"),
        ("grid-row: 2", "grid-row-end", "auto"),
        ("grid-row: main", "grid-row-end", "main"),
        ("grid-area: main", "grid-column-end", "main"),
        ("grid-area: 1 / 2 / 3 / 4", "grid-column-end", "4"),
        ("grid-area: 1 / 2", "grid-row-end", "auto"),
        ("grid-row-start: 1; grid-row-end: 3", "grid-row", "1 / 3"),
    ],
)
def test_equivalent_ways_pass(css: str, prop: str, value: str) -> None:
    assert outcome(f".x {{ {css} }}", selector=".x", property=prop, value=value) == ("pass", "")


@pytest.mark.parametrize(
    ("css", "prop", "value"),
    [
        ("place-items: start end", "justify-items", "start"),
        ("place-content: baseline", "justify-content", "baseline"),
        ("grid-column: 1 / 3", "grid-column-end", "span 2"),  # the same cells, written another way
        ("grid-row: 2", "grid-row-end", "2"),
        ("grid-area: 1 / 2", "grid-column-start", "1"),
    ],
)
def test_near_misses_fail(css: str, prop: str, value: str) -> None:
    assert outcome(f".x {{ {css} }}", selector=".x", property=prop, value=value)[0] == "fail"


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("place-items", "left"),  # align-items takes no left
        ("place-items", "a b c"),
        ("place-content", "10px"),
        ("grid-column", "1 / 2 / 3"),
        ("grid-area", "1 / 2 / 3 / 4 / 5"),
        ("grid-row", "1px"),
        ("grid-row", "1 /"),
    ],
)
def test_values_a_browser_rejects(prop: str, value: str) -> None:
    assert expanded(prop, value) is None
