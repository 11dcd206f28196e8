"""The `dom` check: load a page with its scripts in the browser, act on it as a script would, assert on
the resulting DOM.

The page runs in the submission's headless Chromium, like the `browser` check's (grader/harness/
browser_runner.py); the DOM is read by our driver over the browser's debugging pipe, never by anything
the page's scripts can reach, and judged here on the host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from grader.browser import BrowserFailed
from grader.checks.base import GradingContext, PageCheck, Step, StepNeeds, StepOutput
from grader.checks.common import make_result, scored_by_tests, stopped_result, time_limit
from grader.checks.reports import MalformedReport, json_object, list_of
from grader.errors import non_empty
from grader.markup.assertions import HtmlAssertion
from grader.markup.evaluate import evaluate_assertions, written_in_page
from grader.result import CheckResult, TestOutcome

Selector = str
VERBS = ("click", "fill", "select", "check", "submit", "press", "wait")
_NEEDS = {"fill": "value", "select": "value", "press": "key"}
PAGE_NEEDS = StepNeeds(pids=256, memory_mb=512, nofile=1024, report_bytes=1024 * 1024)
"""What the browser needs of its container (grader/checks/browser.py says why), and room for the DOM."""
MARGIN_S = 0.5
"""The browser stops itself this long before the step's time is up, to report where the page hung."""
REPORT_SHAPE = {"html": (str, None), "errors": (list, None), "action_errors": (list, None),
                "fatal": (str, None), "detail": (str, None), "phase": (str, None)}


class DomAction(BaseModel):
    """One user action, written with exactly one verb: `{click: "#go"}`, `{fill: "#name", value: "Ada"}`,
    `{select: "#size", value: "L"}`, `{check: "#agree"}`, `{submit: "form"}`, `{press: "#q", key: "Enter"}`
    or `{wait: 200}` (milliseconds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    click: Selector | None = Field(default=None, min_length=1)
    fill: Selector | None = Field(default=None, min_length=1)
    select: Selector | None = Field(default=None, min_length=1)
    check: Selector | None = Field(default=None, min_length=1)
    submit: Selector | None = Field(default=None, min_length=1)
    press: Selector | None = Field(default=None, min_length=1)
    wait: int | None = Field(default=None, ge=0, le=5000)
    value: str | None = None
    key: str | None = Field(default=None, min_length=1)

    verbs: ClassVar[tuple[str, ...]] = VERBS

    @model_validator(mode="after")
    def _one_verb(self) -> Self:
        verbs = [verb for verb in self.verbs if getattr(self, verb) is not None]
        if len(verbs) != 1:
            found = " and ".join(verbs) if verbs else "none"
            raise ValueError(f"an action needs exactly one of {', '.join(self.verbs)} (found {found})")
        needed = _NEEDS.get(verbs[0])
        for extra in ("value", "key"):
            given = getattr(self, extra) is not None
            if extra == needed and not given:
                raise ValueError(f"'{verbs[0]}' needs a '{extra}'")
            if extra != needed and given:
                raise ValueError(f"'{extra}' does not go with '{verbs[0]}'")
        return self

    @property
    def verb(self) -> str:
        return next(verb for verb in self.verbs if getattr(self, verb) is not None)

    @property
    def selector(self) -> str | None:
        """The element acted on (None for `wait`)."""
        target = getattr(self, self.verb)
        return target if isinstance(target, str) else None


class DomCheck(PageCheck):
    """`page` is loaded, `actions` run in order, then every `expect` assertion must hold."""

    kind: Literal["dom"] = "dom"
    actions: tuple[DomAction, ...] = ()
    expect: Annotated[tuple[HtmlAssertion, ...], AfterValidator(non_empty)]
    console_errors: Literal["fail", "ignore"] = "fail"

    label: ClassVar[str] = "Page behaviour"

    @model_validator(mode="after")
    def _no_layout(self) -> Self:
        if any(assertion.visible is not None for assertion in self.expect):
            raise ValueError("`visible` needs a browser with layout: use a `browser` check (jsdom has none)")
        return self

    def steps(self, ctx: GradingContext) -> list[Step]:
        timeout = time_limit(self, ctx)
        actions = [action.model_dump(exclude_none=True) for action in self.actions]
        params = {"page": self.page, "actions": actions, "budget_s": max(timeout - MARGIN_S, 0.5)}
        return [Step(self.id or "dom", "dom", params, timeout, PAGE_NEEDS)]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        output = outputs[self.id or "dom"]
        stopped = stopped_result(self, ctx, output)
        if stopped is not None:
            return stopped
        if self.page not in ctx.submission and self.page not in self.files:
            return make_result(self, "fail", 0.0, f"You haven't created {self.page} yet.")
        try:
            report = json_object(output.report, REPORT_SHAPE)
            if not (list_of(report.get("errors", []), str) and list_of(report.get("action_errors", []), str)):
                raise MalformedReport("errors that are not text")
        except MalformedReport:
            report = {"fatal": "page", "detail": output.stderr[-500:] or "it did not report"}
        fatal = report.get("fatal")
        if fatal is not None:
            return self._stopped(ctx, str(fatal), str(report.get("detail", "")))
        if not isinstance(report.get("html"), str):
            return make_result(self, "error", 0.0, "Your page could not be loaded.")
        tests: list[TestOutcome] = []
        for problem in report.get("action_errors", []):
            tests.append(TestOutcome("Using the page", "fail", str(problem)))
        written = self.page_as_written(ctx)
        for assertion, outcome in zip(self.expect, evaluate_assertions(str(report["html"]), self.expect),
                                      strict=True):
            typed_in = written_in_page(assertion, written) if outcome.status == "pass" else None
            tests.append(TestOutcome(outcome.name, "fail", typed_in) if typed_in else outcome)
        errors = [str(e) for e in report.get("errors", [])]
        if self.console_errors == "fail" and errors:  # a clean page earns nothing extra for it
            message = "Your page's JavaScript had an error: " + errors[0]
            tests.append(TestOutcome("No JavaScript errors", "fail", message))
        return scored_by_tests(self, tests)

    def _stopped(self, ctx: GradingContext, fatal: str, detail: str) -> CheckResult:
        """The page could not be used to the end: in a loop, crashed, gone, or the browser failed."""
        if fatal == "timeout":
            return stopped_result(self, ctx, StepOutput(id=self.id or "dom", status="timeout"))  # type: ignore[return-value]
        if fatal == "crashed":
            return make_result(self, "error", 0.0, "The browser tab showing your page crashed. This usually "
                               "means the page used too much memory: look for a loop that keeps adding to "
                               "a list or to the page.")
        if fatal == "browser":
            raise BrowserFailed(f"the browser could not run: {detail[:1000]}")
        return make_result(self, "error", 0.0, f"Your page could not be loaded: {detail[:300]}")
