"""Instructors' tests keep working, unchanged, through the bridge (under runc and gVisor): pytest
functions and unittest classes, the learner's classes, instances, generators and exceptions, lists
and dicts changed in place, functions called back, printing, files in tmp_path, skipped tests.

The `bridge/toolbox` exercise uses each of them (tests/data/exercises/bridge/toolbox/tests)."""

from __future__ import annotations

import pytest

from grader.grading import grade_submission
from grader.result import CheckResult, Result
from grader.runner import SandboxRunner
from tests.helpers.data import fixture_exercise

pytestmark = pytest.mark.docker


def grade(runner: SandboxRunner, files: dict[str, bytes] | None = None) -> Result:
    exercise = fixture_exercise("bridge/toolbox")
    return grade_submission(exercise, files or exercise.read_solution(), runner)


def check(result: Result, check_id: str) -> CheckResult:
    return next(c for c in result.checks if c.id == check_id)


def test_every_use_of_the_learners_code_works_through_the_bridge(runtime_runner: SandboxRunner) -> None:
    result = grade(runtime_runner)
    assert (result.status, result.score) == ("pass", 6.0), result
    pytest_style, unittest_style = check(result, "pytest-style"), check(result, "unittest-style")
    assert pytest_style.message == "15 of 15 tests passed (1 not counted)"
    assert unittest_style.message == "3 of 3 tests passed (1 not counted)"


def test_a_test_the_instructor_skipped_is_not_counted(runtime_runner: SandboxRunner) -> None:
    skipped = [test for c in grade(runtime_runner).checks for test in c.tests if test.status == "skipped"]
    assert [(test.name, test.message) for test in skipped] == [
        ("skipped by the instructor", "Not counted: the instructor skipped this test (not ready yet)."),
        ("StackTests test skipped",
         "Not counted: the instructor skipped this test (the instructor skips this one)."),
    ]


def test_the_starter_fails_with_the_messages_a_learner_needs(runtime_runner: SandboxRunner) -> None:
    exercise = fixture_exercise("bridge/toolbox")
    result = grade(runtime_runner, exercise.read_starter())
    messages = {test.name: test.message for test in check(result, "pytest-style").tests}
    assert messages["an empty stack raises its own error"] == (
        "Failed: DID NOT RAISE <class 'toolbox.StackUnderflowError'>"
    )
    assert messages["a list changed in place"] == (
        "assert [10.0, 20.0] is None\n +  where [10.0, 20.0] = add_tax([10.0, 20.0], 0.1)"
    )
    assert messages["a function called back"].startswith("assert [1, 2, 3] == [2, 4, 6]\n")
    assert messages["builtin errors with messages"] == "Failed: DID NOT RAISE <class 'ValueError'>"
    unittest_messages = {test.name: test.message for test in check(result, "unittest-style").tests}
    assert unittest_messages["StackTests test underflow"] == "AssertionError: StackUnderflowError not raised"


def test_an_error_in_the_learners_code_points_at_its_line(runtime_runner: SandboxRunner) -> None:
    exercise = fixture_exercise("bridge/toolbox")
    source = exercise.read_solution()["toolbox.py"].replace(
        b'raise StackUnderflowError("the stack is empty")', b"return [][0]"
    )
    line = source.split(b"return [][0]")[0].count(b"\n") + 1
    result = grade(runtime_runner, {"toolbox.py": source})
    messages = {test.name: test.message for test in check(result, "unittest-style").tests}
    expected = f"IndexError: list index out of range\n(in toolbox.py, line {line})"
    assert messages["StackTests test underflow"] == expected


def test_a_learners_object_shows_as_the_learner_wrote_it(runtime_runner: SandboxRunner) -> None:
    exercise = fixture_exercise("bridge/toolbox")
    solution = exercise.read_solution()["toolbox.py"]
    source = solution.replace(b"return isinstance(other, Stack) and", b"return False and")
    result = grade(runtime_runner, {"toolbox.py": source})
    messages = {test.name: test.message for test in check(result, "pytest-style").tests}
    assert messages["stacks compare and hash among themselves"].startswith("assert Stack([1]) == Stack([1])")
