"""grader/checks/css.py and grader/styles/rules.py: the `css` kind and its rules. Its golden cases are
graded by the one golden runner (tests/grader/test_golden.py, tests/data/golden/css/)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from grader.checks import parse_check
from grader.checks.css import CssCheck, stylesheet_sources
from grader.grading import grade_submission
from grader.runner import SandboxRunner
from grader.styles import sheet as sheet_caps
from grader.styles.rules import CssRule
from grader.styles.sheet import Source, read_stylesheet
from sandbox import SandboxSettings
from tests.helpers.data import GOLDEN, fixture_exercise
from tests.helpers.exercises import context
from tests.helpers.styles import outcome


@pytest.mark.parametrize("case", ["three-ways-longhands", "three-ways-shorthands", "three-ways-style-tag"])
def test_one_solution_written_three_ways_passes_every_way(case: str) -> None:
    exercise = fixture_exercise("css/golden-sheet")
    submitted = GOLDEN / "css" / f"sheet-{case}" / "submission"
    files = {path: (submitted / path).read_bytes() for path in exercise.files if (submitted / path).is_file()}
    result = grade_submission(exercise, files, SandboxRunner(SandboxSettings()))  # css: never opened
    assert [(check.status, check.score) for check in result.checks] == [("pass", 8.0), ("pass", 2.0)]



@pytest.mark.parametrize(
    ("css", "rule"),
    [
        ("h1 { color: #F00 }", {"value": "red"}),
        ("h1, h2 { color: red }", {"value": "rgb(255 0 0)"}),
        ("H1 { color: blue } h1 { color: red }", {"value": "red"}),
        ("h1 { color: red !important } h1 { color: blue }", {"value": "red"}),
        ("@media screen { h1 { color: red } }", {"value": "red"}),
        ("@supports (display: grid) { h1 { color: red } }", {"value": "red"}),
        (":root { --c: red } h1 { color: var(--c) }", {"value": "red"}),
        ("h1 { color: var(--missing, red) }", {"value": "red"}),
        ("h1 { color: red; color: rde; }", {"value": "red"}),
        ("h1 { color: blue } .x { h1 & { color: red } }", {"value": "blue"}),
        ("h1 { color: red }", {"one_of": ["blue", "#f00"]}),
        ("h1 { color: red }", {"present": True}),
        ("h2 { color: red }", {"present": False}),
        ("@media (max-width: 600px) { h1 { color: red } }", {"value": "red", "at_width": 375}),
        (
            "h1 { color: red } @media (min-width: 600px) { h1 { color: blue } }",
            {"value": "red", "at_width": 375},
        ),
        ("@media (min-width: 600px) { h1 { color: blue } }", {"value": "blue", "at_width": 1024}),
        ("@media (max-width:600px) { h1 { color: red } }", {"value": "red", "media": "(MAX-WIDTH: 600px)"}),
    ],
)
def test_rules_that_pass(css: str, rule: dict[str, Any]) -> None:
    assert outcome(css, selector="h1", property="color", **rule) == ("pass", "")


@pytest.mark.parametrize(
    ("css", "rule", "message"),
    [
        ("p { color: red }", {"value": "red"}, "Your CSS has no rule for `h1`. Add `h1 { color: red; }`."),
        (
            "body > h1 { color: red }",
            {"value": "red", "selector": "body h1"},
            "Your CSS has no rule for `body h1`. Add `body h1 { color: red; }`. (You have a rule for "
            "`body>h1`: this exercise asks for the selector `body h1`.)",
        ),
        (
            "h1 { font-size: 2em }",
            {"value": "red"},
            "`h1` has no `color` rule. Add `color: red;` inside `h1 { ... }`.",
        ),
        (
            "h1 { color: blue }",
            {"value": "red"},
            "`h1` sets color to blue (style.css line 1), but it should be red.",
        ),
        (
            "h1 { color: red }\nh1 { color: blue }",
            {"value": "red"},
            "`h1` sets color to red (style.css line 1), but style.css line 2 changes it to blue: "
            "the last rule wins.",
        ),
        (
            "h1 { color: blue !important }\nh1 { color: red }",
            {"value": "red"},
            "`h1` sets color to red (style.css line 2), but style.css line 1 sets it to blue "
            "with !important, which wins.",
        ),
        (
            "h1 { color: blue }",
            {"one_of": ["red", "green"]},
            "`h1` sets color to blue (style.css line 1), but it should be one of: red, green.",
        ),
        ("h1 { color: red }", {"present": False}, "`h1` should not set color, but style.css line 1 does."),
        (
            "h1 { color: red }",
            {"value": "red", "media": "(max-width: 600px)"},
            "`h1` gets color: red, but not from inside `@media (max-width: 600px)`. Put `h1 { color: red; }` "
            "inside that @media block.",
        ),
        (
            "@media (max-width: 600px) { h1 { color: red } }",
            {"value": "red", "at_width": 1024},
            "At 1024px wide, `h1` should have `color: red`, but no rule for `h1` applies at that width. "
            "Add `h1 { color: red; }`, or put it inside a @media rule that applies at that width.",
        ),
        (
            "h1 { font-size: 2em }",
            {"value": "red", "at_width": 375},
            "At 375px wide, `h1` should have `color: red`; add it to the `h1` rule, or inside a @media rule "
            "that applies at that width.",
        ),
        (
            "h1 { color: red; }\n@media (max-width: 600px) { h1 { color: blue } }",
            {"value": "red", "at_width": 375},
            "`h1` sets color to red (style.css line 1), but style.css line 2 changes it to blue: "
            "the last rule wins.",
        ),
        (
            "h1 {\n  color red;\n}",
            {"value": "red"},
            "`h1` has no `color` rule. Add `color: red;` inside `h1 { ... }`. Note: style.css line 2: "
            "the browser ignores this line: it is not written as `property: value;` (is a `:` missing?).",
        ),
        ("h1 { color: red", {"value": "blue", "message": "Make the heading blue."}, "Make the heading blue."),
    ],
)
def test_rules_that_fail_explain_themselves(css: str, rule: dict[str, Any], message: str) -> None:
    assert outcome(css, **{"selector": "h1", "property": "color", **rule}) == ("fail", message)


@pytest.mark.parametrize(
    ("css", "prop", "value", "message"),
    [
        (
            ".card { padding: 8px }",
            "padding-left",
            "16px",
            "`.card` sets padding-left to 8px with `padding: 8px` (style.css line 1), but it should be 16px.",
        ),
        (
            ".card { margin: 0 auto }",
            "margin",
            "0",
            "`.card` sets margin to 0 auto (style.css line 1), but it should be 0.",
        ),
        (
            ".card { margin-left: 10 }",
            "margin-left",
            "10px",
            "`.card` has no `margin-left` rule. Add `margin-left: 10px;` inside `.card { ... }`. "
            "Note: style.css line 1: the browser ignores `margin-left: 10`: "
            "a length needs a unit, like `10px`.",
        ),
        (
            ".card { margin-left: 5px; margin: 0 }",
            "margin-left",
            "5px",
            "`.card` sets margin-left to 5px (style.css line 1), but style.css line 1 changes it to 0: "
            "the last rule wins.",
        ),
    ],
)
def test_shorthand_messages(css: str, prop: str, value: str, message: str) -> None:
    assert outcome(css, selector=".card", property=prop, value=value) == ("fail", message)


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        (
            {"value": "red", "one_of": ["red"]},
            "give exactly one of `value`, `one_of`, `contains` or `present`",
        ),
        ({}, "give exactly one of"),
        ({"value": "red", "media": "(x)", "at_width": 3}, "give `media` or `at_width`, not both"),
        ({"value": "red", "selector": "h1, h2"}, "give exactly one selector per rule"),
        ({"value": "1px 2px 3px 4px 5px", "property": "margin"}, "is not a value the browser accepts"),
        ({"contains": "x", "property": "font"}, "`contains` needs a longhand property"),
        ({"value": "red", "property": "colour: red"}, "String should match pattern"),
        ({"value": "red", "media": "screen"}, "is not a media query"),
        ({"value": "red", "colour": "x"}, "Extra inputs are not permitted"),
        ({"value": "red", "at_width": 0}, "greater than 0"),
        ({"value": "red", "title": ""}, "at least 1 character"),
    ],
)
def test_rule_content_errors(rule: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CssRule.model_validate({"selector": "h1", "property": "color", **rule})
    assert error in str(caught.value)


def test_a_title_names_the_test_whether_it_passes_or_fails() -> None:
    rule = CssRule.model_validate(
        {
            "selector": ".menu",
            "property": "list-style-type",
            "value": "none",
            "title": "The menu has no bullets",
        }
    )
    for css in (".menu { list-style: none }", ".menu { color: red }", ""):
        assert rule.evaluate(read_stylesheet([Source("style.css", css)])).name == "The menu has no bullets"
    assert CssRule.model_validate({"selector": "h1", "property": "color", "value": "red"}).describe() == (
        "`h1` has color: red"
    )


def test_yaml_numbers_are_values() -> None:
    assert outcome("body { margin: 0px }", selector="body", property="margin", value=0) == ("pass", "")


def css_check(**fields: Any) -> CssCheck:
    """A check judged on the stylesheet's text (mode: written), the part of the kind these tests cover;
    the browser's mode is tested in tests/grader/styles and the golden cases."""
    check = parse_check({"kind": "css", "mode": "written", "title": "Write a rule for h1",
                         "rules": [{"selector": "h1", "property": "color", "value": "red"}], **fields})
    assert isinstance(check, CssCheck)
    return check


def test_the_check_reads_the_css_file_and_style_blocks() -> None:
    submission = {"index.html": b"<style>\nh1 { color: blue }\n</style>", "style.css": b"h1 { color: red }"}
    result = css_check().judge(context(["index.html", "style.css"], submission), {})
    assert (result.status, result.message) == ("fail", "0 of 1 check passed")
    assert result.tests[0].message == (
        "`h1` sets color to red (style.css line 1), but index.html line 2 changes it to blue: "
        "the last rule wins."
    )
    ignoring_tags = css_check(include_style_tags=False).judge(
        context(["index.html", "style.css"], submission), {}
    )
    assert ignoring_tags.status == "pass"


def test_a_missing_css_file_is_forgiven_when_style_blocks_hold_the_css() -> None:
    submission = {"index.html": b"<style>h1 { color: red }</style>"}
    result = css_check().judge(context(["index.html", "style.css"], submission), {})
    assert (result.status, result.message) == (
        "pass",
        "1 of 1 check passed. You haven't created style.css yet.",
    )


def test_no_css_at_all() -> None:
    result = css_check().judge(context(["index.html"], {"index.html": b"<h1>Hi</h1>"}), {})
    assert result.status == "fail" and result.message.startswith("Your page has no CSS yet")


def test_sources_follow_the_link_order() -> None:
    page = b'<style>a{}</style><link rel="stylesheet" href="css/site.css"><style>b{}</style>'
    sources, problem = stylesheet_sources(
        {"index.html": page, "css/site.css": b"c{}"}, "css/site.css", ["index.html"]
    )
    assert [source.text for source in sources] == ["a{}", "c{}", "b{}"] and problem is None
    unlinked, _ = stylesheet_sources(
        {"index.html": b"<style>a{}</style>", "s.css": b"c{}"}, "s.css", ["index.html"]
    )
    assert [source.name for source in unlinked] == ["s.css", "index.html"]


def test_cross_check() -> None:
    assert css_check(file="main.css").cross_check(frozenset({"index.html"})) == [
        (("file",), "'main.css' is not one of the exercise's files")
    ]
    assert css_check(include_style_tags=False).cross_check(frozenset({"index.html"}))
    assert css_check().cross_check(frozenset({"index.html"})) == []


@pytest.mark.parametrize(
    "css",
    [
        "{" * 5000,
        "h1 { color: " + "(" * 5000,
        "@media (x) {" * 200 + "h1{color:red}",
        "\x00" * 100,
        "}}}}",
        "h1{",
    ],
)
def test_hostile_css_never_raises(css: str) -> None:
    rule = CssRule.model_validate({"selector": "h1", "property": "color", "value": "red"})
    assert rule.evaluate(read_stylesheet([Source("style.css", css)])).status in ("pass", "fail")


# The work a stylesheet costs is bounded (bench/css_judge.py measures it): each cap fails the check
# with a sentence, or skips the rule that goes past it, instead of costing the worker seconds.

SIXTEEN = "h1,h2,h3,h4,h5,h6,p,a,b,i,u,s,q,em,ul,ol"  # nested in itself: 16 + 256 selectors a block


def judged(css: str, rules: list[dict[str, Any]] | None = None) -> Any:
    check = css_check(rules=rules or [{"selector": "h1", "property": "color", "value": "red"}])
    return check.judge(context(["index.html", "style.css"], {"index.html": b"<h1>Hi</h1>",
                                                              "style.css": css.encode()}), {})


def test_nesting_that_multiplies_selectors_is_cut_at_a_cap() -> None:
    """Before: five levels of ten selectors (270 characters) made 111,110 selectors to compare."""
    bomb = "a,b,c,d,e,f,g,h,i,j { color: blue; " * 5
    sheet = read_stylesheet([Source("style.css", "h1 { color: red }\n" + bomb)])
    assert sum(len(rule.selectors) for rule in sheet.rules) <= sheet_caps.MAX_NESTED_SELECTORS * 2
    assert any(sheet_caps.TOO_MANY_NESTED in problem.message for problem in sheet.problems)
    assert judged("h1 { color: red }\n" + bomb).status == "pass"  # what was written outside still counts


@pytest.mark.parametrize(("css", "reason"), [
    ("h1 { color: red }\n" + "/* padding */" * 8_000, "over 100,000"),
    ("h1 { color: red }\n" + "a{b:c}" * 6_000, "over 5,000 declarations"),
    ("h1 { color: red }\n" + f"{SIXTEEN} {{ {SIXTEEN} {{ color: red }} }}\n" * 80, "over 20,000 selectors"),
])
def test_a_stylesheet_past_a_cap_fails_with_a_plain_message(css: str, reason: str) -> None:
    result = judged(css)
    assert result.status == "fail" and result.score == 0
    assert result.message.startswith("Your CSS is too big to check") and reason in result.message
    assert [test.status for test in result.tests] == ["fail"]


def test_the_cap_counts_the_css_file_and_style_blocks_together() -> None:
    page = ("<style>" + "/* x */" * 8_000 + "</style><h1>Hi</h1>").encode()
    check = css_check()
    result = check.judge(context(["index.html", "style.css"], {"index.html": page,
                                                                "style.css": b"/* y */" * 7_000}), {})
    assert "too big to check" in result.message


def test_thousands_of_problems_keep_only_the_first_ones() -> None:
    sheet = read_stylesheet([Source("style.css", "a { b { c { " * 5_000)])
    assert len(sheet.problems) == sheet_caps.MAX_PROBLEMS
    assert sheet.too_big is None
