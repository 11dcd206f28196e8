"""grader/htmlassert.py (with htmlmatch, htmlstructure, htmlwords): the html assertion engine."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from grader.markup.assertions import HtmlAssertion
from grader.markup.evaluate import evaluate_assertions

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>My dog</title></head>
<body>
<header><nav><a id="home" href="./index.html">Home</a> <a href="my%20dog.html">Dog</a></nav></header>
<main>
<h1>My   Dog</h1>
<p class="intro big">I love my dog.</p>
<img src="dog.jpg" alt="A brown dog">
<img src="line.png" alt="" role="presentation">
<ul><li>Milk</li><li>Eggs</li></ul>
<form><label for="name">Name</label><input id="name"><label>Age <input name="age"></label>
<input aria-label="Town"><input type="submit"><input type="hidden" name="t"></form>
</main>
<footer>© 2024 Me</footer>
</body>
</html>
"""


def check(spec: dict[str, Any], page: str = PAGE) -> tuple[str, str, str]:
    outcome = evaluate_assertions(page, [HtmlAssertion.model_validate(spec)])[0]
    return outcome.status, outcome.name, outcome.message


PASSING = [
    {"structure": "doctype"},
    {"structure": "lang"},
    {"structure": "title"},
    {"structure": "img-alt"},
    {"structure": "input-labels"},
    {"selector": "h1", "count": 1},
    {"selector": "li", "count": {"min": 2}},
    {"selector": "li", "count": {"max": 2}},
    {"selector": "nav a", "exists": True},
    {"selector": "nav a"},
    {"selector": "marquee", "exists": False},
    {"selector": "h1", "text": "My Dog"},
    {"selector": "H1", "text": "my dog", "ignore_case": True},
    {"selector": "p.intro", "contains": "my dog"},
    {"selector": "footer", "matches": "©\\s*20\\d\\d"},
    {"selector": "a#home", "attribute": "href", "equals": "index.html"},
    {"selector": "nav a", "attribute": "href", "equals": "./my dog.html"},
    {"selector": "p", "attribute": "class", "equals": "big intro"},
    {"selector": "img", "attribute": "src", "contains": "dog"},
    {"selector": "img", "attribute": "alt", "all": True},
    {"selector": "img", "attribute": "title", "exists": False, "all": True},
    {"selector": "li", "matches": "^[A-Z]", "all": True},
    {"order": ["header", "main", "footer"]},
]


@pytest.mark.parametrize("spec", PASSING)
def test_passing_assertions(spec: dict[str, Any]) -> None:
    status, name, message = check(spec)
    assert (status, message) == ("pass", ""), name


FAILING = [
    ({"selector": "h2", "count": 1}, "There is exactly 1 <h2>", "Expected 1 element matching `h2`, found 0."),
    (
        {"selector": "li", "count": 3},
        "There are exactly 3 <li> elements",
        "Expected 3 elements matching `li`, found 2 (on line 11).",
    ),
    (
        {"selector": "li", "count": {"min": 1, "max": 1}},
        "There is exactly 1 <li>",
        "Expected 1 element matching `li`, found 2 (on line 11).",
    ),
    (
        {"selector": "section p", "count": {"min": 2, "max": 4}},
        "There are between 2 and 4 elements matching `section p`",
        "Expected between 2 and 4 elements matching `section p`, found 0.",
    ),
    ({"selector": "aside"}, "The page has an <aside>", "Your page has no <aside>."),
    (
        {"selector": "li", "count": 0},
        "The page has no <li>",
        "Expected 0 elements matching `li`, found 2 (on line 11).",
    ),
    (
        {"selector": "li", "exists": False},
        "The page has no <li>",
        "Your page should have no <li>, but it has 2 (the first on line 11).",
    ),
    (
        {"selector": "h1", "text": "My Cat"},
        'The <h1> says "My Cat"',
        'The <h1> on line 7 says "My Dog", but it should say "My Cat".',
    ),
    (
        {"selector": "li", "text": "Bread"},
        'The <li> says "Bread"',
        'None of the 2 <li> elements says "Bread". Found: "Milk", "Eggs".',
    ),
    (
        {"selector": "li", "text": "Milk", "all": True},
        'Every <li> says "Milk"',
        'The <li> on line 11 says "Eggs", but it should say "Milk" (every <li> should).',
    ),
    (
        {"selector": "p.intro", "contains": "cat"},
        'The text of the element matching `p.intro` contains "cat"',
        'The element matching `p.intro` on line 8 says "I love my dog.", which does not contain "cat".',
    ),
    (
        {"selector": "footer", "matches": "20[3-9]\\d"},
        "The text of the <footer> has the expected form",
        'The <footer> on line 15 says "© 2024 Me", which is not in the expected form.',
    ),
    (
        {"selector": "img", "attribute": "alt", "matches": "\\S{3}", "all": True, "title": "Alt text"},
        "Alt text",
        'The <img> on line 10 has alt="", which is not in the expected form (every <img> should).',
    ),
    (
        {"selector": "a#home", "attribute": "href", "equals": "home.html"},
        'The element matching `a#home` has href="home.html"',
        'The element matching `a#home` on line 5 has href="./index.html", but it should be "home.html".',
    ),
    (
        {"selector": "h1", "attribute": "id", "exists": True},
        "The <h1> has an id attribute",
        "The <h1> on line 7 has no id attribute.",
    ),
    (
        {"selector": "section", "text": "x"},
        'The <section> says "x"',
        "Your page has no <section>, so its text can't be checked.",
    ),
    (
        {"order": ["footer", "header"]},
        "<footer> and <header> appear in that order",
        "<header> on line 5 comes before <footer> on line 15, but <footer> should come first.",
    ),
    (
        {"order": ["main", "aside"]},
        "<main> and <aside> appear in that order",
        "Your page has no <aside>, so the order can't be checked.",
    ),
    (
        {"selector": "h1", "count": 2, "message": "Write two headings."},
        "There are exactly 2 <h1> elements",
        "Write two headings.",
    ),
]


@pytest.mark.parametrize(("spec", "name", "message"), FAILING)
def test_failing_assertions_explain_themselves(spec: dict[str, Any], name: str, message: str) -> None:
    assert check(spec) == ("fail", name, message)


STRUCTURE_FAILURES = [
    ("doctype", "<html><title>x</title></html>", "Your page does not start with <!DOCTYPE html>."),
    ("doctype", '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN">', "Use <!DOCTYPE html> instead."),
    ("lang", "<!DOCTYPE html><title>x</title>", "The <html> tag has no lang attribute."),
    ("lang", '<html lang=" "><title>x</title>', "The lang attribute of <html> is empty."),
    ("title", "<html><head></head><body><p>x</p></body></html>", "Your page has no <title>."),
    ("title", "<title>  </title><p>x", "Your <title> is empty."),
    ("title", "<p>x</p><title>T</title>", "Your <title> is inside <body>: move it into <head>."),
    ("title", "<svg><title>Icon</title></svg>", "Your page has no <title>."),
    (
        "img-alt",
        "<p>x</p>\n<img src=a.jpg>",
        "The <img> on line 2 has no alt text: describe the picture for people who cannot see it.",
    ),
    ("img-alt", '<img src=a.jpg alt="">', 'or add role="presentation" if it is only decoration.'),
    (
        "input-labels",
        '<form>\n<input name="email" placeholder="Email"></form>',
        'The <input> on line 2 (name="email") has no label. Add a <label for="..."> that names '
        "the field's id, or put the field inside a <label>.",
    ),
    ("input-labels", "<select id=s></select><label for=t>T</label>", 'The <select> on line 1 (name="s")'),
    (
        "input-labels",
        "<textarea aria-labelledby=nothing></textarea>",
        "The <textarea> on line 1 has no label.",
    ),
]


@pytest.mark.parametrize(("structure", "page", "fragment"), STRUCTURE_FAILURES)
def test_structure_failures(structure: str, page: str, fragment: str) -> None:
    status, _, message = check({"structure": structure}, page)
    assert status == "fail" and fragment in message


def test_title_before_head_content_is_in_head_like_the_browser_puts_it() -> None:
    assert check({"structure": "title"}, "<title>T</title><p>x</p>")[0] == "pass"


def test_many_problems_are_summarised() -> None:
    _, _, message = check({"structure": "img-alt"}, "<img>" * 5)
    assert message.count("has no alt text") == 3 and message.endswith("(2 more like this.)")


def test_labelled_by_reference_and_hidden_fields_pass() -> None:
    page = '<p id="l">Town</p><input aria-labelledby="l"><input hidden><button>Go</button>'
    assert check({"structure": "input-labels"}, page)[0] == "pass"


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ({"selector": "h1["}, "`h1[` is not a valid CSS selector"),
        ({"selector": "p::before"}, "is not a valid CSS selector"),
        ({"order": ["h1", "p >"]}, "`p >` is not a valid CSS selector"),
        ({"selector": "h1", "equals": "x"}, "`equals` compares an attribute"),
        ({"structure": "lang", "selector": "x"}, "give exactly one of `structure`, `selector` or `order`"),
        ({"text": "x"}, "give exactly one of `structure`, `selector` or `order`"),
        ({"structure": "lang", "count": 1}, "`structure` takes no other options"),
        ({"selector": "h1", "title": ""}, "at least 1 character"),
        ({"selector": "h1", "count": 1, "text": "x"}, "give only one of"),
        ({"selector": "p", "matches": "("}, "is not a valid regular expression"),
        ({"selector": "h1", "all": True}, "`all` applies to"),
        ({"selector": "h1", "count": 1, "ignore_case": True}, "`ignore_case` applies to"),
        ({"selector": "a", "attribute": "href", "text": "x"}, "with `attribute`, use"),
        ({"order": ["h1"]}, "at least 2 items"),
        ({"selector": "a", "bogus": 1}, "Extra inputs are not permitted"),
        ({"structure": "alt"}, "Input should be"),
        ({"selector": "h1", "count": -1}, "greater than or equal to 0"),
        ({"selector": "h1", "count": True}, "Input should be"),
        ({"selector": "h1", "count": {"min": 3, "max": 1}}, "`min` (3) is larger than `max` (1)"),
        ({"selector": "h1", "count": {}}, "give `min`, `max` or both"),
    ],
)
def test_content_errors_are_caught_when_the_exercise_loads(spec: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=None) as caught:
        HtmlAssertion.model_validate(spec)
    assert error in str(caught.value)


@pytest.mark.parametrize(
    "spec",
    [
        {"structure": "lang"},
        {"order": ["h1", "p"]},
        {"selector": "p", "matches": "\\S"},
        {"selector": "img", "attribute": "alt", "exists": True, "all": True},
    ],
)
def test_a_title_names_the_test_whether_it_passes_or_fails(spec: dict[str, Any]) -> None:
    titled = {**spec, "title": "Something a beginner understands"}
    assert check(titled)[1] == check(titled, "<p></p>")[1] == "Something a beginner understands"


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ({"selector": "p", "matches": "\\S"}, "The text of the <p> has the expected form"),
        ({"selector": "p", "matches": "\\S", "all": True}, "The text of every <p> has the expected form"),
        (
            {"selector": "img", "attribute": "alt", "matches": ".{5}"},
            "The alt of the <img> has the expected form",
        ),
    ],
)
def test_generated_names_never_show_a_regular_expression(spec: dict[str, Any], name: str) -> None:
    assert check(spec)[1] == name


def test_numbers_in_yaml_are_text() -> None:
    assert check({"selector": "footer", "contains": 2024})[0] == "pass"


def test_assertions_are_frozen_and_hashable() -> None:
    assertion = HtmlAssertion.model_validate({"order": ["h1", "p"]})
    assert hash(assertion) == hash(HtmlAssertion.model_validate({"order": ["h1", "p"]}))


@pytest.mark.parametrize(
    ("page", "fragment"),
    [
        ("", "The page is empty"),
        ("   \n ", "The page is empty"),
        ("<div>" * 3000, "too complex to check"),
        ("<p>" + "x" * 200_000, "too big to check"),
    ],
)
def test_pages_that_cannot_be_checked_fail_every_assertion(page: str, fragment: str) -> None:
    specs = [{"structure": "doctype"}, {"selector": "marquee", "exists": False}]
    outcomes = evaluate_assertions(page, [HtmlAssertion.model_validate(spec) for spec in specs])
    assert [o.status for o in outcomes] == ["fail", "fail"]
    assert all(fragment in o.message for o in outcomes)


@pytest.mark.parametrize(
    "page",
    [
        "\x00\x01\x02\ufffd" * 100,
        "<p" * 1000,
        "<table><td><p><b><i>" * 300,
        "</p>" * 500,
        "<!--",
        "<![CDATA[x",
    ],
)
def test_broken_markup_never_raises(page: str) -> None:
    specs = [{"structure": name} for name in ("doctype", "lang", "title", "img-alt", "input-labels")]
    specs += [{"selector": "p", "count": 1}, {"selector": "p", "text": "x"}, {"order": ["p", "b"]}]
    outcomes = evaluate_assertions(page, [HtmlAssertion.model_validate(spec) for spec in specs])
    assert len(outcomes) == len(specs)


def test_a_custom_message_about_a_value_never_greets_a_page_without_the_element() -> None:
    """"Your paragraph is empty" is the instructor's word for an empty <p>, not for a page without one."""
    empty = HtmlAssertion.model_validate({"selector": "p", "matches": r"\S",
                                          "message": "Your paragraph is empty."})
    assert evaluate_assertions("<h1>Hi</h1><p> </p>", [empty])[0].message == "Your paragraph is empty."
    missing = evaluate_assertions("<h1>Hi</h1>", [empty])[0]
    assert missing.status == "fail"
    assert missing.message == "Your page has no <p>, so its text can't be checked."
