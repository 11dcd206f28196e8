"""Reading the harness's frames out of the container's stdout, trusting only the real ones."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from grader.checks.base import Step, StepOutput

FRAME_START = "\x1eGRADER "
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
        except json.JSONDecodeError:
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
        outputs[step.id] = StepOutput(
            id=step.id,
            status=frame.get("status", "lost"),  # type: ignore[arg-type]
            exit_code=frame.get("exit_code"),  # type: ignore[arg-type]
            stdout=str(frame.get("stdout", "")).replace("\x00", "\u2400"),
            stderr=str(frame.get("stderr", "")).replace("\x00", "\u2400"),
            duration_s=float(frame.get("duration_s", 0.0)),  # type: ignore[arg-type]
            report=str(frame.get("report", "")),
        )
    return Frames(started=START_ID in found, outputs=outputs)
