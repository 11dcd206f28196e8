"""One browser step per page for the checks that judge a page as the browser shows it without acting
on it: css rules as the browser applies them, html assertions with `visible:`.

Every such check of a page names its page, widths and probes (`CheckSpec.page_request`); the first of
them in the exercise emits one `browser` step for all of them (the page loaded once per width, every
probe read there) and each judges its own part of the report on the host. The step holds selectors and
property names, never an expected value.
"""

from __future__ import annotations

from collections.abc import Mapping

from grader.browser.expect import Viewport
from grader.browser.facts import ViewportFacts
from grader.browser.probes import PageRequest, merge_probes
from grader.browser.report import read_report
from grader.checks.base import CheckSpec, GradingContext, Step, StepNeeds, StepOutput
from grader.checks.browser import BROWSER_MEMORY_MB, BROWSER_NOFILE, BROWSER_PIDS, MARGIN_S, REPORT_BYTES
from grader.checks.common import make_result, time_limit
from grader.result import CheckResult

STEP_PREFIX = "page:"
"""Step ids are "page:<page>": a check id cannot hold a ':', so none collides with a check's step."""
WINDOW_HEIGHT = 800


def _group(check: CheckSpec, ctx: GradingContext) -> tuple[list[CheckSpec], PageRequest] | None:
    """The checks sharing `check`'s step (in exercise order) and everything they ask, merged."""
    learner = tuple(ctx.exercise.files)
    mine = check.page_request(learner)
    if mine is None:
        return None
    members: list[CheckSpec] = []
    requests: list[PageRequest] = []
    for other in ctx.exercise.checks:
        request = other.page_request(learner)
        if request is not None and request.group == mine.group:
            members.append(other)
            requests.append(request)
    widths = tuple(sorted({width for request in requests for width in request.widths}))
    probes = merge_probes(probe for request in requests for probe in request.probes)
    return members, PageRequest(mine.page, mine.files, widths, probes)


def step_id(request: PageRequest) -> str:
    files = f"+{len(request.files)}" if request.files else ""
    return f"{STEP_PREFIX}{request.page}{files}"


def page_steps(check: CheckSpec, ctx: GradingContext) -> list[Step]:
    """The shared step, when `check` is the first of its group; nothing otherwise."""
    found = _group(check, ctx)
    if found is None:
        return []
    members, request = found
    if members[0].id != check.id:
        return []
    timeout = max(time_limit(member, ctx) for member in members)
    params = {
        "page": request.page,
        "viewports": [{"width": width, "height": WINDOW_HEIGHT} for width in request.widths],
        "actions": [],
        "probes": [probe.as_params() for probe in request.probes],
        "screenshot": None,
        "budget_s": max(timeout - MARGIN_S, 0.5),
    }
    needs = StepNeeds(pids=BROWSER_PIDS, memory_mb=BROWSER_MEMORY_MB, nofile=BROWSER_NOFILE,
                      report_bytes=REPORT_BYTES)
    return [Step(step_id(request), "browser", params, timeout, needs)]


def page_facts(
    check: CheckSpec, ctx: GradingContext, outputs: Mapping[str, StepOutput]
) -> dict[int, ViewportFacts] | CheckResult:
    """What the browser saw at each width `check` asked for, or the check's result when the page
    could not be looked at (it hung, crashed, used too much memory, or could not be opened)."""
    found = _group(check, ctx)
    assert found is not None, "only checks with a page request read page facts"
    _, request = found
    output = outputs.get(step_id(request))
    if output is None:
        return make_result(check, "error", 0.0, "The browser did not look at your page.")
    viewports = [Viewport(width=width, height=WINDOW_HEIGHT) for width in request.widths]
    facts = read_report(check, ctx, output, BROWSER_MEMORY_MB, viewports)
    if isinstance(facts, CheckResult):
        return facts
    for viewport in facts:
        if viewport.load_error is not None or not viewport.inspected:
            reason = viewport.load_error or "it did not finish loading"
            return make_result(check, "fail", 0.0,
                               f"Your page {request.page} could not be opened in the browser ({reason}).")
    return {viewport.width: viewport for viewport in facts}
