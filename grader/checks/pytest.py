"""The `pytest` check: the instructor's pytest files run against the learner's code.

The tests run as the grader uid and reach the learner's code only through proxies (the learner's
modules run in a server of their own, as the learner uid: grader/harness/grader_bridge/). The host
still accepts only what it can check: one collection, one end, test ids that name tests of the
check's own files, each reported at most once.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.common import learner_files, make_result, scored_by_tests, stopped_result, time_limit
from grader.checks.reports import MalformedReport, Shape, json_lines, list_of
from grader.errors import non_empty
from grader.feedback import python_crash
from grader.paths import RelativePath
from grader.result import NOT_COUNTED, CheckResult, TestOutcome

OUTCOMES = frozenset({"passed", "failed", "skipped", "error"})
EVENTS: dict[str, Shape] = {
    "collected": {"event": str, "tests": list},
    "collect-error": {"event": str, "path": str, "message": str, "learner": (dict, None)},
    "test": {"event": str, "nodeid": str, "outcome": OUTCOMES, "message": str, "where": (dict, None)},
    "finished": {"event": str},
}
LEARNER_HOW = frozenset({"exit", "ended", "crash", "unreadable"})
ENDED_AT_START = "Your code ended the program before the tests could run (did it call exit()?)."
PARAMETERS = re.compile(r"\[.*\]$")


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
        stopped = stopped_result(self, ctx, output)
        if stopped is not None:
            return stopped
        try:
            return self._judge_events(ctx, output)
        except MalformedReport as problem:
            message = f"The tests' report could not be read ({problem}): no points."
            return make_result(self, "error", 0.0, message)

    def _judge_events(self, ctx: GradingContext, output: StepOutput) -> CheckResult:
        events = json_lines(output.report, EVENTS)
        collections = [e for e in events if e["event"] == "collected"]
        ends = [e for e in events if e["event"] == "finished"]
        if len(collections) > 1 or len(ends) > 1:
            raise MalformedReport("more than one collection or end")
        errors = [e for e in events if e["event"] == "collect-error"]
        if errors or not collections:
            return make_result(self, "error", 0.0, self._start_failure(ctx, errors, output))
        if not ends:  # the test process (ours) stopped before its end: nothing it said is complete
            raise MalformedReport("the tests did not finish")
        collected = collections[0]["tests"]
        if not list_of(collected, str) or len(set(collected)) != len(collected):
            raise MalformedReport("the collected tests are not a list of distinct ids")
        known = self._test_names(ctx)
        for nodeid in collected:
            if not _names_a_test(nodeid, known):
                raise MalformedReport(f"{nodeid[:100]!r} is not a test of this check's files")
        reported: dict[str, dict[str, Any]] = {}
        for event in (e for e in events if e["event"] == "test"):
            if event["nodeid"] not in collected or event["nodeid"] in reported:
                raise MalformedReport("a test reported that was not collected, or reported twice")
            reported[event["nodeid"]] = event
        tests = [_outcome(nodeid, reported.get(nodeid)) for nodeid in collected]
        return scored_by_tests(self, tests)

    def _test_names(self, ctx: GradingContext) -> dict[str, frozenset[str]]:
        """Per test file: every name a function or class is defined under, read on the host."""
        names: dict[str, frozenset[str]] = {}
        for path in self.tests:
            try:
                tree = ast.parse(ctx.exercise.support_file_bytes(path))
            except (SyntaxError, ValueError):
                names[path] = frozenset()
                continue
            names[path] = frozenset(
                node.name for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            )
        return names

    def _start_failure(self, ctx: GradingContext, errors: list[dict[str, Any]], output: StepOutput) -> str:
        """Why no test could run, in words: the learner's module could not be imported, or (when
        nothing says so) what the test process printed."""
        for error in errors:
            learner = error["learner"]
            if learner is None:
                continue
            if learner.get("how") not in LEARNER_HOW or not isinstance(learner.get("traceback"), str):
                raise MalformedReport("a collection error with an unknown cause")
            if learner["how"] == "crash":
                crash = python_crash(learner["traceback"], learner_files(ctx))
                if crash is not None and crash.error != "SystemExit":
                    return crash.sentence()
            if learner["how"] == "unreadable":
                return "Your code answered something the tests could not read, so they could not run."
            return ENDED_AT_START
        text = "\n".join(error["message"] for error in errors) or output.stderr or output.stdout
        crash = python_crash(text, learner_files(ctx))
        if crash is not None and crash.error != "SystemExit":
            return crash.sentence()
        if "SystemExit" in text or not text.strip():
            return ENDED_AT_START
        return "The tests could not start: " + text.strip().splitlines()[-1]


def _names_a_test(nodeid: str, known: Mapping[str, frozenset[str]]) -> bool:
    path, _, rest = nodeid.partition("::")
    if path not in known or not rest:
        return False
    return all(PARAMETERS.sub("", part) in known[path] for part in rest.split("::"))


def _test_name(nodeid: str) -> str:
    name = nodeid.split("::", 1)[-1].replace("::", " ")
    return re.sub(r"^test_?", "", name).replace("_", " ").strip() or name


def _outcome(nodeid: str, event: Mapping[str, Any] | None) -> TestOutcome:
    name = _test_name(nodeid)
    if event is None:
        return TestOutcome(name, "fail", "This test did not run.")
    if event["outcome"] == "passed":
        return TestOutcome(name, "pass")
    message = event["message"]
    if event["outcome"] == "skipped":
        return TestOutcome(name, "skipped", f"{NOT_COUNTED} ({message})." if message else f"{NOT_COUNTED}.")
    where = event["where"]
    if where is not None and isinstance(where.get("file"), str) and isinstance(where.get("line"), int):
        message += f"\n(in {where['file']}, line {where['line']})"
    return TestOutcome(name, "error" if event["outcome"] == "error" else "fail", message.strip())
