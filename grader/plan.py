"""A grading plan: every step of every check of one submission, to run in ONE fresh container."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from grader.checks.base import GradingContext, Step
from sandbox import RunLimits, RunSpec

HARNESS_COMMAND = ("/opt/harness/harness.py",)
"""Run by the sandbox's entry in its own process, as the grader uid (RunSpec.as_grader)."""
STEP_OVERHEAD_S = 1.0
"""Time allowed per step on top of its own limit: restoring /work, starting the child, reporting."""
MAX_WALL_S = 300.0
JSON_ESCAPING = 6
"""At worst one byte a program printed takes six in its frame (`\u0001`)."""
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
DOM_HELPER = ("node", "/opt/harness/dom_runner.js")
"""Prelaunched when a plan starts with a dom step: it loads jsdom while the container waits for the
submission (grader/harness/actions.py DOM_RUNNER). Only the plan's first step can use it, since every
process is killed between steps, so a dom step runs first where the order allows it."""
StepFiles = Mapping[str, Mapping[str, Mapping[str, bytes]]]
"""Per step id: {"checks": {path: bytes}, "work": {path: bytes}} (see CheckSpec.support_place)."""


def done_frame(nonce: str) -> bytes:
    """The harness's last frame: once it is out, the container has nothing more to say."""
    return f'\x1eGRADER {nonce} {{"id": "-done-"}}\n'.encode()


@dataclass(frozen=True)
class GradingPlan:
    steps: tuple[Step, ...]
    files: dict[str, bytes]
    nonce: str
    limits: RunLimits
    output_cap: int = 64 * 1024
    """Bytes of stdout, and of stderr, each step may print: the exercise's output limit."""
    prelaunch: tuple[str, ...] = ()
    step_files: StepFiles = field(default_factory=dict)
    """The files each step sees besides the learner's: its check's support files, and no other's."""

    def run_spec(self, image: str) -> RunSpec:
        plan = {
            "nonce": self.nonce,
            "steps": [
                {
                    "id": step.id,
                    "action": step.action,
                    "params": dict(step.params),
                    "timeout_s": step.timeout_s,
                    "output_cap": self.output_cap,
                    "files": {
                        place: {path: base64.b64encode(data).decode() for path, data in files.items()}
                        for place, files in self.step_files.get(step.id, {}).items()
                    },
                }
                for step in self.steps
            ],
        }
        return RunSpec(
            image=image,
            command=HARNESS_COMMAND,
            files=self.files,
            stdin=json.dumps(plan).encode(),
            limits=self.limits,
            done_marker=done_frame(self.nonce),
            prelaunch=self.prelaunch,
            as_grader=True,
        )


def build_plan(ctx: GradingContext, base_limits: RunLimits) -> GradingPlan:
    """Collect the steps of every check, the files each needs (the learner's, and its check's
    support files, never expectation files) and the limits of the one container that runs them.

    Visible checks' steps run first, hidden ones after: nothing a learner's program learns during a
    hidden step can reach a verdict or an output the learner sees."""
    exercise = ctx.exercise
    visible: list[Step] = []
    hidden: list[Step] = []
    step_files: dict[str, dict[str, dict[str, bytes]]] = {}
    for check in exercise.checks:
        check_steps = check.steps(ctx)
        for step in check_steps:
            (hidden if check.hidden or step.hidden else visible).append(step)
        support = {path: exercise.support_file_bytes(path) for path in check.support_files()}
        for step in check_steps:
            step_files[step.id] = {check.support_place: support} if support else {}
    first_group = visible or hidden
    first_dom = next((step for step in first_group if step.action == "dom"), None)
    if first_dom is not None:  # steps are independent: order within a group changes no verdict
        first_group.remove(first_dom)
        first_group.insert(0, first_dom)
    steps = visible + hidden
    wall = min(sum(step.timeout_s + STEP_OVERHEAD_S for step in steps) + 2.0, MAX_WALL_S)
    output_cap = exercise.limits.output * 1024
    # Every step's frame must fit whole, even when its program printed up to the cap on both streams:
    # a frame cut by the container's cap would read as the learner stopping the grader.
    frames_room = sum(2 * output_cap * JSON_ESCAPING + step.needs.report_bytes for step in steps) + 64 * 1024
    # The container's pids, memory and open-file limits hold for all its steps: it gets the largest
    # need of any step (each bounded by StepNeeds), and the hardened defaults when no step needs more.
    limits = RunLimits(
        wall_s=wall,
        memory_mb=max([exercise.limits.memory, *(step.needs.memory_mb for step in steps)]),
        cpus=base_limits.cpus,
        pids=max([base_limits.pids, *(step.needs.pids for step in steps)]),
        tmpfs_mb=base_limits.tmpfs_mb,
        tmpfs_inodes=base_limits.tmpfs_inodes,
        nofile=max([base_limits.nofile, *(step.needs.nofile for step in steps)]),
        fsize_mb=base_limits.fsize_mb,
        output_bytes=min(frames_room, MAX_OUTPUT_BYTES),
    )
    prelaunch = DOM_HELPER if first_dom is not None else ()
    nonce = secrets.token_hex(16)
    return GradingPlan(tuple(steps), dict(ctx.submission), nonce, limits, output_cap, prelaunch, step_files)
