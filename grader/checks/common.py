"""Helpers every kind's `judge` uses: building a CheckResult, scoring tests, stopped programs."""

from __future__ import annotations

from collections.abc import Sequence

from grader.checks.base import CheckSpec, GradingContext, StepOutput
from grader.feedback import stopped_message
from grader.result import CheckResult, CheckStatus, TestOutcome, cap_text


class MissingSolutionOutput(Exception):
    """The reference solution's output for an input is not there: grading cannot go on (not the
    learner's doing)."""


def time_limit(check: CheckSpec, ctx: GradingContext) -> float:
    """Seconds one run of this check may take: its own `timeout`, else the exercise's time limit."""
    return float(check.timeout or ctx.exercise.limits.time)


def make_result(
    check: CheckSpec,
    status: CheckStatus,
    score: float,
    message: str = "",
    output: str = "",
    tests: Sequence[TestOutcome] = (),
) -> CheckResult:
    return CheckResult(
        id=check.id or check.kind,
        title=check.title or check.label,
        kind=check.kind,
        status=status,
        score=round(float(score), 4),
        max_score=float(check.points),
        message=cap_text(message, 2000),
        hint=check.nudge if status != "pass" else None,
        hint_answer=check.answer if status != "pass" else None,
        output=cap_text(output),
        tests=tuple(TestOutcome(t.name[:200], t.status, cap_text(t.message, 2000), t.hidden) for t in tests),
        hidden=check.hidden,
    )


def scored_by_tests(
    check: CheckSpec, tests: Sequence[TestOutcome], message: str = "", noun: str = "test"
) -> CheckResult:
    """Points split evenly over the tests that count (all but the ones the instructor skipped);
    status pass only when every one of them passed."""
    if not tests:
        return make_result(check, "error", 0.0, message or "No tests ran.")
    counted = [test for test in tests if test.status != "skipped"]
    skipped = len(tests) - len(counted)
    aside = f" ({skipped} not counted)" if skipped else ""
    if not counted:
        return make_result(check, "pass", check.points, message or f"No test counted{aside}.", tests=tests)
    passed = sum(1 for test in counted if test.status == "pass")
    score = check.points * passed / len(counted)
    status: CheckStatus = "pass" if passed == len(counted) else "fail"
    nouns = noun if len(counted) == 1 else noun + "s"
    summary = message or f"{passed} of {len(counted)} {nouns} passed{aside}"
    return make_result(check, status, score, summary, tests=tests)


def stopped_result(check: CheckSpec, ctx: GradingContext, output: StepOutput) -> CheckResult | None:
    """The result of a check whose program did not end normally (timeout, memory, output, lost),
    or None when it ended normally and the kind should judge what it did."""
    limits = ctx.exercise.limits
    message = stopped_message(output, time_limit(check, ctx), limits.memory, limits.output)
    if message is None:
        return None
    status: CheckStatus = {"timeout": "timeout", "not_run": "timeout", "memory": "memory",
                           "output": "output"}.get(output.status, "error")  # type: ignore[assignment]
    return make_result(check, status, 0.0, message)


def learner_files(ctx: GradingContext) -> frozenset[str]:
    return frozenset(ctx.exercise.files)


def first_with_suffix(paths: Sequence[str], suffixes: tuple[str, ...]) -> str | None:
    """The first of `paths` ending in one of `suffixes` (case-insensitive), or None."""
    return next((path for path in paths if path.lower().endswith(suffixes)), None)
