"""grader/cssnorm.py and grader/cssselector.py: equivalent ways of writing a CSS value or selector compare
equal; near misses do not."""

from __future__ import annotations

import pytest

from grader.styles.selectors import selector_from_text
from grader.styles.values import (
    canonical_color,
    canonical_text,
    font_families,
    parse_value,
    values_equivalent,
)

EQUIVALENT = [
    # colours: names, hex, rgb/rgba/hsl/hsla in the legacy and modern syntax, case
    ("color", "red", "#f00"),
    ("color", "red", "#ff0000"),
    ("color", "red", "#FF0000"),
    ("color", "red", "RED"),
    ("color", "red", "rgb(255,0,0)"),
    ("color", "red", "rgb(255, 0, 0)"),
    ("color", "red", "rgb(255 0 0)"),
    ("color", "red", "rgb(255 0 0 / 100%)"),
    ("color", "red", "rgba(255, 0, 0, 1)"),
    ("color", "red", "rgb(100%, 0%, 0%)"),
    ("color", "red", "hsl(0, 100%, 50%)"),
    ("color", "red", "hsl(0 100% 50%)"),
    ("color", "red", "hsl(0deg 100% 50%)"),
    ("color", "red", "hsl(360, 100%, 50%)"),
    ("color", "red", "hsla(0, 100%, 50%, 1)"),
    ("color", "red", "#f00f"),
    ("color", "red", "#ff0000ff"),
    ("color", "white", "#fff"),
    ("color", "green", "hsl(120, 100%, 25%)"),
    ("color", "rebeccapurple", "#663399"),
    ("color", "cornflowerblue", "#6495ED"),
    ("color", "transparent", "rgba(0, 0, 0, 0)"),
    ("color", "transparent", "#0000"),
    ("color", "rgba(255, 0, 0, 0.5)", "#ff000080"),
    ("color", "rgba(255,0,0,.5)", "rgb(255 0 0 / 50%)"),
    ("color", "currentColor", "currentcolor"),
    ("border-color", "Navy", "#000080"),
    # lengths, numbers, units
    ("margin-top", "0", "0px"),
    ("margin-top", "0", "0em"),
    ("margin-top", "0", "0%"),
    ("margin-top", "0", "-0"),
    ("width", ".5em", "0.5em"),
    ("width", "0.50em", "0.5em"),
    ("width", "1.0px", "1px"),
    ("width", "16px", "12pt"),
    ("width", "96px", "1in"),
    ("width", "10PX", "10px"),
    ("line-height", "1.50", "1.5"),
    ("opacity", "50%", "0.5"),
    ("transition-duration", "200ms", "0.2s"),
    ("transform", "rotate(90deg)", "rotate(0.25turn)"),
    ("width", "calc(100% - 20px)", "calc( 100%  -  20px )"),
    # keywords and fonts
    ("display", "FLEX", "flex"),
    ("font-weight", "bold", "700"),
    ("font-weight", "normal", "400"),
    ("font-family", "'Arial'", '"Arial"'),
    ("font-family", "Arial", '"arial"'),
    ("font-family", '"Times New Roman", serif', "Times   New Roman,serif"),
    ("font-family", "'Open Sans', sans-serif", '"Open Sans" , sans-serif'),
    # URLs and strings
    ("background-image", 'url("a.png")', "url(a.png)"),
    ("background-image", "url('./a.png')", "url(a.png)"),
    ("content", "'Hi'", '"Hi"'),
    ("margin", "0  auto", "0 /* centred */ auto"),
]

NEAR_MISSES = [
    ("color", "#f00", "#f01"),
    ("color", "red", "#fe0000"),
    ("color", "red", "rgba(255, 0, 0, 0.5)"),
    ("color", "transparent", "white"),
    ("color", "black", "#010101"),
    ("margin-top", "0", "0.1px"),
    ("margin-top", "1px", "1.1px"),
    ("width", "16px", "16em"),
    ("width", "1em", "16px"),
    ("width", "1rem", "1em"),
    ("width", "10px", "10"),
    ("display", "flex", "inline-flex"),
    ("font-family", "'Arial'", "Arial Black"),
    ("font-family", "serif", "sans-serif"),
    ("font-weight", "700", "600"),
    ("font-weight", "bold", "bolder"),
    ("opacity", "0.5", "5"),
    ("transition-duration", "200ms", "2s"),
    ("background-image", "url(a.png)", "url(b.png)"),
    ("border-style", "solid", "dashed"),
    ("content", '"Hello"', '"hello"'),
    ("margin", "0 auto", "0"),
]


@pytest.mark.parametrize(("prop", "first", "second"), EQUIVALENT)
def test_equivalent_values_compare_equal(prop: str, first: str, second: str) -> None:
    assert values_equivalent(prop, first, second), (canonical_text(prop, first), canonical_text(prop, second))


@pytest.mark.parametrize(("prop", "first", "second"), NEAR_MISSES)
def test_near_misses_do_not(prop: str, first: str, second: str) -> None:
    assert not values_equivalent(prop, first, second)


def test_the_tables_are_big_enough() -> None:
    assert len(EQUIVALENT) >= 40 and len(NEAR_MISSES) >= 15


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("red", "rgba(255,0,0,255)"),
        ("#0f08", "rgba(0,255,0,136)"),
        ("hsl(240 100% 50% / 0.25)", "rgba(0,0,255,64)"),
        ("currentcolor", "currentcolor"),
        ("notacolour", None),
        ("12px", None),
        ("rgb(1, 2)", None),
        ("color()", None),
    ],
)
def test_canonical_color(text: str, expected: str | None) -> None:
    assert canonical_color(parse_value(text)[0]) == expected


def test_font_families_ignore_quotes_case_and_spacing() -> None:
    assert font_families(parse_value("'Open  Sans', Arial,SANS-SERIF")) == (
        "open sans",
        "arial",
        "sans-serif",
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("H1", "h1"),
        ("nav   >  ul", "nav>ul"),
        ("nav ul", "nav\n  ul"),
        ("h1+p", "h1 + p"),
        ("a:before", "a::before"),
        ("A:HOVER", "a:hover"),
        ("[type=text]", "[ type = 'text' ]"),
        ("li:nth-child( 2n + 1 )", "li:nth-child(2n+1)"),
        (":not(.a , .b)", ":NOT(.a,.b)"),
        ("div.card#Main", "DIV.card#Main"),
    ],
)
def test_selectors_normalise(first: str, second: str) -> None:
    assert selector_from_text(first) == selector_from_text(second)


@pytest.mark.parametrize(("first", "second"), [(".Card", ".card"), ("#Main", "#main"), ("nav ul", "nav>ul")])
def test_case_sensitive_and_different_selectors_stay_apart(first: str, second: str) -> None:
    assert selector_from_text(first) != selector_from_text(second)


def test_selector_lists_split() -> None:
    assert selector_from_text("h1, H2 , .x>p") == ("h1", "h2", ".x>p")


@pytest.mark.parametrize("hostile", ["(" * 5000, "calc(" * 3000 + "1px", "\x00\x00", "url(", "#", "rgb(,,,)"])
def test_hostile_values_never_raise(hostile: str) -> None:
    canonical_text("width", hostile)
    canonical_text("color", hostile)
    selector_from_text(hostile)
