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
BROWSER_HELPER = ("/usr/bin/python3", "-I", "-S", "/opt/harness/chromium.py")
"""Prelaunched when a plan has a page step (`browser`, `dom`): the submission's one browser, started as
the sandbox's helper uid while the container waits for the submission (grader/harness/chromium.py,
browser_session.py); every page step of the plan, at every window size, uses it."""
PAGE_ACTIONS = frozenset({"browser", "dom"})
WARM_PYTEST = ("pytest", "_pytest.python", "_pytest.terminal", "_pytest.assertion.rewrite",
               "_pytest.fixtures", "_pytest.runner", "_pytest.main")
WARM_FLASK = ("flask.cli",)
"""What the sandbox's warm spawner imports before the submission arrives, for a plan with test steps
(pytest) or a Flask app to serve: those steps' Python programs then start as forks of it, the modules
loaded (0.1 to 0.2 s less per step under runc, about 0.45 s under gVisor)."""
WARM_MEMORY_MB = 32
"""The spawner's own memory (its modules), on top of what the steps' programs may use."""
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
    warm: tuple[str, ...] = ()
    step_files: StepFiles = field(default_factory=dict)
    """The files each step sees besides the learner's: its check's support files, and no other's."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """The title of each step's check, by step id: how a step not run names the one that ran out of time."""

    def run_spec(self, image: str) -> RunSpec:
        plan = {
            "nonce": self.nonce,
            "steps": [
                {
                    "id": step.id,
                    "action": step.action,
                    "params": dict(step.params),
                    "timeout_s": step.timeout_s,
                    "program": program_of(step),
                    "tests": tests_of(step),
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
            warm=self.warm,
            as_grader=True,
        )


def program_of(step: Step) -> str | None:
    """The learner's program a step runs, as the harness compares them for the time budget: once one
    run of it was stopped for time, later steps of the same program are not run (None: always run).
    An instructor's script runs the learner's programs itself, with limits of its own."""
    params = step.params
    if step.action == "exec":
        return "run " + json.dumps(params.get("argv"))
    if step.action == "http":
        return "server " + json.dumps([params.get("app"), bool(params.get("static"))])
    if step.action in ("pytest", "node-test"):
        return f"{step.action} " + json.dumps(sorted(params.get("learner_files", [])))
    if step.action in PAGE_ACTIONS:
        return "page " + str(params.get("page"))
    return None


def tests_of(step: Step) -> str | None:
    """The instructor's tests a test step runs the learner's program with (None: not a test step).
    When a step's tests had loaded the program before it ran out of time, only a step of the same tests
    is not run again (grader/harness/harness.py)."""
    if step.action == "pytest":
        return json.dumps(sorted(step.params.get("tests", [])))
    if step.action == "node-test":
        return json.dumps(step.params.get("test"))
    return None


def build_plan(ctx: GradingContext, base_limits: RunLimits) -> GradingPlan:
    """Collect the steps of every check, the files each needs (the learner's, and its check's
    support files, never expectation files) and the limits of the one container that runs them.

    Visible checks' steps run first, hidden ones after: nothing a learner's program learns during a
    hidden step can reach a verdict or an output the learner sees."""
    exercise = ctx.exercise
    visible: list[Step] = []
    hidden: list[Step] = []
    step_files: dict[str, dict[str, dict[str, bytes]]] = {}
    titles: dict[str, str] = {}
    for check in exercise.checks:
        check_steps = check.steps(ctx)
        for step in check_steps:
            (hidden if check.hidden or step.hidden else visible).append(step)
        support = {path: exercise.support_file_bytes(path) for path in check.support_files()}
        for step in check_steps:
            step_files[step.id] = {check.support_place: support} if support else {}
            titles[step.id] = check.title or check.label
    steps = visible + hidden
    pages = [step for step in steps if step.action in PAGE_ACTIONS]
    others = [step for step in steps if step.action not in PAGE_ACTIONS]
    wall = min(sum(step.timeout_s + STEP_OVERHEAD_S for step in steps) + 2.0, MAX_WALL_S)
    output_cap = exercise.limits.output * 1024
    # Every step's frame must fit whole, even when its program printed up to the cap on both streams:
    # a frame cut by the container's cap would read as the learner stopping the grader.
    frames_room = sum(2 * output_cap * JSON_ESCAPING + step.needs.report_bytes for step in steps) + 64 * 1024
    # The container's pids, memory and open-file limits hold for all its steps: it gets the largest
    # need of any step (each bounded by StepNeeds), and the hardened defaults when no step needs more.
    # The browser stays up from the first step to the last: its memory comes on top of what the
    # other steps' programs may use.
    memory = max([exercise.limits.memory, *(step.needs.memory_mb for step in others)])
    if pages:
        browser = max(step.needs.memory_mb for step in pages)
        memory = memory + browser if others else max(memory, browser)
    warm = warm_modules(steps)
    if warm:
        memory += WARM_MEMORY_MB
    limits = RunLimits(
        wall_s=wall,
        memory_mb=memory,
        cpus=base_limits.cpus,
        pids=max([base_limits.pids, *(step.needs.pids for step in steps)]),
        tmpfs_mb=base_limits.tmpfs_mb,
        tmpfs_inodes=base_limits.tmpfs_inodes,
        nofile=max([base_limits.nofile, *(step.needs.nofile for step in steps)]),
        fsize_mb=base_limits.fsize_mb,
        output_bytes=min(frames_room, MAX_OUTPUT_BYTES),
    )
    prelaunch = BROWSER_HELPER if pages else ()
    nonce = secrets.token_hex(16)
    return GradingPlan(tuple(steps), dict(ctx.submission), nonce, limits, output_cap, prelaunch, warm,
                       step_files, titles)


def warm_modules(steps: list[Step]) -> tuple[str, ...]:
    """The modules the sandbox's warm spawner imports for these steps (none: no spawner)."""
    modules: list[str] = []
    if any(step.action == "pytest" for step in steps):
        modules += WARM_PYTEST
    if any(step.action == "http" and not step.params.get("static") for step in steps):
        modules += WARM_FLASK
    return tuple(modules)
