"""A browser step's report turned into the check's result: a stopped or crashed page in plain words,
otherwise one test per assertion and viewport, and the pictures of the learner's page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from grader.browser import BrowserFailed, judge
from grader.browser.facts import Box, ViewportFacts, read_viewport
from grader.browser.pictures import clean_png, outlined
from grader.checks.common import make_result, scored_by_tests, stopped_result, time_limit
from grader.result import CheckResult, Picture, TestOutcome

if TYPE_CHECKING:
    from grader.browser.expect import Viewport
    from grader.checks.base import CheckSpec, GradingContext, StepOutput
    from grader.checks.browser import BrowserCheck

PHASES = {
    "loading": "loading",
    "using the page": "reacting to the actions",
    "checking": "being checked",
    "taking a picture": "being drawn",
}


def judge_report(check: BrowserCheck, ctx: GradingContext, output: StepOutput, memory_mb: int) -> CheckResult:
    """The check's result from its step's output (`memory_mb`: what the container had)."""
    facts = read_report(check, ctx, output, memory_mb, check.viewports)
    if isinstance(facts, CheckResult):
        return facts
    tests: list[TestOutcome] = []
    culprits: dict[str, list[Box]] = {}
    for viewport in facts:
        found, culprits[viewport.label] = _viewport_tests(check, ctx, viewport)
        tests += found
    return replace(scored_by_tests(check, tests), images=_pictures(facts, culprits))


def read_report(
    check: CheckSpec, ctx: GradingContext, output: StepOutput, memory_mb: int,
    viewports: Sequence[Viewport],
) -> list[ViewportFacts] | CheckResult:
    """What the browser saw at each of `viewports` (those it reached), or the check's result when the
    page stopped it: out of memory, out of time, crashed, gone.

    Raises:
        BrowserFailed: the browser itself could not run (not the learner's doing).
    """
    if output.status == "memory":
        memory = max(ctx.exercise.limits.memory, memory_mb)
        return make_result(check, "memory", 0.0, f"Your page used more than {memory} MiB of memory, so the "
                           "browser was stopped. Look for a loop that keeps adding to a list or to the page.")
    stopped = stopped_result(check, ctx, output)
    if stopped is not None:
        return stopped
    report = _parse(output.report)
    if report is None:
        raise BrowserFailed(f"the browser step wrote no report: {output.stderr[-500:]}")
    raw_viewports = _raw_viewports(report)
    facts = [read_viewport(raw, viewport.width, viewport.height)
             for viewport, raw in zip(viewports, raw_viewports, strict=False)]
    fatal = report.get("fatal")
    if fatal == "browser":
        raise BrowserFailed(f"the browser could not run: {str(report.get('detail', ''))[:1000]}")
    if fatal is not None:
        last = raw_viewports[-1] if raw_viewports else {}
        where = f"at {facts[-1].width} px wide, " if facts else ""
        result = _fatal_result(check, ctx, str(fatal), where, str(last.get("phase", "loading")))
        return replace(result, images=_pictures(facts, {}))
    return facts


def _fatal_result(
    check: CheckSpec, ctx: GradingContext, fatal: str, where: str, phase: str
) -> CheckResult:
    if fatal == "timeout":
        seconds = time_limit(check, ctx)
        doing = PHASES.get(phase, "loading")
        return make_result(check, "timeout", 0.0, _sentence(
            f"{where}your page was still busy {doing} after {seconds:g} seconds, so it was stopped. "
            "Look for a loop in your JavaScript that never ends."))
    if fatal == "crashed":
        return make_result(check, "error", 0.0, _sentence(
            f"{where}the browser tab showing your page crashed. This usually means the page used too much "
            "memory: look for a loop that keeps adding to a list or to the page."))
    return make_result(check, "error", 0.0, _sentence(
        f"{where}the browser could not look at your page (did a script reload it, or go to another "
        "page?), so it could not be checked."))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _viewport_tests(check: BrowserCheck, ctx: GradingContext,
                    facts: ViewportFacts) -> tuple[list[TestOutcome], list[Box]]:
    """The tests at one viewport, and where the elements of the failing ones are on the page."""
    prefix = f"At {facts.width} px wide: " if len(check.viewports) > 1 else ""
    where = judge.where(facts)
    if facts.load_error is not None or not facts.inspected:
        reason = facts.load_error or "it did not finish loading"
        return [TestOutcome(f"{prefix}The page opens", "fail",
                            f"{where}, your page {check.page} could not be opened ({reason}).")], []
    tests = [TestOutcome(f"{prefix}Using the page", "fail", f"{where}: {problem}")
             for problem in facts.action_errors]
    boxes: list[Box] = []
    references = (ctx.references or {}).get(check.step_id, ())
    reference = next((p.png_base64 for p in references if p.viewport == facts.label), None)
    written = check.page_as_written(ctx) if any(a.by_script for a in check.expect) else None
    for assertion in check.expect:
        if assertion.at is not None and assertion.at != facts.width:
            continue
        problem = judge.problem(assertion, facts, reference, written)
        if problem and facts.errors and assertion.form != "console":
            problem += f" Your page's JavaScript had an error, which may be why: {facts.errors[0]}"
        name = prefix + judge.title(assertion)
        tests.append(TestOutcome(name, "fail" if problem else "pass", problem or ""))
        box = judge.culprit(assertion, facts) if problem else None
        if box is not None:
            boxes.append(box)
    return tests, boxes


def _pictures(facts: list[ViewportFacts], culprits: dict[str, list[Box]]) -> tuple[Picture, ...]:
    """Each viewport's picture, with the elements of its failing checks outlined."""
    pictures = []
    for viewport in facts:
        shot = outlined(viewport.screenshot, culprits.get(viewport.label, []), viewport.width)
        clean = clean_png(shot) if viewport.screenshot else None
        if clean is not None:
            pictures.append(Picture(viewport.label, clean))
    return tuple(pictures)


def _parse(report: str) -> dict[str, Any] | None:
    try:
        data = json.loads(report)
    except (json.JSONDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _raw_viewports(report: dict[str, Any]) -> list[dict[str, Any]]:
    raw = report.get("viewports")
    return [item if isinstance(item, dict) else {} for item in raw] if isinstance(raw, list) else []

