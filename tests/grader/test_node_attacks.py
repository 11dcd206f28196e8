"""A learner's JavaScript cannot forge a node check's verdict: each test is one cheat, graded for real,
that must earn no more than an honest wrong answer (`add = () => 0`, which earns nothing).

Built on `integrity/js-adder`: a visible and a hidden node check. The learner's code runs in its own
process as the learner uid; the tests reach it through the Node boundary (grader/harness/node_bridge.js,
docs/node-bridge.md).
"""

from __future__ import annotations

import pytest

from grader.grading import grade_submission
from grader.result import Result
from grader.runner import SandboxRunner
from tests.helpers.data import fixture_exercise

pytestmark = pytest.mark.docker

WRONG = "module.exports = { add: (a, b) => 0 };\n"


def grade(runner: SandboxRunner, source: str) -> Result:
    return grade_submission(fixture_exercise("integrity/js-adder"), {"adder.js": source.encode()}, runner)


def assert_no_points(result: Result) -> None:
    assert [(c.id, c.score) for c in result.checks] == [("unit", 0.0), ("hidden", 0.0)], result.checks


def test_an_honest_wrong_answer_earns_nothing(grading_runner: SandboxRunner) -> None:
    assert_no_points(grade(grading_runner, WRONG))


def test_replacing_the_methods_of_node_assert(grading_runner: SandboxRunner) -> None:
    source = (
        "for (const name of ['assert', 'node:assert', 'node:assert/strict']) {\n"
        "  const assert = require(name);\n"
        "  for (const key of Object.keys(assert)) {\n"
        "    if (typeof assert[key] === 'function') assert[key] = () => {};\n"
        "  }\n"
        "}\n" + WRONG
    )
    assert_no_points(grade(grading_runner, source))


def test_writing_test_events_to_descriptor_3_and_to_the_parents(grading_runner: SandboxRunner) -> None:
    source = (
        "const fs = require('fs');\n"
        "const pass = (name) =>\n"
        "  JSON.stringify({event: 'test', name, nesting: 0, outcome: 'passed'}) + '\\n';\n"
        "const lines = ['1 + 2 is 3', '2 + 2 is 4', 'negative numbers', 'decimals'].map(pass).join('')\n"
        "  + JSON.stringify({event: 'plan', nesting: 0, count: 2}) + '\\n';\n"
        "for (const path of ['/dev/fd/3', `/proc/${process.ppid}/fd/3`, '/proc/self/fd/3']) {\n"
        "  try { fs.writeFileSync(path, lines); } catch (error) {}\n"
        "}\n"
        "process.exit(0);\n"
    )
    assert_no_points(grade(grading_runner, source))


def test_registering_passing_tests_of_its_own(grading_runner: SandboxRunner) -> None:
    source = (
        "const test = require('node:test');\n"
        "for (let i = 0; i < 50; i++) test(`extra ${i}`, () => {});\n" + WRONG
    )
    result = grade(grading_runner, source)
    assert all(c.score == 0.0 for c in result.checks), result.checks


def test_ending_the_program_while_the_tests_load_it(grading_runner: SandboxRunner) -> None:
    result = grade(grading_runner, WRONG + "process.exit(0);\n")
    assert_no_points(result)
    assert {c.status for c in result.checks} == {"error"}


def test_ending_the_program_in_the_middle_of_a_test(grading_runner: SandboxRunner) -> None:
    assert_no_points(grade(grading_runner, "module.exports = { add: () => process.exit(0) };\n"))


def test_objects_whose_conversions_and_getters_lie(grading_runner: SandboxRunner) -> None:
    source = (
        "class Liar {\n"
        "  valueOf() { return 3; }\n"
        "  toString() { return '3'; }\n"
        "  [Symbol.toPrimitive]() { return 3; }\n"
        "  get value() { return 3; }\n"
        "}\n"
        "module.exports = { add: () => new Liar() };\n"
    )
    assert_no_points(grade(grading_runner, source))
