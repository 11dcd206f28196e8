"""The `script` check: an instructor's program inspects the learner's work and prints a verdict."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import field_validator

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.common import make_result, scored_by_tests, stopped_result, time_limit
from grader.checks.io import split_command
from grader.feedback import learner_output
from grader.paths import RelativePath, check_relative_path
from grader.result import CheckResult, TestOutcome, TestStatus

CHECKS_FOLDER = "/checks"
INTERPRETERS = frozenset({"python3", "python", "node", "sh", "bash"})
SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".sh")


def script_path(command: str) -> str | None:
    """The instructor script a command runs when it is a file in the exercise folder, else None.

    `python3 tests/check.py --strict` -> `tests/check.py`; `./check.sh` -> `check.sh`.
    """
    words = split_command(command)
    candidate = words[1] if words[0] in INTERPRETERS and len(words) > 1 else words[0]
    if candidate.startswith("-") or candidate.startswith("/"):
        return None
    candidate = candidate.removeprefix("./")
    if "/" in candidate or candidate.endswith(SCRIPT_SUFFIXES):
        return candidate
    return None


class ScriptCheck(CheckSpec):
    """`run:` starts the instructor's program; `files:` lists the other files it needs.

    The program runs as the grader uid and writes its verdict on fd 3 (GRADER_VERDICT_FD); it runs
    the learner's programs through the `learner` module (`learner.run(argv, stdin=..., timeout=...)`),
    which has the harness start them as the learner (grader/harness/script/learner.py)."""

    kind: Literal["script"] = "script"
    run: str
    files: tuple[RelativePath, ...] = ()

    label: ClassVar[str] = "Instructor check"

    @field_validator("run")
    @classmethod
    def _script_inside(cls, run: str) -> str:
        script = script_path(run)
        if script is not None:
            try:
                check_relative_path(script)
            except ValueError as exc:
                raise ValueError(f"the script must be in the exercise folder: {exc}") from None
        return run

    @property
    def argv(self) -> list[str]:
        return split_command(self.run)

    def support_files(self) -> tuple[str, ...]:
        script = script_path(self.run)
        extra = (script,) if script is not None and script not in self.files else ()
        return (*extra, *self.files)

    def steps(self, ctx: GradingContext) -> list[Step]:
        # The script and its files are in /checks (the grader uid's only); it runs in /work, where it
        # finds the learner's files under their own names.
        support = set(self.support_files())
        argv = [f"{CHECKS_FOLDER}/{word.removeprefix('./')}" if word.removeprefix("./") in support else word
                for word in self.argv]
        return [Step(self.id or "script", "script", {"argv": argv}, time_limit(self, ctx))]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        output = outputs[self.id or "script"]
        stopped = stopped_result(self, ctx, output)
        if stopped is not None:
            return stopped
        verdict = _verdict(output.report)
        if verdict is None:
            message = "The check could not reach a verdict (the check script wrote none)."
            return make_result(self, "error", 0.0, message, output=learner_output(output.stderr))
        message = str(verdict.get("message", ""))
        raw_tests = verdict.get("tests")
        if isinstance(raw_tests, list) and raw_tests and "score" not in verdict:
            tests = [
                TestOutcome(str(t.get("name", "test")), _test_status(t.get("status")),
                            str(t.get("message", "")))
                for t in raw_tests if isinstance(t, dict)
            ]
            return scored_by_tests(self, tests, message)
        passed = verdict.get("status") == "pass"
        fraction = verdict.get("score", 1.0 if passed else 0.0)
        usable = (isinstance(fraction, int | float) and not isinstance(fraction, bool)
                  and math.isfinite(fraction))
        fraction = min(max(float(fraction), 0.0), 1.0) if usable else 0.0
        full = passed and fraction >= 1.0
        return make_result(self, "pass" if full else "fail", self.points * fraction, message)


def _test_status(status: object) -> TestStatus:
    if status == "skipped":
        return "skipped"
    return "pass" if status == "pass" else "fail"


def _verdict(report: str) -> dict[str, Any] | None:
    """The verdict JSON object: `{"status": "pass"|"fail", "score": 0..1, "message": "...",
    "tests": [{"name": ..., "status": ..., "message": ...}]}` (score and tests optional)."""
    try:
        verdict = json.loads(report.strip().splitlines()[-1]) if report.strip() else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(verdict, dict) or verdict.get("status") not in ("pass", "fail"):
        return None
    return verdict
