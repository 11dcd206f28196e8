"""grader/cssmedia.py: media queries compared after normalisation, and evaluated at a width."""

from __future__ import annotations

import pytest
import tinycss2

from grader.styles.media import active_at, always_on_screen, canonical_media_text, media_matches


def nodes(text: str) -> list[object]:
    return list(tinycss2.parse_component_value_list(text))


@pytest.mark.parametrize(
    "written",
    [
        "(max-width: 600px)",
        "(MAX-WIDTH:600PX)",
        "screen and (max-width: 600px)",
        "only screen and (max-width: 600px)",
        "(max-width: 37.5em)",
        "(width <= 600px)",
        "(600px >= width)",
        "(max-width: 600px), print",
    ],
)
def test_equivalent_queries_match(written: str) -> None:
    assert media_matches(nodes(written), canonical_media_text("(max-width: 600px)"))


@pytest.mark.parametrize(
    "written", ["(max-width: 601px)", "(min-width: 600px)", "print and (max-width: 600px)"]
)
def test_different_queries_do_not(written: str) -> None:
    assert not media_matches(nodes(written), canonical_media_text("(max-width: 600px)"))


@pytest.mark.parametrize(
    ("query", "at_375", "at_1024"),
    [
        ("(max-width: 600px)", True, False),
        ("(min-width: 768px)", False, True),
        ("(max-width: 40em)", True, False),
        ("(400px <= width <= 700px)", False, False),
        ("screen and (max-width: 600px)", True, False),
        ("print", False, False),
        ("not print", True, True),
        ("(orientation: portrait)", True, True),
        ("(min-width: 768px) and (orientation: landscape)", False, True),
        ("(max-width: 300px), (min-width: 1000px)", False, True),
    ],
)
def test_active_at_a_width(query: str, at_375: bool, at_1024: bool) -> None:
    assert (active_at(nodes(query), 375), active_at(nodes(query), 1024)) == (at_375, at_1024)


def test_screen_and_all_always_apply() -> None:
    assert always_on_screen(nodes("screen")) and always_on_screen(nodes("only all"))
    assert not always_on_screen(nodes("screen and (max-width: 600px)"))
