"""grader/browser/judge.py and facts.py: assertions judged on what the browser reported for one
viewport, with messages that name the element and the window width."""

from __future__ import annotations

from typing import Any

import pytest

from grader.browser.expect import BrowserAssertion
from grader.browser.facts import Box, read_viewport
from grader.browser.judge import culprit, problem, title


def element(name: str, box: tuple[float, float, float, float], hidden: str = "",
            **style: str) -> dict[str, Any]:
    x, y, width, height = box
    return {"name": name, "box": {"x": x, "y": y, "width": width, "height": height}, "hidden": hidden,
            "style": {key.replace("_", "-"): value for key, value in style.items()}}


REPORT = {
    "viewport": "375x800",
    "errors": [],
    "facts": {
        "page": {"width": 428, "height": 800},
        "elements": {
            "h1": {"count": 1, "items": [element("h1", (8, 21, 359, 37), color="rgb(255, 0, 0)",
                                                 font_weight="700", font_size="32px")]},
            ".menu": {"count": 1, "items": [element("div.menu", (8, 80, 420, 18), width="420px")]},
            ".card": {"count": 2, "items": [element("div.card#a", (8, 120, 300, 100)),
                                            element("div.card#b", (8, 230, 360, 100))]},
            ".gone": {"count": 1, "items": [element("p.gone", (0, 0, 0, 0), hidden="display")]},
            ".a": {"count": 1, "items": [element("div.a", (0, 0, 100, 50))]},
            ".b": {"count": 1, "items": [element("div.b", (0, 60, 100, 50))]},
            ".c": {"count": 1, "items": [element("div.c", (50, 25, 100, 50))]},
        },
        "html": '<!DOCTYPE html>\n<html><body><h1>Hi</h1><p id="msg"></p></body></html>',
    },
}
FACTS = read_viewport(REPORT, 375, 800)


def judged(data: dict[str, Any]) -> str | None:
    return problem(BrowserAssertion.model_validate(data), FACTS, None)


@pytest.mark.parametrize("colour", ["red", "#f00", "#FF0000", "rgb(255 0 0)", "hsl(0, 100%, 50%)"])
def test_computed_styles_compare_normalised(colour: str) -> None:
    style = {"color": colour, "font-weight": "bold", "font-size": "24pt"}
    assert judged({"selector": "h1", "style": style}) is None


def test_a_wrong_style_names_the_element_the_value_and_the_width() -> None:
    assert judged({"selector": "h1", "style": {"color": "blue", "font-size": "20px"}}) == (
        "At 375 px wide, `h1` has color: rgb(255, 0, 0), not blue; has font-size: 32px, not 20px.")


def test_a_box_that_breaks_out_of_a_narrow_page() -> None:
    assert judged({"selector": ".menu", "box": {"max_width": 375}}) == (
        "At 375 px wide, `.menu` is 420 px wide, but should be at most 375 px and sticks out of the page.")
    assert judged({"selector": ".menu", "box": {"min_width": 419.8, "max_x": 8}}) is None  # half-pixel slack


def test_one_matching_element_passes_unless_all_must() -> None:
    assert judged({"selector": ".card", "box": {"max_width": 320}}) is None
    assert judged({"selector": ".card", "box": {"max_width": 320}, "all": True}) == (
        "At 375 px wide, `.card` (div.card#b) is 360 px wide, but should be at most 320 px.")


def test_visibility_says_why_an_element_is_hidden() -> None:
    assert judged({"selector": ".gone", "visible": False}) is None
    assert judged({"selector": ".gone", "visible": True}) == (
        "At 375 px wide, `.gone` is not shown: it, or an element around it, has display: none "
        "(or the hidden attribute).")
    assert judged({"selector": "h1", "visible": False}) == (
        "At 375 px wide, `h1` is visible, but it should be hidden.")
    assert judged({"selector": "nav", "visible": True}) == (
        "At 375 px wide, no element on the page matches `nav`.")


def test_layout_order_and_overlap() -> None:
    assert judged({"order": [".a", ".b"], "axis": "y"}) is None
    assert judged({"order": [".a", ".b"], "axis": "x"}) == (
        "At 375 px wide, `.b` should be to the right of `.a`, but it is below it.")
    assert judged({"order": [".b", ".a"], "axis": "y"}) == (
        "At 375 px wide, `.a` should be below `.b`, but it is above it.")
    assert judged({"selector": ".a", "overlaps": ".b", "expect": False}) is None
    assert judged({"selector": ".a", "overlaps": ".c", "expect": False}) == (
        "At 375 px wide, `.a` overlaps `.c` (they share an area of 50 × 25 px), but they should not overlap.")
    assert judged({"selector": ".a", "overlaps": ".b"}) == (
        "At 375 px wide, `.a` does not overlap `.b`, but it should.")


def test_html_assertions_run_on_the_dom_as_the_browser_left_it() -> None:
    assert judged({"selector": "h1", "text": "Hi"}) is None
    assert judged({"selector": "#msg", "text": "Hello"}) == (
        'At 375 px wide, the element matching `#msg` is empty, but it should say "Hello".')


def test_console_errors_and_custom_messages() -> None:
    noisy = read_viewport({**REPORT, "errors": ["ReferenceError: x is not defined (app.js, line 3)", "two"]},
                          375, 800)
    assertion = BrowserAssertion.model_validate({"console_errors": "none"})
    assert problem(assertion, FACTS, None) is None
    assert problem(assertion, noisy, None) == (
        "At 375 px wide, your page's JavaScript had an error: "
        "ReferenceError: x is not defined (app.js, line 3) (and 1 more)")
    custom = BrowserAssertion.model_validate({"selector": "nav", "visible": True, "message": "Add a menu."})
    assert problem(custom, FACTS, None) == (  # the instructor's words, and what the page showed beside them
        "At 375 px wide, add a menu. On your page, no element on the page matches `nav`.")
    count = BrowserAssertion.model_validate({"selector": "h1", "text": "Hello, Ann!",
                                             "message": "The heading should greet Ann."})
    assert problem(count, FACTS, None) == (
        "At 375 px wide, the heading should greet Ann. On your page, the <h1> says \"Hi\", but it should "
        "say \"Hello, Ann!\".")


def test_titles_read_as_sentences() -> None:
    titles = [title(BrowserAssertion.model_validate(data)) for data in (
        {"selector": "h1", "style": {"color": "red"}},
        {"selector": ".card", "box": {"min_width": 300, "max_width": 600}, "all": True},
        {"order": [".a", ".b"], "axis": "x"},
        {"looks_like": "reference"},
        {"selector": ".menu", "visible": True, "title": "The menu shows on a phone"},
        {"selector": "#msg", "text": "Hi", "title": "The message says Hi"},
    )]
    assert titles == ["`h1` has color: red", "Every `.card` is at least 300 px wide and at most 600 px wide",
                      "`.a`, `.b` sit left to right", "Looks like the model solution (up to 5% different)",
                      "The menu shows on a phone", "The message says Hi"]


@pytest.mark.parametrize("raw", [
    None, "junk", {"facts": "x"}, {"facts": {"elements": {"h1": {"items": [1]}}}},
    {"facts": {"elements": {"h1": {"count": -3, "items": [{"box": {"x": "NaN"}}]}}}},
])
def test_a_malformed_report_reads_as_facts_that_fail_never_as_a_crash(raw: object) -> None:
    facts = read_viewport(raw, 375, 800)
    assertion = BrowserAssertion.model_validate({"selector": "h1", "style": {"color": "red"}})
    assert problem(assertion, facts, None) is not None


def test_the_element_a_failing_check_is_about_is_found_to_be_outlined() -> None:
    wrong_colour = BrowserAssertion.model_validate({"selector": "h1", "style": {"color": "blue"}})
    assert culprit(wrong_colour, FACTS) == Box(8, 21, 359, 37)
    assert culprit(BrowserAssertion.model_validate({"selector": "nav", "visible": True}), FACTS) is None
