"""grader/checks/reports.py and the kinds that read reports made next to learner code (node, http, dom,
script): whatever a report holds, the judge gives the check a plain verdict and never raises."""

from __future__ import annotations

import json
from typing import Any

import pytest

from grader.checks.base import CheckSpec, GradingContext, StepOutput
from grader.checks.reports import MalformedReport, check_shape, json_lines, json_object
from grader.exercise import Exercise
from tests.helpers.data import fixture_exercise

SHAPES = {"a": {"event": str, "n": int, "maybe": (str, None), "kind": frozenset({"x", "y"})}}


def test_events_of_the_right_shape_are_read() -> None:
    report = '{"event": "a", "n": 1, "kind": "x"}\n\n{"event": "a", "n": 2, "maybe": null, "kind": "y"}\n'
    assert [e["n"] for e in json_lines(report, SHAPES)] == [1, 2]


@pytest.mark.parametrize("line", [
    '{"event": "a", "n": true, "kind": "x"}',  # true is not a number
    '{"event": "a", "n": 1, "kind": "z"}',
    '{"event": "a", "kind": "x"}',
    '{"event": "a", "n": 1, "kind": "x", "more": 1}',
    '{"event": "b"}', '[]', 'nope', '[' * 50000,
])
def test_anything_else_is_malformed(line: str) -> None:
    with pytest.raises(MalformedReport):
        json_lines(line, SHAPES)


def test_one_object_reports() -> None:
    assert json_object('{"ok": true}', {"ok": bool}) == {"ok": True}
    for bad in ('{"ok": 1}', "[]", "", "{"):
        with pytest.raises(MalformedReport):
            json_object(bad, {"ok": bool})
    with pytest.raises(MalformedReport, match="has no ok"):
        check_shape({}, {"ok": bool}, "it")


def judge(exercise: Exercise, check: CheckSpec, report: str, step_id: str | None = None) -> Any:
    output = StepOutput(step_id or check.id or check.kind, "ok", 0, report=report)
    return check.judge(GradingContext(exercise, exercise.read_solution()), {output.id: output})


NOISE = ["", "junk", "[1, 2]", '{"event": "test"}', "{" * 10000, json.dumps({"listening": "yes"}),
         json.dumps({"html": 5, "errors": "x"}), json.dumps({"status": "pass", "score": float("nan")}),
         json.dumps({"listening": True, "responses": [5, {"status": "200"}, {"error": "weird"}]}),
         json.dumps({"status": "pass", "tests": [5, {"name": 1, "status": "failed"}]})]


@pytest.mark.parametrize("key", ["node/temperature", "http/notes", "dom/counter", "script/acrostic"])
@pytest.mark.parametrize("report", NOISE)
def test_no_report_makes_a_judge_raise_or_pass(key: str, report: str) -> None:
    exercise = fixture_exercise(key)
    check = exercise.checks[0]
    step_id = f"{check.id}:0" if check.kind == "node" else None
    result = judge(exercise, check, report, step_id)
    assert result.status in ("fail", "error") and result.score < check.points, result
