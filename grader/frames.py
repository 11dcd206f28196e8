"""Reading the harness's frames out of the container's stdout, trusting only the real ones."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import get_args

from grader.checks.base import Step, StepOutput, StepStatus

FRAME_START = "\x1eGRADER "
STEP_STATUSES = frozenset(get_args(StepStatus))
START_ID = "-start-"


class ForgedFrames(Exception):
    """Two frames claim the same step: someone other than the harness wrote one of them."""


@dataclass(frozen=True)
class RunEnding:
    """How the container ended, for the steps that sent no frame."""

    timed_out: bool
    oom_killed: bool


@dataclass(frozen=True)
class Frames:
    started: bool
    """The harness announced itself: without that, nothing of the learner's ever ran."""
    outputs: dict[str, StepOutput]


def parse_frames(stdout: str, nonce: str, steps: Iterable[Step], ending: RunEnding) -> Frames:
    """One StepOutput per step. Steps without a frame get the container's fate: memory, timeout,
    or `lost` (the learner's program stopped the harness).

    Raises:
        ForgedFrames: a step has two frames carrying the nonce.
    """
    marker = FRAME_START + nonce + " "
    found: dict[str, Mapping[str, object]] = {}
    for line in stdout.split("\n"):
        if not line.startswith(marker):
            continue
        try:
            frame = json.loads(line[len(marker):])
        except (ValueError, RecursionError):
            continue
        if not isinstance(frame, dict):
            continue
        step_id = str(frame.get("id"))
        if step_id in found:
            raise ForgedFrames(step_id)
        found[step_id] = frame
    fate = "memory" if ending.oom_killed else "timeout" if ending.timed_out else "lost"
    outputs = {}
    for step in steps:
        frame = found.get(step.id)
        if frame is None:
            outputs[step.id] = StepOutput(id=step.id, status=fate)  # type: ignore[arg-type]
            continue
        outputs[step.id] = _step_output(step.id, frame)
    return Frames(started=START_ID in found, outputs=outputs)


def _step_output(step_id: str, frame: Mapping[str, object]) -> StepOutput:
    """A frame as a StepOutput, every field checked: one that is not what the harness writes is `lost`."""
    status, exit_code, duration = frame.get("status"), frame.get("exit_code"), frame.get("duration_s", 0.0)
    texts = [frame.get(name, "") for name in ("stdout", "stderr", "report", "after")]
    if (status not in STEP_STATUSES or not (exit_code is None or isinstance(exit_code, int))
            or not isinstance(duration, int | float) or not all(type(text) is str for text in texts)):
        return StepOutput(id=step_id, status="lost")
    stdout, stderr, report, after = (str(text) for text in texts)
    return StepOutput(
        id=step_id,
        status=status,  # type: ignore[arg-type]
        exit_code=exit_code,
        stdout=stdout.replace("\x00", "\u2400"),
        stderr=stderr.replace("\x00", "\u2400"),
        duration_s=float(duration),
        report=report,
        after=after,
    )
