"""The `node` check: the instructor's JavaScript tests, run with `node --test` as the grader uid (with
the Node.js bridge in the image, `require` of a learner's file gives proxies of a learner's server)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.common import learner_files, make_result, scored_by_tests, stopped_result, time_limit
from grader.checks.reports import MalformedReport, Shape, json_lines
from grader.errors import non_empty
from grader.feedback import learner_output, node_crash
from grader.paths import RelativePath
from grader.result import NOT_COUNTED, CheckResult, TestOutcome

EVENTS: dict[str, Shape] = {
    "test": {"event": str, "name": str, "nesting": int, "outcome": frozenset({"passed", "failed", "skipped"}),
             "message": str},
    "plan": {"event": str, "nesting": int, "count": int},
}


class NodeCheck(CheckSpec):
    """`tests:` lists JavaScript test files in the exercise folder."""

    kind: Literal["node"] = "node"
    tests: Annotated[tuple[RelativePath, ...], AfterValidator(non_empty)]

    label: ClassVar[str] = "JavaScript tests"

    def support_files(self) -> tuple[str, ...]:
        return self.tests

    def _step_id(self, index: int) -> str:
        return f"{self.id}:{index}"

    def steps(self, ctx: GradingContext) -> list[Step]:
        limit = time_limit(self, ctx)
        files = list(ctx.exercise.files)
        return [Step(self._step_id(i), "node-test", {"test": t, "learner_files": files}, limit)
                for i, t in enumerate(self.tests)]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        tests: list[TestOutcome] = []
        for index, path in enumerate(self.tests):
            output = outputs[self._step_id(index)]
            stopped = stopped_result(self, ctx, output)
            if stopped is not None:
                return stopped
            try:
                events = json_lines(output.report, EVENTS)
            except MalformedReport as problem:
                message = f"The report of the tests in {path} could not be read ({problem}): no points."
                return make_result(self, "error", 0.0, message)
            plans = [e for e in events if e["event"] == "plan" and e["nesting"] == 0]
            if len(plans) > 1:
                return make_result(self, "error", 0.0, f"The tests in {path} reported two ends: no points.")
            finished = bool(plans)
            if not finished:
                crash = node_crash(output.stderr, learner_files(ctx))
                message = f"The tests in {path} did not finish: did your code call process.exit()?"
                if crash is not None:
                    message = crash.sentence()
                return make_result(self, "error", 0.0, message, output=learner_output(output.stderr))
            tests += _leaves(events)
        return scored_by_tests(self, tests)



def _leaves(events: list[dict[str, Any]]) -> list[TestOutcome]:
    """The tests that hold no other tests: a suite's own event comes right after its inner plan."""
    leaves = []
    previous: dict[str, Any] = {}
    for event in events:
        nesting = event.get("nesting", 0)
        is_suite = previous.get("event") == "plan" and previous.get("nesting") == nesting + 1
        if event.get("event") == "test" and not is_suite:
            name = str(event.get("name", "test"))
            if event.get("outcome") == "passed":
                leaves.append(TestOutcome(name, "pass"))
            elif event.get("outcome") == "skipped":
                leaves.append(TestOutcome(name, "skipped", f"{NOT_COUNTED}."))
            else:
                leaves.append(TestOutcome(name, "fail", str(event.get("message") or "")))
        previous = event
    return leaves
