"""grader/checks/html.py: the `html` kind, judged on the host, and its golden cases.

Golden cases live in tests/grader/golden/html/<case>/: `submission/` holds the learner's files and
`expected.json` the check results, compared exactly. The folder's `exercise.yaml` gives the exercise's
`files` and the checks. `GOLDEN_UPDATE=1` rewrites expected.json from the current results (then read the
diff).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from grader.checks import parse_check
from grader.checks.base import CheckSpec, GradingContext
from grader.checks.html import HtmlCheck

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"


def context(files: list[str], submission: Mapping[str, bytes], folder: Path = GOLDEN) -> GradingContext:
    """A GradingContext with a stand-in exercise: the kinds judged on the host read only `.files`."""
    exercise: Any = SimpleNamespace(files=tuple(files), folder=folder)
    return GradingContext(exercise=exercise, submission=dict(submission))


def golden_cases(kind: str) -> list[str]:
    return sorted(path.name for path in (GOLDEN / kind).iterdir() if (path / "submission").is_dir())


def run_golden_case(kind: str, case: str) -> None:
    """Grade the case's submission with every check of the folder's exercise.yaml; compare exactly."""
    folder = GOLDEN / kind
    exercise = yaml.safe_load((folder / "exercise.yaml").read_text())
    files = list(exercise["files"])
    submitted = folder / case / "submission"
    submission = {path: (submitted / path).read_bytes() for path in files if (submitted / path).is_file()}
    checks: list[CheckSpec] = [parse_check(spec) for spec in exercise["checks"]]
    results = [dataclasses.asdict(check.judge(context(files, submission, folder), {})) for check in checks]
    actual = {"checks": json.loads(json.dumps(results))}
    expected_file = folder / case / "expected.json"
    if UPDATE or not expected_file.exists():
        expected_file.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
        if not UPDATE:
            pytest.fail(f"{expected_file} did not exist: it was written from the current results; review it")
    assert actual == json.loads(expected_file.read_text())


@pytest.mark.parametrize("case", golden_cases("html"))
def test_golden(case: str) -> None:
    run_golden_case("html", case)


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
