"""The `pytest` check: the instructor's pytest files run against the learner's code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.common import (
    json_lines,
    learner_files,
    make_result,
    scored_by_tests,
    stopped_result,
    time_limit,
)
from grader.errors import non_empty
from grader.feedback import python_crash
from grader.paths import RelativePath
from grader.result import CheckResult, TestOutcome


class PytestCheck(CheckSpec):
    """`tests:` lists test files in the exercise folder; `points` are split evenly over their tests.
    `support:` lists files the tests may import or read (helpers, data), shipped beside them."""

    kind: Literal["pytest"] = "pytest"
    tests: Annotated[tuple[RelativePath, ...], AfterValidator(non_empty)]
    support: tuple[RelativePath, ...] = ()

    label: ClassVar[str] = "Unit tests"

    def support_files(self) -> tuple[str, ...]:
        return (*self.tests, *self.support)

    def steps(self, ctx: GradingContext) -> list[Step]:
        params = {"tests": list(self.tests), "learner_files": list(ctx.exercise.files)}
        return [Step(self.id or "pytest", "pytest", params, time_limit(self, ctx))]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        output = outputs[self.id or "pytest"]
        events = json_lines(output.report)
        stopped = stopped_result(self, ctx, output)
        if stopped is not None:
            return stopped
        errors = [e for e in events if e.get("event") == "collect-error"]
        collected = next((e.get("tests", []) for e in events if e.get("event") == "collected"), None)
        if errors or collected is None:
            text = "\n".join(str(e.get("message", "")) for e in errors) or output.stderr or output.stdout
            crash = python_crash(text, learner_files(ctx))
            if crash is not None and crash.error != "SystemExit":
                message = crash.sentence()
            elif "SystemExit" in text or not text.strip():
                message = "Your code ended the program before the tests could run (did it call exit()?)."
            else:
                message = "The tests could not start: " + text.strip().splitlines()[-1]
            return make_result(self, "error", 0.0, message)
        finished = next((e for e in events if e.get("event") == "finished"), None)
        tampered = finished.get("tampered", []) if finished else []
        if tampered:
            changed = ", ".join(str(t) for t in tampered[:5])
            message = f"Your code changed how the tests work ({changed}). That is not allowed: no points."
            return make_result(self, "fail", 0.0, message)
        reported = {str(e.get("nodeid")): e for e in events if e.get("event") == "test"}
        done = finished is not None
        tests = [_outcome(str(nodeid), reported.get(str(nodeid)), done) for nodeid in collected]
        return scored_by_tests(self, tests)



def _test_name(nodeid: str) -> str:
    name = nodeid.split("::", 1)[-1].replace("::", " ")
    return re.sub(r"^test_?", "", name).replace("_", " ").strip() or name


def _outcome(nodeid: str, event: Mapping[str, Any] | None, finished: bool) -> TestOutcome:
    name = _test_name(nodeid)
    if event is None:
        why = "it was skipped" if finished else "the tests ended early (did your code call exit()?)"
        return TestOutcome(name, "fail", f"This test did not run: {why}.")
    if event.get("outcome") == "passed":
        return TestOutcome(name, "pass")
    message = str(event.get("message") or "")
    where = event.get("where")
    if isinstance(where, dict) and where.get("file"):
        message += f"\n(in {where['file']}, line {where.get('line')})"
    return TestOutcome(name, "error" if event.get("outcome") == "error" else "fail", message.strip())
