"""Reading the harness's frames: only frames with the nonce count, twice is forgery, silence is a fate."""

from __future__ import annotations

import json
from typing import Any

import pytest

from grader.checks.base import Step, StepOutput
from grader.frames import START_ID, ForgedFrames, RunEnding, parse_frames
from grader.plan import done_frame

NONCE = "5f0c" * 8
STEPS = (Step("unit", "pytest", {}, 5.0), Step("io-1", "exec", {}, 5.0))
NORMAL = RunEnding(timed_out=False, oom_killed=False)


def frame(payload: dict[str, Any], nonce: str = NONCE) -> str:
    return f"\x1eGRADER {nonce} {json.dumps(payload)}\n"


def test_every_step_read_from_its_frame() -> None:
    stdout = (
        frame({"id": START_ID})
        + frame({"id": "unit", "status": "ok", "exit_code": 1, "stdout": "out\x00", "stderr": "err",
                 "duration_s": 0.25, "report": '{"event": "finished"}'})
        + frame({"id": "io-1", "status": "output", "exit_code": -9})
        + done_frame(NONCE).decode()
    )
    frames = parse_frames(stdout, NONCE, STEPS, NORMAL)
    assert frames.started
    assert frames.outputs == {
        "unit": StepOutput("unit", "ok", 1, "out\u2400", "err", 0.25, '{"event": "finished"}'),
        "io-1": StepOutput("io-1", "output", -9),
    }


def test_lines_that_are_not_frames_of_this_run_are_ignored() -> None:
    stdout = (
        "hello\n"
        + frame({"id": START_ID})
        + frame({"id": "unit", "status": "ok", "exit_code": 0}, nonce="0000")  # someone guessing
        + "  " + frame({"id": "unit", "status": "ok", "exit_code": 0})  # not at the start of a line
        + f"\x1eGRADER {NONCE} {{not json\n"
        + frame({"id": "unit", "status": "ok", "exit_code": 3})
        + frame({"id": "no-such-step", "status": "ok"})
    )
    frames = parse_frames(stdout, NONCE, STEPS, NORMAL)
    assert frames.outputs["unit"].exit_code == 3
    assert frames.outputs["io-1"].status == "lost"


@pytest.mark.parametrize("step_id", ["unit", START_ID])
def test_two_frames_for_one_step_are_a_forgery(step_id: str) -> None:
    stdout = frame({"id": START_ID}) + frame({"id": "unit", "status": "ok"})
    stdout += frame({"id": step_id, "status": "ok", "exit_code": 0})
    with pytest.raises(ForgedFrames, match=step_id):
        parse_frames(stdout, NONCE, STEPS, NORMAL)


@pytest.mark.parametrize(
    ("ending", "fate"),
    [
        (RunEnding(timed_out=False, oom_killed=True), "memory"),
        (RunEnding(timed_out=True, oom_killed=False), "timeout"),
        (RunEnding(timed_out=True, oom_killed=True), "memory"),
        (NORMAL, "lost"),
    ],
)
def test_steps_without_a_frame_take_the_containers_fate(ending: RunEnding, fate: str) -> None:
    stdout = frame({"id": START_ID}) + frame({"id": "unit", "status": "ok", "exit_code": 0})
    frames = parse_frames(stdout, NONCE, STEPS, ending)
    assert frames.outputs["unit"].status == "ok"
    assert frames.outputs["io-1"] == StepOutput("io-1", fate)  # type: ignore[arg-type]


def test_without_the_start_frame_nothing_ran() -> None:
    frames = parse_frames("Traceback (most recent call last): ...\n", NONCE, STEPS, NORMAL)
    assert not frames.started
    assert {output.status for output in frames.outputs.values()} == {"lost"}


def test_a_frame_without_a_status_is_lost() -> None:
    stdout = frame({"id": START_ID}) + frame({"id": "unit"})
    assert parse_frames(stdout, NONCE, STEPS, NORMAL).outputs["unit"].status == "lost"


def test_the_done_frame_carries_the_nonce() -> None:
    assert done_frame(NONCE) == f'\x1eGRADER {NONCE} {{"id": "-done-"}}\n'.encode()


@pytest.mark.parametrize("fields", [
    {"status": "passed"},  # not a step status
    {"status": "ok", "exit_code": "0"},
    {"status": "ok", "stdout": ["x"]},
    {"status": "ok", "report": {"event": "finished"}},
    {"status": "ok", "duration_s": "fast"},
])
def test_a_frame_with_a_field_of_the_wrong_kind_is_lost(fields: dict[str, Any]) -> None:
    stdout = frame({"id": START_ID}) + frame({"id": "unit", **fields})
    assert parse_frames(stdout, NONCE, STEPS, NORMAL).outputs["unit"] == StepOutput("unit", "lost")


def test_a_frame_that_is_not_an_object_or_too_deep_is_skipped() -> None:
    stdout = frame({"id": START_ID}) + f"\x1eGRADER {NONCE} [1]\n" + f"\x1eGRADER {NONCE} {'[' * 100000}\n"
    assert parse_frames(stdout, NONCE, STEPS, NORMAL).outputs["unit"].status == "lost"
