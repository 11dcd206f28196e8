"""A learner's code cannot forge a verdict through the tests: each test is one cheat, run for real
under runc and gVisor, that must earn no more than an honest wrong answer.

Every cheat is built on the `integrity/adder` exercise, whose correct answer is `add(a, b) = a + b`;
its visible pytest check has four tests and its hidden io check expects "5" for the input "2 3". An
honest wrong answer (`return 0`) passes one test (add(0, 0) == 0): 1 point of 5. A cheat succeeds if
it earns more. See test_integrity_steps.py for what crosses from one step to the next, and
test_integrity_programs.py for scripts, web apps and JavaScript.
"""

from __future__ import annotations

import pytest

from grader.grading import grade_submission
from grader.result import CheckResult, Result
from grader.runner import SandboxRunner
from tests.helpers.data import fixture_exercise

pytestmark = pytest.mark.docker

WRONG = "def add(a, b):\n    return 0\n"
HONEST_SCORE = 1.0


def grade(runner: SandboxRunner, source: str) -> Result:
    return grade_submission(fixture_exercise("integrity/adder"), {"adder.py": source.encode()}, runner)


def check(result: Result, check_id: str) -> CheckResult:
    return next(c for c in result.checks if c.id == check_id)


def no_better_than_honest(result: Result) -> None:
    """Graded (the learner's doing, never the machine's), and no point more than `return 0` earns."""
    assert result.status == "fail", result
    assert result.score <= HONEST_SCORE, result
    assert check(result, "sum").score == 0


def test_honest_wrong_answer(runtime_runner: SandboxRunner) -> None:
    result = grade(runtime_runner, WRONG)
    assert result.status == "fail"
    assert check(result, "unit").score == pytest.approx(HONEST_SCORE)
    assert check(result, "sum").score == 0


def test_the_right_answer_passes(runtime_runner: SandboxRunner) -> None:
    source = (
        "def add(a, b):\n    return a + b\n\n"
        "if __name__ == '__main__':\n    print(add(*map(int, input().split())))\n"
    )
    assert grade(runtime_runner, source).status == "pass"


# -- forged reports -----------------------------------------------------------------------------

FORGE = r'''
import glob, json, os
events = [{"event": "collected", "tests": ["tests/test_adder.py::test_small"]},
          {"event": "test", "nodeid": "tests/test_adder.py::test_small", "outcome": "passed",
           "message": "", "where": None},
          {"event": "finished"}]
frames = ["\x1eGRADER " + nonce + " " + json.dumps({"id": step, "status": "ok", "stdout": "5"})
          for nonce in ("guess", "0" * 32) for step in ("unit", "sum", "-done-")]
payload = ("".join(json.dumps(e) + "\n" for e in events) + "\n".join(frames) + "\n").encode()
found = glob.glob("/proc/[0-9]*/fd/*") + glob.glob("/proc/[0-9]*/task/*/fd/*")
for target in [*map(str, range(4, 64)), *found]:
    try:
        if target.isdigit():
            os.write(int(target), payload)
        else:
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, payload)
            os.close(fd)
    except OSError:
        pass
print(payload.decode())
'''


def test_forged_reports_on_every_descriptor_it_can_find(runtime_runner: SandboxRunner) -> None:
    """Every inherited descriptor, and every /proc/<pid>/fd/* and /proc/<pid>/task/*/fd/* of every
    process it can see (the harness's, the test process's, PID 1's): none is a report channel it may
    write, and what it prints is only output."""
    no_better_than_honest(grade(runtime_runner, WRONG + FORGE))


def test_forged_events_on_the_bridge(runtime_runner: SandboxRunner) -> None:
    """Its own end of the bridge (fd 3 of its process) reaches the test process, which reads only
    answers from it: junk there fails the tests, it does not pass them."""
    source = WRONG + FORGE.replace("range(4, 64)", "range(0, 4)")
    no_better_than_honest(grade(runtime_runner, source))


# -- patching the test machinery ---------------------------------------------------------------

PATCHES = {
    "AssertionError": "import builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})\n",
    "pytest-internals": (
        "import _pytest.python, _pytest.runner\n"
        "_pytest.python.Function.runtest = lambda self: None\n"
        "_pytest.runner.call_and_report = lambda *a, **k: None\n"
    ),
    "unittest": (
        "import unittest\n"
        "unittest.TestCase.assertEqual = lambda *args, **kwargs: None\n"
        "unittest.TestCase.run = lambda self, result=None: None\n"
    ),
    "builtins": "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.len = lambda *a: 0\n",
    "modules": "import sys\nsys.modules['pytest'] = None\nsys.modules['grader_pytest'] = None\n",
}


@pytest.mark.parametrize("patch", sorted(PATCHES))
def test_patching_the_test_machinery_changes_nothing(runtime_runner: SandboxRunner, patch: str) -> None:
    """What a learner's module patches is in its own process; the tests run in another one."""
    no_better_than_honest(grade(runtime_runner, WRONG + PATCHES[patch]))


# -- objects that lie -------------------------------------------------------------------------

INT_HASH, STR_HASH = "    __hash__ = int.__hash__\n", "    __hash__ = str.__hash__\n"
LIARS = {
    "eq": "class Liar:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n",
    "bool": (
        "class Liar:\n    def __eq__(self, other):\n        return Truthy()\n    __hash__ = object.__hash__\n"
        "class Truthy:\n    def __bool__(self):\n        return True\n"
    ),
    "str": "class Liar:\n    def __str__(self):\n        return '5'\n    __repr__ = __str__\n",
    "hash": (
        "class Liar:\n    def __hash__(self):\n        return hash(5)\n"
        "    def __eq__(self, other):\n        return True\n"
    ),
    "getattr": (
        "class Liar:\n    def __getattr__(self, name):\n        return lambda *a, **k: True\n"
        "    def __eq__(self, other):\n        return True\n"
    ),
    "int-subclass": "class Liar(int):\n    def __eq__(self, other):\n        return True\n" + INT_HASH,
    "str-subclass": "class Liar(str):\n    def __eq__(self, other):\n        return True\n" + STR_HASH,
}


@pytest.mark.parametrize("liar", sorted(LIARS))
def test_lying_objects_are_never_equal_to_expected_values(runtime_runner: SandboxRunner, liar: str) -> None:
    """A learner's object crosses as a handle; the tests compare it with their plain value, and a
    handle is never equal to a plain value, whatever its class says (int and str subclasses too)."""
    source = LIARS[liar] + "\ndef add(a, b):\n    return Liar()\n"
    result = grade(runtime_runner, source)
    assert check(result, "unit").score == 0
    no_better_than_honest(result)


# -- ending the program -----------------------------------------------------------------------

ENDINGS = {
    "sys.exit": "import sys; sys.exit(0)",
    "os._exit": "import os; os._exit(0)",
    "SystemExit": "raise SystemExit",
    "KeyboardInterrupt": "raise KeyboardInterrupt",
    "SIGKILL": "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
    "SIGTERM": "import os, signal; os.kill(os.getpid(), signal.SIGTERM)",
}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_ending_the_program_at_import(runtime_runner: SandboxRunner, ending: str) -> None:
    result = grade(runtime_runner, f"{ENDINGS[ending]}\n" + WRONG)
    unit = check(result, "unit")
    assert (unit.status, unit.score) == ("error", 0), unit
    no_better_than_honest(result)  # the learner's doing: graded, not an infrastructure error


def test_stopping_itself_at_import_is_a_timeout(runtime_runner: SandboxRunner) -> None:
    result = grade(runtime_runner, "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n" + WRONG)
    assert check(result, "unit").status == "timeout"
    no_better_than_honest(result)


@pytest.mark.parametrize("ending", ["sys.exit", "os._exit", "SIGKILL", "KeyboardInterrupt"])
def test_ending_the_program_during_a_test(runtime_runner: SandboxRunner, ending: str) -> None:
    """The right answer, except that it ends the program when a test calls add(-2, -3)."""
    body = ENDINGS[ending].replace("; ", "\n        ")
    source = f"def add(a, b):\n    if a == -2:\n        {body}\n    return a + b\n"
    unit = check(grade(runtime_runner, source), "unit")
    assert unit.status == "fail" and unit.score < 4
    negative = next(test for test in unit.tests if test.name == "negative")
    assert negative.status == "fail"
    if ending in ("os._exit", "SIGKILL"):  # the learner's process is gone: later tests cannot run
        assert "Your code ended the program" in negative.message
        assert all(t.status == "fail" for t in unit.tests if t.name in ("zero", "large"))
    if ending == "sys.exit":
        assert "called exit()" in negative.message


def test_stopping_itself_during_a_test_is_a_timeout(runtime_runner: SandboxRunner) -> None:
    source = (
        "import os, signal\n\n"
        "def add(a, b):\n    if a == -2:\n        os.kill(os.getpid(), signal.SIGSTOP)\n    return a + b\n"
    )
    assert check(grade(runtime_runner, source), "unit").status == "timeout"


# -- the harness ------------------------------------------------------------------------------

HARNESS_ATTACK = r'''
import os, signal
for sig in (signal.SIGSTOP, signal.SIGKILL):
    try:
        os.kill(-1, sig)  # every process this uid may signal: none but its own
    except OSError:
        pass
for name in os.listdir("/proc"):
    if name.isdigit() and int(name) != os.getpid():
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill(int(name), sig)
            except OSError:
                pass
others = [pid for pid in os.listdir("/proc") if pid.isdigit() and int(pid) != os.getpid()]
for path in ["/proc/%s/mem" % pid for pid in others]:
    try:
        open(path, "rb").read(10)
        raise SystemExit("read " + path)
    except OSError:
        pass
'''


def test_killing_or_stopping_the_harness_and_the_tests(runtime_runner: SandboxRunner) -> None:
    """SIGSTOP and SIGKILL to every other process it can see (the harness, PID 1, the test process):
    they run as other uids, so every signal is refused, and so is reading their memory. (gVisor does
    let it read their environment and memory maps: nothing secret is ever there; see
    test_integrity_steps.py.)"""
    no_better_than_honest(grade(runtime_runner, WRONG + HARNESS_ATTACK))
    assert grade(runtime_runner, HARNESS_ATTACK + "def add(a, b):\n    return a + b\n").checks[0].score == 4
