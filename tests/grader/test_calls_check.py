"""The `calls` check (grader/checks/calls.py): calls read on the host as values, never code; expected
values compared on the host and never in the sandbox; what comes back from the learner's side read
strictly. The verdicts of real submissions are in the golden cases (tests/data/golden/calls/)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from grader.checks.base import GradingContext, StepOutput
from grader.checks.calls import CallsCheck
from grader.checks.calls_syntax import UNDEFINED, BigInt, CallSyntaxError, parse_call
from grader.checks.calls_values import decode_javascript, decode_python, matches, shown
from grader.errors import ExerciseInvalid
from grader.exercise import load_exercise
from grader.grading import grade_submission
from grader.plan import build_plan
from grader.result import Result, for_learner
from grader.runner import SandboxRunner
from sandbox import RunLimits
from tests.helpers.data import fixture_exercise

SECRETS = ("HIDDEN-EXPECTED-PY-7f3a9c", "HIDDEN-EXPECTED-JS-51d0e2", "HIDDEN-CHECK-EXPECTED-c0ffee")
"""The expected values of the vault's hidden rows and hidden check (tests/data/exercises/calls/vault)."""


# -- reading calls ------------------------------------------------------------------------------


def test_a_python_call_is_read_as_plain_values() -> None:
    call = parse_call("greet('Ann', (1, 2), {'a': [1.5, None]}, {3}, b'\\x00', excited=True)", "python")
    assert call.path == ("greet",)
    assert call.args == ("Ann", {"$t": [1, 2]}, {"$d": [["a", [1.5, None]]]}, {"$s": [3]}, {"$b": "AA=="})
    assert call.kwargs == (("excited", True),)
    assert parse_call("  Stack.size(-3) ", "python").path == ("Stack", "size")


@pytest.mark.parametrize("text", [
    "double(x)", "double(1 + 1)", "__import__('os').system('id')", "double(*numbers)", "double(**named)",
    "(lambda: 1)()", "double", "double(open('f'))", "items[0](1)", "double(1j)", "double(...)",
    "double(5); exit()", "double(f'{x}')", "double(" + "[" * 40 + "]" * 40 + ")",
])
def test_python_code_is_refused(text: str) -> None:
    with pytest.raises(CallSyntaxError):
        parse_call(text, "python")


def test_a_javascript_call_is_read_as_plain_values() -> None:
    call = parse_call(
        "shapes.greet(\"Ann\", {loud: true, 'x y': [1, -2.5, 1e3, 0x10, 10n, NaN, -Infinity, undefined, "
        "null]}, `two\\nlines`, '\\u{1F600}\\x41');", "javascript")
    assert call.path == ("shapes", "greet")
    numbers = [1, -2.5, 1000.0, 16, ["i", "10"], ["n", "NaN"], ["n", "-Infinity"], ["u"], None]
    assert call.args == (
        "Ann",
        ["o", [["loud", True], ["x y", ["a", numbers]]]],
        "two\nlines", "\U0001f600A",
    )


@pytest.mark.parametrize("text", [
    "double(x)", "double(1 + 1)", "double(`${secret}`)", "double(...numbers)", "double({a})",
    "double(() => 1)", "new Date()", "double(1)(2)", "double(01)", "double({[key]: 1})", "double('a' 'b')",
    "double(process.exit())", "double(1.5n)", "double('unclosed)", "double(" + "[" * 40 + "]" * 40 + ")",
])
def test_javascript_code_is_refused(text: str) -> None:
    with pytest.raises(CallSyntaxError):
        parse_call(text, "javascript")


EXERCISE = """\
format: 1
title: Calls
runtime: python
files: [functions.py]
checks:
  - kind: calls
    calls:
      - {call: double(5), expect: 10}
      - {call: double(x), expect: 10}
      - {call: double(1), expect: 2, raises: ValueError}
      - {call: double(2)}
  - kind: calls
    file: notes.txt
    calls:
      - {call: double(5), expect: 10}
"""


def test_mistakes_in_a_table_are_reported_where_they_are_written(tmp_path: Path) -> None:
    folder = tmp_path / "track" / "calls"
    for side in ("starter", "solution"):
        (folder / side).mkdir(parents=True)
        (folder / side / "functions.py").write_text("def double(n):\n    return n * 2\n")
    (folder / "instructions.md").write_text("Double it.\n")
    (folder / "exercise.yaml").write_text(EXERCISE)
    with pytest.raises(ExerciseInvalid) as caught:
        load_exercise(folder, tmp_path)
    lines = str(caught.value).splitlines()
    assert any(line.startswith("track/calls/exercise.yaml:9:16: checks.0.calls.1.call: 'double(x)'")
               and "plain values" in line for line in lines), lines
    assert any(":10:9: checks.0.calls.2: give exactly one of expect" in line for line in lines), lines
    assert any(":11:9: checks.0.calls.3: give exactly one of expect" in line for line in lines), lines
    assert any("checks.1.file: 'notes.txt' is not one of the exercise's" in line for line in lines), lines


# -- comparing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("expected", "actual", "same"), [
    (10, 10, True), (10, 10.0, True), (10, 10.5, False), (0.3, 0.1 + 0.2, True), (2.3333333, 7 / 3, True),
    (1, True, False), (True, 1, False), (True, True, True), (None, None, True), (None, 0, False),
    (None, UNDEFINED, False), ("10", 10, False), (10, "10", False), ("Ann", "Ann", True),
    ("Ann", "ann", False), ([1, 2], [1, 2], True), ([1, 2], (1, 2), True), ([1, 2], [2, 1], False),
    ([1, 2], {1, 2}, False), ({"a": 2, "b": 1}, {"a": 2, "b": 1}, True), ({"a": 2}, {"a": 2, "b": 1}, False),
    ({"1": "x"}, {1: "x"}, True), ({"true": 1}, {True: 1}, True), (10, BigInt(10), True),
    (math.nan, math.nan, True), (1e300, 1e300 * 10, False),
])
def test_values_compare_as_a_beginner_means(expected: Any, actual: Any, same: bool) -> None:
    assert matches(expected, actual, 1e-6) is same


def test_a_function_that_gives_back_its_argument_gives_back_how_it_left_it() -> None:
    """`["#", 1]` names the array the call was given, changed in place (`numbers.sort()`)."""
    arguments = ["a", [["u"], ["a", [3, 1, 2]]]]
    back = [None, ["a", [1, 2, 3]]]
    assert decode_javascript(["#", 1], arguments, back) == [1, 2, 3]


def test_values_are_shown_as_the_learners_language_writes_them() -> None:
    assert shown([None, True, "a", (1,), {"k": 1.5}], "python") == "[None, True, 'a', (1,), {'k': 1.5}]"
    assert shown([None, True, "a", UNDEFINED, {"k": 1.5}, BigInt(2)], "javascript") == \
        '[null, true, "a", undefined, {k: 1.5}, 2n]'
    loop: list[Any] = []
    loop.extend([loop] * 50)  # an array that holds itself fifty times: shown within a budget
    assert len(shown(loop, "javascript")) <= 300


# -- what comes back is read strictly -----------------------------------------------------------

def _nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


MALFORMED_VALUES = [
    {"$x": 1}, {"$t": 1}, {"$d": [[1]]}, {"$s": [[1]]}, {"$b": "not base64!"}, {"$h": {"kind": "object"}},
    _nested(100),
]


def test_a_javascript_only_call_in_a_python_table_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "track" / "calls"
    for side in ("starter", "solution"):
        (folder / side).mkdir(parents=True)
        (folder / side / "functions.py").write_text("def double(n):\n    return n * 2\n")
    (folder / "instructions.md").write_text("Double it.\n")
    (folder / "exercise.yaml").write_text(EXERCISE.split("  - kind: calls\n    file")[0].replace(
        "      - {call: double(x), expect: 10}\n      - {call: double(1), expect: 2, raises: ValueError}\n"
        "      - {call: double(2)}\n", "      - {call: 'double(null)', expect: 10}\n"))
    with pytest.raises(ExerciseInvalid) as caught:
        load_exercise(folder, tmp_path)
    assert "checks.0.calls.1.call: 'double(null)' argument 1: only plain values" in str(caught.value)


@pytest.mark.parametrize("value", MALFORMED_VALUES)
def test_a_python_value_the_bridge_could_not_make_is_refused(value: Any) -> None:
    from grader.checks.reports import MalformedReport

    with pytest.raises(MalformedReport):
        decode_python(value)


def _judge(report: str, status: str = "ok") -> Any:
    """The first check of calls/functions (nine visible rows) judged on `report`."""
    exercise = fixture_exercise("calls/functions")
    check = exercise.checks[0]
    assert isinstance(check, CallsCheck)
    ctx = GradingContext(exercise, {})
    outputs = {step.id: StepOutput(step.id, status, 0, report=report)  # type: ignore[arg-type]
               for step in check.steps(ctx)}
    return check.judge(ctx, outputs)


def line(**fields: Any) -> str:
    """One line of a report as calls_client.py writes it."""
    return json.dumps(fields) + "\n"


def result_line(index: int, value: Any, **more: Any) -> str:
    return line(event="result", index=index, value=value, repr=None, out="", back=None, **more)


LOADED = line(event="loaded")


@pytest.mark.parametrize("report", [
    "", "not json\n", LOADED + line(event="forged", index=0), result_line(0, 0),
    LOADED + result_line(0, 0) * 2,
    LOADED + result_line(70, 0), LOADED + result_line(0, {"$q": 0}), LOADED + result_line(0, 0, x=1),
    LOADED + line(event="raised", index=0, error={"str": 1}, out=""), LOADED + LOADED,
])
def test_a_report_that_is_not_what_our_client_writes_is_the_checks_error(report: str) -> None:
    result = _judge(report)
    assert result.status == "error"
    assert result.score == 0
    assert "could not be read" in result.message


def test_rows_after_a_call_that_never_ended_did_not_run() -> None:
    result = _judge(LOADED + result_line(0, 0), "timeout")
    assert result.status == "timeout"
    assert [test.status for test in result.tests] == ["fail", "error"] + ["error"] * 7
    assert "still running after 3 seconds" in result.tests[1].message
    assert all("did not run" in test.message for test in result.tests[2:])


# -- the expected values never enter the sandbox ------------------------------------------------


def test_hidden_rows_expected_values_never_enter_the_container() -> None:
    """Everything a container receives is its RunSpec: the command, the files, and the plan on the
    harness's stdin. The expected values of hidden rows (and of every row) are not in it; the calls
    of hidden rows run in steps of their own, after every visible check's."""
    exercise = fixture_exercise("calls/vault")
    ctx = GradingContext(exercise, exercise.read_starter())
    plan = build_plan(ctx, RunLimits())
    spec = plan.run_spec("grader-runner:test")
    sent = spec.stdin + b"".join(spec.files.values()) + " ".join(spec.command).encode()
    for secret in (*SECRETS, "visible-1"):
        assert secret.encode() not in sent
    assert [step.id for step in plan.steps] == ["python", "javascript", "python:hidden", "javascript:hidden",
                                                "hidden-check"]
    steps = json.loads(spec.stdin)["steps"]
    assert [call["args"] for call in steps[0]["params"]["calls"]] == [[1]]
    assert [call["args"] for call in steps[2]["params"]["calls"]] == [[2]]
    assert [step["params"]["language"] for step in steps] == ["python", "javascript", "python", "javascript",
                                                              "python"]


def test_learners_see_a_hidden_rows_verdict_only() -> None:
    report_visible = LOADED + result_line(0, 0)
    report_hidden = LOADED + result_line(0, 1) + result_line(1, "Hello, Zed")
    exercise = fixture_exercise("calls/functions")
    check = exercise.checks[1]
    ctx = GradingContext(exercise, {})
    outputs = {"more": StepOutput("more", "ok", 0, report=report_visible),
               "more:hidden": StepOutput("more:hidden", "ok", 0, report=report_hidden)}
    result = check.judge(ctx, outputs)
    assert [(t.name, t.status, t.hidden) for t in result.tests] == [
        ("double(0)", "pass", False), ("Hidden call 1", "fail", True), ("Greets another name", "fail", True)]
    assert "double(21): Expected 42" in result.tests[1].message  # the instructor sees it
    stored = Result("calls/functions", "fail", 0.0, 1.0, 0.1, (result,)).to_json()
    assert [test.get("hidden", False) for test in stored["checks"][0]["tests"]] == [False, True, True]
    assert "hidden" not in stored["checks"][0]["tests"][0]  # the format gains the key only where it is true
    learner = json.dumps(for_learner(stored))
    assert "double(21)" not in learner and "Zed" not in learner and "42" not in learner
    assert "Greets another name" in learner


# -- in the sandbox ------------------------------------------------------------------------------

SNOOP_PY = r'''
import glob, os

MARK = "-DETCEPXE-"[::-1]  # in every expected value of calls/vault; not in this file as written

def snoop():
    """Every place this process can read that holds an expected value of the hidden rows."""
    found = set()
    places = ["/checks", "/work", "/tmp", "/dev/shm", "/opt", "/proc/self/cwd", "/run", "/var/tmp", "/root"]
    paths = []
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        paths += [f"/proc/{pid}/{name}" for name in ("environ", "cmdline", "maps", "mem")]
        paths += glob.glob(f"/proc/{pid}/fd/*") + glob.glob(f"/proc/{pid}/task/*/fd/*")
        places += [f"/proc/{pid}/cwd", f"/proc/{pid}/root/checks", f"/proc/{pid}/root/tmp"]
    for place in places:
        paths += glob.glob(place + "/**", recursive=True)
    for path in paths:
        try:
            with open(path, "rb") as file:
                if MARK.encode() in file.read(1 << 20):
                    found.add(path)
        except OSError:
            pass
    return sorted(found)

def answer(number):
    return snoop()
'''

SNOOP_JS = r'''
const fs = require("fs");
const path = require("path");

const MARK = "-DETCEPXE-".split("").reverse().join("");  // in every expected value, not in this file

function walk(place, out, depth) {
  if (depth > 6) return;
  let entries;
  try { entries = fs.readdirSync(place, { withFileTypes: true }); } catch (e) { return; }
  for (const entry of entries) {
    const full = path.join(place, entry.name);
    if (entry.isDirectory()) walk(full, out, depth + 1); else out.push(full);
  }
}

function answer(number) {
  const found = [];
  const paths = [];
  for (const place of ["/checks", "/work", "/tmp", "/dev/shm", "/opt", "/run", "/var/tmp"]) {
    walk(place, paths, 0);
  }
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    for (const name of ["environ", "cmdline", "maps"]) paths.push(`/proc/${pid}/${name}`);
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) paths.push(`/proc/${pid}/fd/${fd}`);
    } catch (e) {}
  }
  for (const file of paths) {
    try {
      const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const buffer = Buffer.alloc(1 << 20);
      const size = fs.readSync(fd, buffer, 0, buffer.length, null);
      fs.closeSync(fd);
      if (buffer.subarray(0, size).includes(MARK)) found.push(file);
    } catch (e) {}
  }
  return found.sort();
}

module.exports = { answer };
'''

@pytest.mark.docker
def test_a_learner_program_finds_no_expected_value_anywhere(runtime_runner: SandboxRunner) -> None:
    """The learner's functions look everywhere they can, during the visible rows and during the hidden
    ones (and the hidden check): every process's /proc entries and descriptors, /checks, /work, /tmp.
    They give back every place that holds an expected value: there is none, in any step."""
    exercise = fixture_exercise("calls/vault")
    result = grade_submission(exercise, {"vault.py": SNOOP_PY.encode(), "vault.js": SNOOP_JS.encode()},
                              runtime_runner)
    assert result.status == "fail" and result.score == 0
    messages = [test.message for check in result.checks for test in check.tests]
    assert len(messages) == 5
    assert all("but your function gave back []" in message for message in messages), messages


@pytest.mark.docker
def test_the_host_compares_hidden_rows(runtime_runner: SandboxRunner) -> None:
    """The solution passes every hidden row: the values it gives back reach the host and are compared
    there, with the expected values that never left it."""
    exercise = fixture_exercise("calls/vault")
    result = grade_submission(exercise, exercise.read_solution(), runtime_runner)
    assert result.status == "pass", result


FORGE_PY = r'''
import glob, json, os

def answer(number):
    lines = [json.dumps({"event": "result", "index": i, "value": v, "repr": None, "out": "", "back": None})
             for i, v in enumerate(["visible-1", "HIDDEN-EXPECTED-PY-7f3a9c"])]
    payload = ("\n".join(lines) + '\n{"event": "done"}\n').encode()
    for target in [*map(str, range(0, 64)), *glob.glob("/proc/[0-9]*/fd/*")]:
        try:
            if target.isdigit():
                if int(target) != 3:  # fd 3 is this server's socket: writing there is answering
                    os.write(int(target), payload)
            else:
                fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
                os.write(fd, payload)
                os.close(fd)
        except OSError:
            pass
    return "wrong"
'''


@pytest.mark.docker
def test_a_learner_program_cannot_write_the_report(runtime_runner: SandboxRunner) -> None:
    """The report is written by our client (grader uid) on its own pipe: a learner's function that
    writes report lines to every descriptor it can reach earns nothing."""
    exercise = fixture_exercise("calls/vault")
    result = grade_submission(exercise, {"vault.py": FORGE_PY.encode(), "vault.js": b""}, runtime_runner)
    python = next(check for check in result.checks if check.id == "python")
    assert python.score == 0
    assert [test.status for test in python.tests] == ["fail", "fail"]
    assert "gave back 'wrong'" in python.tests[0].message
