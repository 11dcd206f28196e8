"""grader/checks/node.py: judging what node:test reported, failures outside any test included, and
the `support:` files of a node check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from grader.checks.base import GradingContext, StepOutput
from grader.checks.node import NodeCheck
from grader.errors import ExerciseInvalid
from grader.exercise import Exercise, load_exercise
from grader.result import CheckResult
from tests.helpers.data import EXERCISES

TEST_FILE = "tests/temperature.test.js"
Event = dict[str, Any]
MISTAKE = "This is a mistake in the tests, not in your code: please tell your instructor."


@pytest.fixture(scope="module")
def exercise() -> Exercise:
    return load_exercise(EXERCISES / "node" / "temperature", EXERCISES)


def judge(exercise: Exercise, events: list[Event], exit_code: int = 0, stderr: str = "") -> CheckResult:
    check = exercise.checks[0]
    assert isinstance(check, NodeCheck)
    report = "".join(json.dumps(event) + "\n" for event in events)
    output = StepOutput(id="unit:0", status="ok", exit_code=exit_code, stderr=stderr, report=report)
    return check.judge(GradingContext(exercise, {}), {"unit:0": output})


def leaf(name: str, outcome: str = "passed", nesting: int = 0, **extra: Any) -> Event:
    """A test's event as node_reporter.mjs writes it."""
    return {"event": "test", "name": name, "nesting": nesting, "scope": "test", "outcome": outcome,
            "message": "", **extra}


def suite(outcome: str, failure: str = "", **extra: Any) -> Event:
    failed = {"failure": failure, "origin": "tests", "why": "", "error": "Error"}
    fields = failed if outcome == "failed" else {}
    event = {"event": "test", "name": "suite", "nesting": 0, "scope": "suite", "outcome": outcome,
             "message": ""}
    return {**event, **fields, **extra}


PLAN = {"event": "plan", "nesting": 0, "count": 1}
INNER_PLAN = {"event": "plan", "nesting": 1, "count": 1}


def test_suites_are_not_counted_as_tests(exercise: Exercise) -> None:
    events = [leaf("a", nesting=1), leaf("b", "failed", nesting=1, message="no"), INNER_PLAN,
              suite("failed", "subtestsFailed"), PLAN]
    result = judge(exercise, events, exit_code=1)
    assert (result.status, result.score, result.message) == ("fail", 1.5, "1 of 2 tests passed")
    assert [(t.name, t.status) for t in result.tests] == [("a", "pass"), ("b", "fail")]


def test_a_test_with_subtests_is_not_counted_either(exercise: Exercise) -> None:
    events = [leaf("inner", nesting=1), INNER_PLAN, leaf("outer"), PLAN]
    assert [t.name for t in judge(exercise, events).tests] == ["inner"]


def test_a_hook_of_the_tests_that_fails_fails_the_check_and_says_whose_it_is(exercise: Exercise) -> None:
    events = [leaf("a", nesting=1), INNER_PLAN, suite("failed", "hookFailed", message="cleanup broke"), PLAN]
    result = judge(exercise, events, exit_code=1)
    assert (result.status, result.score) == ("fail", 0.0)
    assert result.message == (
        f"The tests in {TEST_FILE} went wrong outside any test "
        f"(a before or after hook failed: cleanup broke). {MISTAKE}"
    )


def test_a_hook_of_the_file_itself_counts_too(exercise: Exercise) -> None:
    failed = {**suite("failed", "hookFailed", message="x"), "scope": "file", "name": "/root/tests/t.test.js"}
    result = judge(exercise, [leaf("a"), failed, PLAN], exit_code=1)
    assert result.status == "fail" and result.message.endswith(MISTAKE)


def test_the_learners_error_in_a_describe_body_is_the_learners(exercise: Exercise) -> None:
    stack = "TypeError: nope\n    at Stack.pop (/work/temperature.js:3:20)\n    at Object.<anonymous> (x)"
    failed = suite("failed", "testCodeFailure", origin="learner", why="threw", error="TypeError",
                   message="nope", stack=stack)
    result = judge(exercise, [failed, PLAN], exit_code=1)
    assert (result.status, result.score) == ("error", 0.0)
    assert result.message == "Your code stopped with TypeError in temperature.js on line 3: nope."


def test_without_the_boundary_the_learners_files_in_the_stack_say_whose(exercise: Exercise) -> None:
    stack = "RangeError: big\n    at f (/work/temperature.js:9:1)"
    mine = suite("failed", "testCodeFailure", origin="", error="RangeError", message="big", stack=stack)
    assert judge(exercise, [mine, PLAN], exit_code=1).status == "error"
    stack = "Error: oops\n    at /work/tests/temperature.test.js:1"
    theirs = suite("failed", "testCodeFailure", origin="", message="oops", stack=stack)
    assert judge(exercise, [theirs, PLAN], exit_code=1).message.endswith(MISTAKE)


def test_a_learners_program_that_ended_while_the_file_loaded(exercise: Exercise) -> None:
    said = "Your code ended the program with process.exit(0) while the tests were using it."
    event = {"event": "load-error", "origin": "learner", "why": "ended", "error": "Error", "message": said,
             "stack": ""}
    result = judge(exercise, [event], exit_code=7)
    assert (result.status, result.message) == ("error", said)


def test_a_learners_error_while_the_file_loaded(exercise: Exercise) -> None:
    event = {"event": "load-error", "origin": "learner", "why": "threw", "error": "ReferenceError",
             "message": "settings is not defined",
             "stack": "ReferenceError: settings is not defined\n    at (/work/temperature.js:1:15)"}
    result = judge(exercise, [event], exit_code=7)
    assert result.message == (
        "Your code stopped with ReferenceError in temperature.js on line 1: settings is not defined."
    )


def test_a_test_file_that_cannot_load_is_the_tests_mistake(exercise: Exercise) -> None:
    event = {"event": "load-error", "origin": "tests", "why": "", "error": "Error",
             "message": "Cannot find module './helper.js'", "stack": ""}
    result = judge(exercise, [event], exit_code=1)
    assert (result.status, result.score) == ("fail", 0.0)
    assert result.message == (
        f"The test file {TEST_FILE} could not run: Error: Cannot find module './helper.js'. {MISTAKE}"
    )


def test_without_the_boundary_a_crash_outside_the_learners_files_is_the_tests(exercise: Exercise) -> None:
    stderr = "/work/tests/temperature.test.js:2\nrequire('./helper.js');\n\nError: Cannot find module\n"
    result = judge(exercise, [], exit_code=1, stderr=stderr)
    assert result.status == "fail" and result.message.endswith(MISTAKE)
    learners = "/work/temperature.js:6\n  oops;\n\nSyntaxError: Unexpected token ';'\n"
    result = judge(exercise, [], exit_code=1, stderr=learners)
    assert result.status == "error" and "temperature.js on line 6" in result.message


def test_a_program_that_exits_early_did_not_finish(exercise: Exercise) -> None:
    result = judge(exercise, [leaf("a")], exit_code=0)
    assert result.status == "error" and "did not finish" in result.message


def test_all_tests_passing_but_an_error_outside_them_is_the_tests(exercise: Exercise) -> None:
    result = judge(exercise, [leaf("a"), PLAN], exit_code=1)
    assert result.message == f"The tests in {TEST_FILE} ended with an error outside any test. {MISTAKE}"


def test_support_files_ship_beside_the_tests(tmp_path: Path) -> None:
    folder = tmp_path / "node" / "ex"
    for name, text in {"solution/a.js": "", "starter/a.js": "", "instructions.md": "# A\n",
                       "tests/a.test.js": "", "tests/check.js": "", "tests/data.json": "{}"}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    yaml = ("format: 1\ntitle: A\nruntime: node\nfiles: [a.js]\nchecks:\n  - kind: node\n"
            "    tests: [tests/a.test.js]\n    support: [tests/check.js, tests/data.json]\n")
    (folder / "exercise.yaml").write_text(yaml)
    (check,) = load_exercise(folder).checks
    assert isinstance(check, NodeCheck)
    assert check.support_files() == ("tests/a.test.js", "tests/check.js", "tests/data.json")
    assert [step.params for step in check.steps(GradingContext(load_exercise(folder), {}))] == [
        {"test": "tests/a.test.js", "learner_files": ["a.js"]}
    ]
    (folder / "tests" / "data.json").unlink()
    (folder / "exercise.yaml").write_text(yaml.replace("tests/check.js", "tests/a.test.js"))
    with pytest.raises(ExerciseInvalid) as caught:
        load_exercise(folder)
    assert str(caught.value).splitlines() == [
        "node/ex/exercise.yaml:8:15: checks.0.support.0: 'tests/a.test.js' is also in tests: "
        "a support file is never run as a test",
        "node/ex/exercise.yaml:8:32: checks.0.support.1: "
        "file 'tests/data.json' not found in the exercise folder",
    ]
