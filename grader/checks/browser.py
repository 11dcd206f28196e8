"""The `browser` check: the learner's page in headless Chromium, at one or more window sizes, used like
a user would, and judged on what the browser shows: computed styles, boxes, visibility, layout order,
overlap, text, console errors, and a picture compared with the model solution's.

```yaml
- kind: browser
  page: index.html                 # default
  viewports: [{width: 375, height: 800}, {width: 1200}]   # default: one 1200 x 800 window
  actions: [{click: "#menu-button"}, {wait_for: ".menu.open"}]   # the dom check's verbs + wait_for
  expect:                          # each one at every viewport, or only at the one `at:` names
    - {selector: h1, style: {color: red}}
    - {selector: .menu, visible: true, at: 375}
    - {looks_like: reference, tolerance: 0.05}
```

The browser runs in the sandbox and reports facts about the selectors the check names (never the
expected values); the host compares (grader/browser/judge.py). Assertion shapes: grader/browser/expect.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, ClassVar, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from grader.browser import judge
from grader.browser.expect import BrowserAssertion, Viewport
from grader.browser.facts import Box, ViewportFacts
from grader.browser.report import pictures, read_report
from grader.checks.base import GradingContext, PageCheck, Step, StepNeeds, StepOutput
from grader.checks.common import make_result, scored_by_tests, time_limit
from grader.checks.dom import DomAction
from grader.errors import non_empty
from grader.result import CheckResult, TestOutcome

BROWSER_PIDS = 256
"""Processes plus threads a browser check's container may hold (the pids cgroup counts threads).
Chromium with one page peaked at 80 here, over its browser, renderer and utility processes, and
stalls at the default 64. 256 leaves room for a page's web workers and still stops any bomb."""
BROWSER_MEMORY_MB = 512
"""Memory of a browser check's container at least: Chromium with one page peaked at 161 MiB here; the
page's own JavaScript heap is capped at 192 MiB (chromium.py), and the container's cap stops the rest."""
BROWSER_NOFILE = 1024
"""Open files per process: Chromium's browser process held 139 here, above half the default 256."""
REPORT_BYTES = 2 * 1024 * 1024
"""Room for one browser report: the DOM (at most 512 KiB) and a capped picture per viewport."""
SCREENSHOT = {"max_width": 1200, "max_height": 2400, "max_bytes": 400 * 1024}
"""Pictures as taken in the container (a 1200 px window at full size, readable when opened); the host
outlines the elements of failing checks and re-encodes them to 200 KB at most (browser/pictures.py)."""
MARGIN_S = 0.5
"""The browser stops itself this long before the step's time is up, to report where the page hung."""


class BrowserAction(DomAction):
    """A dom action, or `{wait_for: ".result"}`: wait (up to 5 seconds) until an element matches."""

    wait_for: str | None = Field(default=None, min_length=1, max_length=500)

    verbs: ClassVar[tuple[str, ...]] = (*DomAction.verbs, "wait_for")


class BrowserCheck(PageCheck):
    """`page` is loaded at each viewport, `actions` run in order, then every `expect` must hold."""

    kind: Literal["browser"] = "browser"
    viewports: tuple[Viewport, ...] = Field(default=(Viewport(width=1200, height=800),), min_length=1,
                                            max_length=4)
    actions: tuple[BrowserAction, ...] = ()
    expect: Annotated[tuple[BrowserAssertion, ...], AfterValidator(non_empty)]
    screenshot: bool = True

    label: ClassVar[str] = "Page in the browser"

    @model_validator(mode="after")
    def _viewports_named(self) -> Self:
        widths = [viewport.width for viewport in self.viewports]
        if len(set(widths)) != len(widths):
            raise ValueError("two viewports have the same width: `at:` could not tell them apart")
        for assertion in self.expect:
            if assertion.at is not None and assertion.at not in widths:
                known = ", ".join(str(width) for width in widths)
                raise ValueError(f"`at: {assertion.at}` names no viewport of this check (widths: {known})")
        if any(a.form == "looks" for a in self.expect) and not self.screenshot:
            raise ValueError("`looks_like` compares pictures: remove `screenshot: false`")
        return self

    def reference_pictures(self) -> Literal["none", "shown", "judged"]:
        if any(assertion.form == "looks" for assertion in self.expect):
            return "judged"
        return "shown" if self.screenshot else "none"

    @property
    def step_id(self) -> str:
        return self.id or "browser"

    def probes(self) -> list[dict[str, object]]:
        """Every selector the assertions name, with the properties whose computed values they need."""
        properties: dict[str, list[str]] = {}
        for assertion in self.expect:
            for selector in assertion.selectors():
                wanted = properties.setdefault(selector, [])
                styled = (assertion.style or {}) if selector == assertion.selector else {}
                for name in styled:
                    if name not in wanted:
                        wanted.append(name)
        return [{"selector": selector, "properties": names} for selector, names in properties.items()]

    def steps(self, ctx: GradingContext) -> list[Step]:
        timeout = time_limit(self, ctx)
        params = {
            "page": self.page,
            "viewports": [{"width": v.width, "height": v.height} for v in self.viewports],
            "actions": [action.model_dump(exclude_none=True) for action in self.actions],
            "probes": self.probes(),
            "screenshot": SCREENSHOT if self.screenshot else None,
            "budget_s": max(timeout - MARGIN_S, 0.5),
        }
        needs = StepNeeds(pids=BROWSER_PIDS, memory_mb=BROWSER_MEMORY_MB, nofile=BROWSER_NOFILE,
                          report_bytes=REPORT_BYTES)
        return [Step(self.step_id, "browser", params, timeout, needs)]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        if self.page not in ctx.submission and self.page not in self.files:
            return make_result(self, "fail", 0.0, f"You haven't created {self.page} yet.")
        return judge_report(self, ctx, outputs[self.step_id], BROWSER_MEMORY_MB)


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
    return replace(scored_by_tests(check, tests), images=pictures(facts, culprits))


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
