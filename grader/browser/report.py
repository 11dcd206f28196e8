"""A browser step's report read on the host: what the browser saw at each viewport, or the check's
result in plain words when the page stopped it (out of memory or time, crashed, gone); and the pictures
of the learner's page. Shared by the kinds that look at a page in Chromium (browser, css applied)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from grader.browser import BrowserFailed
from grader.browser.facts import Box, ViewportFacts, read_viewport
from grader.browser.pictures import clean_png, outlined
from grader.checks.common import make_result, stopped_result, time_limit
from grader.result import CheckResult, Picture

if TYPE_CHECKING:
    from grader.browser.expect import Viewport
    from grader.checks.base import CheckSpec, GradingContext, StepOutput

PHASES = {
    "loading": "loading",
    "using the page": "reacting to the actions",
    "checking": "being checked",
    "taking a picture": "being drawn",
}


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
        return replace(result, images=pictures(facts, {}))
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


def pictures(facts: list[ViewportFacts], culprits: dict[str, list[Box]]) -> tuple[Picture, ...]:
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

