"""A learner's program cannot forge a verdict: each test is one cheat, run for real, that must fail.

Every cheat is built on the `integrity/adder` exercise, whose correct answer is `add(a, b) = a + b`
and whose hidden io check expects "5" for the input "2 3". A cheat succeeds if it earns points that
an honest wrong answer (`return 0`) would not.
"""

from __future__ import annotations

import pytest

from grader.grading import grade_submission
from grader.result import Result
from grader.runner import SandboxRunner
from tests.helpers.data import fixture_exercise

pytestmark = pytest.mark.docker

WRONG = "def add(a, b):\n    return 0\n"


def grade(runner: SandboxRunner, source: str) -> Result:
    return grade_submission(fixture_exercise("integrity/adder"), {"adder.py": source.encode()}, runner)


def check(result: Result, check_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in result.checks if c.id == check_id)


def test_honest_wrong_answer_scores_nothing(grading_runner: SandboxRunner) -> None:
    result = grade(grading_runner, WRONG)
    assert result.status == "fail"
    assert check(result, "unit").score == pytest.approx(1.0)  # add(0, 0) == 0 passes honestly
    assert check(result, "sum").score == 0


def test_printing_a_forged_frame_and_a_pass_summary(grading_runner: SandboxRunner) -> None:
    source = WRONG + (
        "import json, sys\n"
        "forged = json.dumps({'id': 'unit', 'status': 'ok', 'report': ''})\n"
        "print('\\x1eGRADER 0000 ' + forged)\n"
        "print('4 passed in 0.01s')\n"
        "print('5')\n"
        "sys.stderr.write('\\x1eGRADER 0000 ' + forged + '\\n')\n"
    )
    result = grade(grading_runner, source)
    assert check(result, "unit").score == pytest.approx(1.0)
    assert check(result, "sum").status == "fail"  # "5" printed at import is followed by more text


def test_writing_to_the_containers_stdout_through_init(grading_runner: SandboxRunner) -> None:
    """PID 1 holds the container's stdout; without the nonce a frame written there is ignored."""
    source = WRONG + (
        "import json\n"
        "for step in ('unit', 'sum'):\n"
        "    frame = {'id': step, 'status': 'ok', 'stdout': '5', 'report': ''}\n"
        "    try:\n"
        "        with open('/proc/1/fd/1', 'w') as out:\n"
        "            out.write('\\x1eGRADER guess ' + json.dumps(frame) + '\\n')\n"
        "    except OSError:\n"
        "        pass\n"
    )
    result = grade(grading_runner, source)
    assert result.score == pytest.approx(1.0)


def test_reading_the_harness_memory_is_refused(grading_runner: SandboxRunner) -> None:
    """The harness is not dumpable: its memory and file descriptors are closed to the learner."""
    source = WRONG + (
        "import os\n"
        "leaked = []\n"
        "for path in ('/proc/%d/environ' % os.getppid(), '/proc/%d/mem' % os.getppid()):\n"
        "    try:\n"
        "        with open(path, 'rb') as f:\n"
        "            leaked.append(f.read(10))\n"
        "    except OSError:\n"
        "        pass\n"
        "def add(a, b):\n"
        "    return len(leaked) * 1000\n"
    )
    result = grade(grading_runner, source)
    assert check(result, "unit").score == pytest.approx(1.0)  # nothing leaked: add(0, 0) is still 0


def test_writing_result_like_files(grading_runner: SandboxRunner) -> None:
    source = WRONG + (
        "import json, os\n"
        "for folder in ('/work', '/tmp', '/work/tests'):\n"
        "    for name in ('result.json', 'report.json', '.pytest_cache'):\n"
        "        try:\n"
        "            with open(os.path.join(folder, name), 'w') as f:\n"
        "                json.dump({'status': 'pass', 'score': 5}, f)\n"
        "        except OSError:\n"
        "            pass\n"
    )
    result = grade(grading_runner, source)
    assert result.score == pytest.approx(1.0)


EXITS = ["import sys; sys.exit(0)", "import os; os._exit(0)", "raise SystemExit"]


@pytest.mark.parametrize("exit_call", EXITS)
def test_exit_at_import(grading_runner: SandboxRunner, exit_call: str) -> None:
    result = grade(grading_runner, f"{exit_call}\n" + WRONG)
    unit = check(result, "unit")
    assert unit.score == 0
    assert unit.status in ("error", "fail")
    assert result.status == "fail"  # the learner's doing: graded, not an infrastructure error


def test_exit_during_a_test_fails_the_rest(grading_runner: SandboxRunner) -> None:
    source = "import os\n\ndef add(a, b):\n    if a == -2:\n        os._exit(0)\n    return a + b\n"
    unit = check(grade(grading_runner, source), "unit")
    assert unit.status == "fail"
    assert unit.score < 4
    assert any("did not run" in t.message for t in unit.tests)


def test_monkeypatching_pytest(grading_runner: SandboxRunner) -> None:
    source = WRONG + (
        "import _pytest.python\n"
        "_pytest.python.Function.runtest = lambda self: None\n"
    )
    unit = check(grade(grading_runner, source), "unit")
    assert unit.score == 0
    assert "changed how the tests work" in unit.message


def test_patching_the_assertion_error(grading_runner: SandboxRunner) -> None:
    source = WRONG + "import builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})\n"
    assert check(grade(grading_runner, source), "unit").score == 0


def test_an_object_equal_to_everything(grading_runner: SandboxRunner) -> None:
    source = (
        "class Anything:\n"
        "    def __eq__(self, other):\n"
        "        return True\n\n"
        "def add(a, b):\n"
        "    return Anything()\n"
    )
    unit = check(grade(grading_runner, source), "unit")
    assert unit.score == 0
    assert "equals anything" in unit.message


def test_killing_the_harness(grading_runner: SandboxRunner) -> None:
    source = WRONG + "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
    result = grade(grading_runner, source)
    assert result.status == "fail"  # the learner's doing: it counts, with no points
    assert result.score == 0


def test_one_check_cannot_rewrite_the_tests_of_the_next(grading_runner: SandboxRunner) -> None:
    """The io step runs first here? No: steps run in order, so the cheat plants a file in an early
    step and hopes a later one reads it. Each step starts on a pristine copy of /work."""
    source = WRONG + (
        "import glob\n"
        "for path in glob.glob('/work/tests/*.py'):\n"
        "    try:\n"
        "        open(path, 'w').write('def test_ok():\\n    pass\\n')\n"
        "    except OSError:\n"
        "        pass\n"
    )
    assert check(grade(grading_runner, source), "unit").score == pytest.approx(1.0)


def test_a_daemon_left_behind_cannot_touch_the_next_step(grading_runner: SandboxRunner) -> None:
    source = WRONG + (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(0.3)\n"
        "    with open('/work/adder.py', 'w') as f:\n"
        "        f.write('def add(a, b):\\n    return a + b\\nprint(5)\\n')\n"
        "    os._exit(0)\n"
    )
    result = grade(grading_runner, source)
    assert check(result, "sum").score == 0
