"""grader/checks/html.py: the `html` kind, judged on the host. Its golden cases are graded by the one
golden runner (tests/grader/test_golden.py, tests/data/golden/html/)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from grader.checks import parse_check
from grader.checks.html import HtmlCheck
from tests.helpers.exercises import context


def html_check(**fields: Any) -> HtmlCheck:
    spec = {"kind": "html", "assert": [{"structure": "title"}, {"selector": "h1", "text": "Hi"}], **fields}
    check = parse_check(spec)
    assert isinstance(check, HtmlCheck)
    return check


GOOD = b"<!DOCTYPE html><title>T</title><h1>Hi</h1>"
HALF = b"<!DOCTYPE html><title>T</title><h1>Hello</h1>"


def test_the_kind_is_registered_and_assert_is_an_alias() -> None:
    check = html_check()
    assert len(check.assert_) == 2 and check.file is None and check.label == "Page structure"
    assert HtmlCheck.model_validate({"kind": "html", "assert_": [{"structure": "lang"}]}).assert_


@pytest.mark.parametrize(
    "fields",
    [{"assert": []}, {"asserts": [{"structure": "lang"}]}, {"file": "../index.html"}, {"assert": [{"x": 1}]}],
)
def test_bad_yaml_is_a_content_error(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_check({"kind": "html", "assert": [{"structure": "lang"}], **fields})


def test_the_default_file_is_the_first_html_file() -> None:
    result = html_check().judge(context(["app.js", "about.html", "index.html"], {"about.html": GOOD}), {})
    assert (result.status, result.score, result.message) == ("pass", 1.0, "2 of 2 checks passed")


def test_points_are_split_evenly_and_the_hint_shows_on_failure() -> None:
    check = html_check(points=3, hint="Read the instructions.", id="page", title="My page", hidden=True)
    result = check.judge(context(["index.html"], {"index.html": HALF}), {})
    assert (result.id, result.title, result.kind) == ("page", "My page", "html")
    assert (result.status, result.score, result.max_score) == ("fail", 1.5, 3.0)
    assert (result.message, result.hint, result.hidden) == (
        "1 of 2 checks passed",
        "Read the instructions.",
        True,
    )
    assert [test.status for test in result.tests] == ["pass", "fail"]
    assert result.tests[1].message == 'The <h1> on line 1 says "Hello", but it should say "Hi".'
    passing = check.judge(context(["index.html"], {"index.html": GOOD}), {})
    assert passing.hint is None and passing.hidden


@pytest.mark.parametrize(
    ("submission", "message"),
    [
        ({}, "You haven't created index.html yet."),
        ({"index.html": b""}, "index.html is empty: write your code in it, save it, then submit again."),
        ({"index.html": b"\x00\x01binary\x00"}, "index.html is not a plain text file"),
        ({"index.html": b"<div>" * 3000}, "Your page is too complex to check"),
    ],
)
def test_unreadable_submissions_fail_with_a_reason(submission: dict[str, bytes], message: str) -> None:
    result = html_check(file="index.html").judge(context(["index.html"], submission), {})
    assert (result.status, result.score) == ("fail", 0.0)
    assert result.message.startswith(message)
    assert [(test.name, test.status) for test in result.tests] == [
        ("The page has a <title>", "fail"),
        ('The <h1> says "Hi"', "fail"),
    ]


def test_cross_check_against_the_exercise_files() -> None:
    assert html_check(file="page.html").cross_check(frozenset({"index.html"})) == [
        (("file",), "'page.html' is not one of the exercise's files")
    ]
    assert html_check().cross_check(frozenset({"app.py"}))
    assert html_check().cross_check(frozenset({"index.html"})) == []


def test_nothing_runs_in_the_sandbox() -> None:
    check = html_check()
    assert check.steps(context(["index.html"], {})) == [] and check.support_files() == ()
