"""grader/cssshorthand.py and grader/cssexpand.py: shorthands set the longhands a browser sets."""

from __future__ import annotations

import pytest

from grader.styles.shorthands import canonical_property, longhands
from tests.helpers.styles import expanded


@pytest.mark.parametrize(
    ("value", "top", "right", "bottom", "left"),
    [
        ("0", "0", "0", "0", "0"),
        ("0 auto", "0", "auto", "0", "auto"),
        ("1px 2px 3px", "1px", "2px", "3px", "2px"),
        ("1px 2px 3px 4px", "1px", "2px", "3px", "4px"),
    ],
)
def test_box_shorthands_follow_the_one_to_four_rule(
    value: str, top: str, right: str, bottom: str, left: str
) -> None:
    assert expanded("margin", value) == {
        "margin-top": top,
        "margin-right": right,
        "margin-bottom": bottom,
        "margin-left": left,
    }


def test_padding_left_comes_from_the_second_value() -> None:
    assert (expanded("padding", "8px 16px") or {})["padding-left"] == "16px"


def test_border_parts_in_any_order_with_initial_values_for_the_rest() -> None:
    first, second = expanded("border", "1px solid red"), expanded("border", "solid #F00 1px")
    assert first == second and first is not None
    assert first["border-left-color"] == "rgba(255,0,0,255)"
    assert expanded("border-top", "dashed") == {
        "border-top-width": "medium",
        "border-top-style": "dashed",
        "border-top-color": "currentcolor",
    }


def test_border_radius_with_a_slash_and_single_corner_longhands() -> None:
    corners = expanded("border-radius", "10px 5px / 20px") or {}
    assert corners["border-top-left-radius"] == "10px 20px"
    assert corners["border-top-right-radius"] == "5px 20px"
    assert (expanded("border-radius", "4px") or {})["border-bottom-left-radius"] == "4px 4px"
    assert expanded("border-top-left-radius", "4px") == {"border-top-left-radius": "4px 4px"}


def test_background_colour_and_image() -> None:
    assert expanded("background", "url(a.png) no-repeat #fff") == {
        "background-color": "rgba(255,255,255,255)",
        "background-image": "url(a.png)",
    }
    assert (expanded("background", "url(a.png)") or {})["background-color"] == "rgba(0,0,0,0)"


def test_font_shorthand() -> None:
    font = expanded("font", "italic bold 16px/1.5 'Open Sans', sans-serif") or {}
    assert font["font-style"] == "italic" and font["font-weight"] == "700"
    assert font["font-size"] == "16px" and font["line-height"] == "1.5"
    assert font["font-family"] == "open sans sans-serif"
    assert (expanded("font", "12px Arial") or {})["font-weight"] == "400"


@pytest.mark.parametrize(
    ("value", "grow", "shrink", "basis"),
    [
        ("1", "1", "1", "0"),
        ("auto", "1", "1", "auto"),
        ("none", "0", "0", "auto"),
        ("initial", "0", "1", "auto"),
        ("2 3", "2", "3", "0"),
        ("30px", "1", "1", "30px"),
        ("2 30px", "2", "1", "30px"),
        ("30px 2 1", "2", "1", "30px"),
    ],
)
def test_flex(value: str, grow: str, shrink: str, basis: str) -> None:
    assert expanded("flex", value) == {"flex-grow": grow, "flex-shrink": shrink, "flex-basis": basis}


def test_gap_flex_flow_overflow() -> None:
    assert expanded("gap", "10px") == {"row-gap": "10px", "column-gap": "10px"}
    assert expanded("flex-flow", "wrap column") == {"flex-direction": "column", "flex-wrap": "wrap"}
    assert expanded("overflow", "hidden auto") == {"overflow-x": "hidden", "overflow-y": "auto"}


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("margin", "1px 2px 3px 4px 5px"),
        ("border", "1px 2px"),
        ("flex", "1 2 3"),
        ("font", "Arial"),
        ("gap", "1px,2px"),
    ],
)
def test_values_a_browser_rejects(prop: str, value: str) -> None:
    assert expanded(prop, value) is None


def test_global_keywords_and_var_reach_every_longhand() -> None:
    assert set((expanded("margin", "inherit") or {}).values()) == {"inherit"}
    assert set((expanded("padding", "var(--gap)") or {}).values()) == {"var(--gap)"}


def test_properties_and_aliases() -> None:
    assert canonical_property(" Grid-Gap ") == "gap"
    assert longhands("color") == ("color",)
    assert len(longhands("border")) == 12
