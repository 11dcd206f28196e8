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
    "test": {"event": str, "name": str, "nesting": int, "scope": frozenset({"test", "suite", "file"}),
             "outcome": frozenset({"passed", "failed", "skipped"}), "message": str,
             # failures only: node:test's failureType, the error's name, whose doing it was and why
             "failure": (str, None), "error": (str, None), "origin": (str, None), "why": (str, None),
             "stack": (str, None)},
    "plan": {"event": str, "nesting": int, "count": int},
    "load-error": {"event": str, "origin": frozenset({"learner", "tests"}), "why": str, "error": str,
                   "message": str, "stack": str},
}
"""Every event node_reporter.mjs (and node_bridge.js, for a test file that could not load) writes."""

TESTS_MISTAKE = "This is a mistake in the tests, not in your code: please tell your instructor."
OUTSIDE_WHAT = {
    "hookFailed": "a before or after hook failed",
    "testCodeFailure": "the code of a describe block failed",
    "uncaughtException": "an error was thrown after a test had ended",
    "unhandledRejection": "a promise failed after a test had ended",
}
"""What failed outside any test, by node:test's failureType."""
NOT_OUTSIDE = ("subtestsFailed", "cancelledByParent")
"""Failures of a suite that only repeat the failure of a test inside it."""


class NodeCheck(CheckSpec):
    """`tests:` lists JavaScript test files in the exercise folder; `support:` lists files the tests
    may require or read (helpers, data), shipped beside them and never run as tests."""

    kind: Literal["node"] = "node"
    tests: Annotated[tuple[RelativePath, ...], AfterValidator(non_empty)]
    support: tuple[RelativePath, ...] = ()

    label: ClassVar[str] = "JavaScript tests"

    def support_files(self) -> tuple[str, ...]:
        return (*self.tests, *self.support)

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        return [
            (("support", index), f"'{path}' is also in tests: a support file is never run as a test")
            for index, path in enumerate(self.support)
            if path in self.tests
        ]

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
                return self._did_not_finish(ctx, path, events, output)
            leaves = _leaves(events)
            outside = self._outside(ctx, path, events, leaves, output)
            if outside is not None:
                return outside
            tests += leaves
        return scored_by_tests(self, tests)

    def _did_not_finish(
        self, ctx: GradingContext, path: str, events: list[dict[str, Any]], output: StepOutput
    ) -> CheckResult:
        """The test file never got to the end: it could not load, or the program ended early."""
        loaded = next((e for e in events if e.get("event") == "load-error"), None)
        mine = learner_files(ctx)
        if loaded is not None:
            error = str(loaded.get("error", "Error"))
            detail = (str(loaded.get("message") or "").strip().splitlines() or [""])[0]
            if loaded.get("origin") == "learner":
                return self._learners(loaded, ctx, output)
            return self._tests_mistake(f"The test file {path} could not run: {error}: {detail}")
        crash = node_crash(output.stderr, mine)
        if crash is not None and crash.file is None:  # no frame in the learner's files: the tests' own
            return self._tests_mistake(f"The test file {path} could not run: {crash.error}: {crash.detail}")
        message = f"The tests in {path} did not finish: did your code call process.exit()?"
        if crash is not None:
            message = crash.sentence()
        return make_result(self, "error", 0.0, message, output=learner_output(output.stderr))

    def _outside(
        self,
        ctx: GradingContext,
        path: str,
        events: list[dict[str, Any]],
        leaves: list[TestOutcome],
        output: StepOutput,
    ) -> CheckResult | None:
        """A failure outside any test (a hook, a describe body), or None when there was none."""
        failed = [
            e for e in events
            if e.get("event") == "test" and e.get("outcome") == "failed"
            and e.get("scope") in ("suite", "file") and e.get("failure") not in NOT_OUTSIDE
        ]
        if not failed:
            if output.exit_code not in (0, None) and all(test.status == "pass" for test in leaves):
                return self._tests_mistake(f"The tests in {path} ended with an error outside any test.")
            return None
        event = failed[0]
        origin = event.get("origin") or ""
        if not origin:  # no grading boundary to say: the learner's when the error came from their files
            crash = node_crash(str(event.get("stack") or ""), learner_files(ctx))
            origin = "learner" if crash is not None and crash.file is not None else "tests"
        if origin == "learner":
            return self._learners(event, ctx, output)
        what = OUTSIDE_WHAT.get(str(event.get("failure")), "something failed")
        detail = str(event.get("message") or "").strip()
        return self._tests_mistake(f"The tests in {path} went wrong outside any test ({what}: {detail}).")

    def _learners(self, event: Mapping[str, Any], ctx: GradingContext, output: StepOutput) -> CheckResult:
        """An error of the learner's code outside any test: at load time, or in a describe body."""
        detail = str(event.get("message") or "").strip()
        message = detail
        if event.get("why") in ("", "threw", None):
            text = f"{event.get('error', 'Error')}: {detail}\n{event.get('stack', '')}"
            crash = node_crash(text, learner_files(ctx))
            message = crash.sentence() if crash is not None else f"Your code stopped with an error: {detail}"
        return make_result(self, "error", 0.0, message, output=learner_output(output.stderr))

    def _tests_mistake(self, sentence: str) -> CheckResult:
        end = "" if sentence.endswith((".", "?", "!")) else "."
        return make_result(self, "fail", 0.0, f"{sentence}{end} {TESTS_MISTAKE}")


def _leaves(events: list[dict[str, Any]]) -> list[TestOutcome]:
    """The tests that hold no other tests: suites and the file itself say so in `scope`; a test with
    subtests is reported right after its subtests' plan."""
    leaves = []
    previous: dict[str, Any] = {}
    for event in events:
        nesting = event.get("nesting", 0)
        has_inner = previous.get("event") == "plan" and previous.get("nesting") == nesting + 1
        previous = event
        if event.get("event") != "test" or event.get("scope", "test") != "test" or has_inner:
            continue
        name = str(event.get("name", "test"))
        if event.get("outcome") == "passed":
            leaves.append(TestOutcome(name, "pass"))
        elif event.get("outcome") == "skipped":
            leaves.append(TestOutcome(name, "skipped", f"{NOT_COUNTED}."))
        else:
            leaves.append(TestOutcome(name, "fail", str(event.get("message") or "")))
    return leaves
