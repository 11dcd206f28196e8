"""grader/checks/pytest.py judging reports on the host: only what it can check counts. Each report here
is made up, as a broken reporter or a forger would make it; none may crash the judge or earn points."""

from __future__ import annotations

import json
from typing import Any

import pytest

from grader.checks.base import GradingContext, StepOutput
from grader.result import CheckResult
from tests.helpers.data import fixture_exercise

EXERCISE = fixture_exercise("pytest/shout")
CHECK = EXERCISE.checks[0]
FILE = "tests/test_shout.py"
IDS = [f"{FILE}::{name}" for name in ("test_shout_a_word", "test_shout_a_sentence", "test_count_one_word",
                                       "test_count_spaces")]


def event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, **fields}


def ran(nodeid: str, outcome: str = "passed", message: str = "") -> dict[str, Any]:
    return event("test", nodeid=nodeid, outcome=outcome, message=message, where=None)


MADE_UP = f"{FILE}::test_made_up"
KEY_ERROR = (
    'Traceback (most recent call last):\n  File "/work/shout.py", line 2, in <module>\nKeyError: \'two\''
)


def judge(events: list[dict[str, Any]] | str, status: str = "ok") -> CheckResult:
    report = events if isinstance(events, str) else "".join(json.dumps(e) + "\n" for e in events)
    output = StepOutput(CHECK.id or "unit", status, 0, report=report)  # type: ignore[arg-type]
    return CHECK.judge(GradingContext(EXERCISE, {}), {output.id: output})


def honest(*outcomes: str) -> list[dict[str, Any]]:
    return [event("collected", tests=IDS), *(ran(i, o) for i, o in zip(IDS, outcomes, strict=True)),
            event("finished")]


ALL_PASSED = honest("passed", "passed", "passed", "passed")


def test_an_honest_report() -> None:
    result = judge(honest("passed", "failed", "passed", "skipped"))
    assert (result.status, result.score) == ("fail", 2.6667)  # 4 points over the 3 tests that count
    assert result.message == "2 of 3 tests passed (1 not counted)"
    assert [t.status for t in result.tests] == ["pass", "fail", "pass", "skipped"]


@pytest.mark.parametrize(("events", "why"), [
    (ALL_PASSED + [event("collected", tests=IDS)], "more than one collection"),
    (ALL_PASSED + [event("finished")], "more than one collection or end"),
    (ALL_PASSED[:-1], "did not finish"),
    ([event("collected", tests=[*IDS, IDS[0]]), event("finished")], "distinct"),
    ([event("collected", tests=[MADE_UP]), ran(MADE_UP), event("finished")], "not a test of this check"),
    ([event("collected", tests=["tests/other.py::test_shout_a_word"]), event("finished")], "not a test"),
    ([event("collected", tests=IDS[:1]), ran(IDS[1]), event("finished")], "not collected"),
    ([event("collected", tests=IDS[:1]), ran(IDS[0]), ran(IDS[0]), event("finished")], "reported twice"),
    ([event("collected", tests=IDS[:1]), {**ran(IDS[0]), "outcome": "xpass"}, event("finished")], "outcome"),
    ([event("collected", tests=IDS[:1]), {**ran(IDS[0]), "extra": 1}, event("finished")], "unknown fields"),
    ([event("collected", tests="all"), event("finished")], "list"),
    ('{"event": "collected", "tests": []}\nnot json\n', "not JSON"),
    ("[" * 100000, "not JSON"),
    ([event("made-up")], "unknown event"),
])
def test_a_report_it_cannot_check_earns_nothing(events: list[dict[str, Any]] | str, why: str) -> None:
    result = judge(events)
    assert (result.status, result.score) == ("error", 0.0)
    assert result.message.startswith("The tests' report could not be read (")
    assert result.message.endswith(": no points.")


@pytest.mark.parametrize(("learner", "message"), [
    ({"module": "shout", "how": "exit", "traceback": "SystemExit: 0"},
     "Your code ended the program before the tests could run (did it call exit()?)."),
    ({"module": "shout", "how": "ended", "traceback": ""},
     "Your code ended the program before the tests could run (did it call exit()?)."),
    ({"module": "shout", "how": "crash", "traceback": KEY_ERROR},
     "Your code stopped with KeyError in shout.py on line 2: 'two'."),
    ({"module": "shout", "how": "unreadable", "traceback": "x"},
     "Your code answered something the tests could not read, so they could not run."),
])
def test_a_module_that_could_not_be_imported_is_explained(learner: dict[str, str], message: str) -> None:
    events = [event("collect-error", path=FILE, message="ImportError while importing", learner=learner),
              event("collected", tests=[]), event("finished")]
    result = judge(events)
    assert (result.status, result.score, result.message) == ("error", 0.0, message)


def test_a_timeout_is_the_learners() -> None:
    result = judge([], status="timeout")
    assert result.status == "timeout" and "still running" in result.message
