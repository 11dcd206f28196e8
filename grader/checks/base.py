"""What every check kind shares: the common YAML fields and the two hooks a kind implements.

A kind is a pydantic model (its YAML options) with two methods:

- `steps()` says what the in-sandbox harness must run for it (nothing for kinds judged on the host);
- `judge()` turns what came back (and the learner's files) into a `CheckResult`, on the host, so that
  expected outputs and hidden expectations never enter a container that runs learner code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from grader.paths import RelativePath

if TYPE_CHECKING:
    from grader.browser.probes import PageRequest
    from grader.limits import Limits
    from grader.result import CheckResult, Picture

StepAction = Literal["exec", "script", "pytest", "node-test", "dom", "http", "browser", "calls"]
StepStatus = Literal["ok", "timeout", "memory", "output", "lost", "internal", "not_run"]


MAX_STEP_PIDS = 512
MAX_STEP_MEMORY_MB = 2048
MAX_STEP_NOFILE = 1024
MAX_STEP_REPORT_BYTES = 4 * 1024 * 1024
STEP_REPORT_ROOM = 1024 * 1024
"""Room per step, in the container's output, for what a reporter wrote (test events, a page snapshot)."""


@dataclass(frozen=True)
class StepNeeds:
    """What a step needs of its container beyond the hardened defaults, bounded here. The pids cgroup
    and the memory cap belong to the container, not to a step: the plan gives its one container the
    largest need of its steps (see grader/plan.py), and never more than these bounds.

    pids: processes plus threads at once (the pids cgroup counts threads); 0 keeps the default.
    memory_mb: memory the container must have at least; 0 keeps the exercise's.
    nofile: open files one process may hold; 0 keeps the default.
    report_bytes: room in the container's output for what the step's reporter writes on fd 3.
    """

    pids: int = 0
    memory_mb: int = 0
    nofile: int = 0
    report_bytes: int = STEP_REPORT_ROOM

    def __post_init__(self) -> None:
        if not (0 <= self.pids <= MAX_STEP_PIDS and 0 <= self.memory_mb <= MAX_STEP_MEMORY_MB
                and 0 <= self.nofile <= MAX_STEP_NOFILE and 0 < self.report_bytes <= MAX_STEP_REPORT_BYTES):
            raise ValueError(f"step needs out of bounds: {self}")


@dataclass(frozen=True)
class Step:
    """One thing the harness runs inside the sandbox, in a fresh child process on a pristine /work."""

    id: str
    action: StepAction
    params: Mapping[str, Any]
    timeout_s: float
    needs: StepNeeds = field(default_factory=StepNeeds)
    hidden: bool = False
    """Run with the hidden checks' steps (after every visible one), also when its check is visible: the
    hidden rows of a `calls` table."""


@dataclass(frozen=True)
class StepOutput:
    """What the harness reports for one step. `report` is what the action's own reporter wrote
    (test events, a DOM snapshot, HTTP responses): produced next to learner code, so parsed with care.
    Status `lost`: the learner's program stopped the harness; `internal`: the harness itself failed;
    `not_run`: the step would have run a program that already ran out of time, in the check `after`
    names (the time budget, grader/plan.py `program_of`)."""

    id: str
    status: StepStatus
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    duration_s: float = 0.0
    report: str = ""
    after: str = ""


class ExerciseParts(Protocol):
    """What a check kind reads of the exercise it belongs to (`grader.exercise.Exercise`). A protocol:
    an exercise is made of checks, so the checks' module cannot import the exercise's."""

    @property
    def key(self) -> str: ...

    @property
    def folder(self) -> Path: ...

    @property
    def sha256(self) -> str: ...

    @property
    def files(self) -> tuple[str, ...]: ...

    @property
    def limits(self) -> Limits: ...

    @property
    def checks(self) -> tuple[CheckSpec, ...]: ...

    def support_file_bytes(self, path: str) -> bytes: ...


@dataclass(frozen=True)
class GradingContext:
    """What a kind may look at while planning and judging."""

    exercise: ExerciseParts
    submission: Mapping[str, bytes]
    references: Mapping[str, tuple[Picture, ...]] | None = None
    """The reference solution's pictures by check id, for kinds that compare with them; None when
    there are none (or while they are being made)."""
    seed: int = 0
    """Picks each generated check's cases for this submission (grader/checks/cases.py)."""
    every_entry: bool = False
    """Try every case of every pool, not just the ones the seed picks (`grader validate`, and the
    reference solution's run)."""
    solution: Mapping[str, StepOutput] | None = None
    """What the reference solution's steps gave on the same inputs, by step id: the expected output
    of cases that do not write it out. None when no check needs it."""

    @property
    def folder(self) -> Path:
        return self.exercise.folder


class Hint(BaseModel):
    """A hint in two tiers: `nudge` shown when the check fails, `answer` (how to do it, nearly word for
    word) only after the learner failed it again and again; the site decides when (the learner's
    attempts are its to count), the result carries both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nudge: str = Field(min_length=1, max_length=1000)
    answer: str = Field(min_length=1, max_length=2000)

    def tiers(self) -> tuple[str, str]:
        return self.nudge, self.answer


class CheckSpec(BaseModel):
    """Fields common to every check kind. Subclasses add their own and narrow `kind` to a literal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)
    title: str | None = Field(default=None, max_length=200)
    points: float = Field(default=1, gt=0)
    hidden: bool = False
    hint: str | Hint | None = None
    timeout: float | None = Field(default=None, gt=0, le=300)

    label: ClassVar[str] = "Check"

    @property
    def nudge(self) -> str | None:
        """The first hint (the only one of a hint written as text)."""
        return self.hint.nudge if isinstance(self.hint, Hint) else self.hint

    @property
    def answer(self) -> str | None:
        """The second hint, for a learner stuck on this check; None when there is none."""
        return self.hint.answer if isinstance(self.hint, Hint) else None
    support_place: ClassVar[Literal["checks", "work"]] = "checks"
    """Where the support files go while this check's steps run: "checks" (test files and scripts: a
    folder only the grader uid can read, in the sandbox at /checks/<path>) or "work" (files the
    learner's own page uses, beside the learner's files in /work). Either way only for its own steps."""

    def support_files(self) -> tuple[str, ...]:
        """Paths (relative to the exercise folder) this check reads: they must exist and enter the
        sandbox when the check runs there, for its own steps only. Never expected outputs."""
        return ()

    def expectation_files(self) -> tuple[str, ...]:
        """Paths (relative to the exercise folder) this check reads on the host only: expected outputs,
        inputs passed by value. They must exist; they never enter a container that runs learner code."""
        return ()

    def default_title(self) -> str:
        """The title shown when the YAML gives none."""
        return self.label

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        """Mistakes only visible next to the exercise's `files:`: (location inside this check, message)."""
        return []

    def reference_pictures(self) -> Literal["none", "shown", "judged"]:
        """Whether the reference solution's pictures are shown beside this check's result ("shown"),
        also needed to judge it ("judged"), or not used at all."""
        return "none"

    def page_request(self, learner_files: tuple[str, ...]) -> PageRequest | None:
        """What this check needs the browser to tell about a page it does not act on (computed styles,
        visibility), or None. Every check asking about the same page shares one browser step
        (grader/checks/pagefacts.py)."""
        return None

    def judged_on_host(self) -> bool:
        """Whether this check is judged from the learner's files alone, with no sandbox at all."""
        return False

    def needs_solution(self) -> bool:
        """Whether judging needs the reference solution's outputs on the same inputs (`solution` of
        the context): steps() with `every_entry` are then run on the solution once per version."""
        return False

    def generates(self) -> bool:
        """Whether this check draws random cases (so the result records the seed)."""
        return False

    def steps(self, ctx: GradingContext) -> list[Step]:
        """What the harness must run for this check; empty for kinds judged wholly on the host."""
        return []

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        raise NotImplementedError


class PageCheck(CheckSpec):
    """A check that loads `page` (one of the learner's files, or one of its own `files`) in a browser
    engine; `files` enter the sandbox with it (scripts, pictures, test data)."""

    page: RelativePath = "index.html"
    files: tuple[RelativePath, ...] = ()

    support_place: ClassVar[Literal["checks", "work"]] = "work"

    def support_files(self) -> tuple[str, ...]:
        return self.files

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        if self.page in learner_files or self.page in self.files:
            return []
        message = f"'{self.page}' is neither one of the exercise's files nor in this check's files"
        return [(("page",), message)]

    def page_as_written(self, ctx: GradingContext) -> str | None:
        """The page's HTML as a file, before any script ran (None when there is none)."""
        from grader.markup.document import decode_html  # Beautiful Soup: only page kinds pay for it

        data = ctx.submission.get(self.page)
        if data is None and self.page in self.files:
            data = ctx.exercise.support_file_bytes(self.page)
        return decode_html(data) if data is not None else None
