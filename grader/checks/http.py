"""The `http` check: start the learner's Flask app (or serve their files), send requests, assert."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    field_validator,
    model_validator,
)

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.cases import Case, Entry, Generate, check_entries, fill, fill_data, placeholders
from grader.checks.common import (
    MissingSolutionOutput,
    learner_files,
    make_result,
    scored_by_tests,
    stopped_result,
    time_limit,
)
from grader.checks.html import HtmlAssertion
from grader.checks.http_requests import HttpRequest
from grader.checks.httpjudge import judge_response
from grader.checks.reports import MalformedReport, json_object
from grader.errors import non_empty
from grader.feedback import learner_output, python_crash
from grader.paths import LearnerPath
from grader.result import CheckResult, TestOutcome

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]


class HttpCheck(CheckSpec):
    """`app:` a Flask app among the exercise's files (`python3 -m flask --app <app> run`), or `static:
    true` to serve the learner's files; then `requests` in order, sharing cookies."""

    kind: Literal["http"] = "http"
    app: LearnerPath | None = None
    static: bool = False
    port: int = Field(default=5000, ge=1024, le=65535)
    start_timeout: float = Field(default=5, gt=0, le=60)
    requests: Annotated[tuple[HttpRequest, ...], AfterValidator(non_empty)]
    cases: tuple[Case, ...] = ()
    generate: Generate | None = None

    label: ClassVar[str] = "Web requests"

    @model_validator(mode="after")
    def _values_for_placeholders(self) -> Self:
        known = set(self.generate.values) if self.generate else set()
        wanted = set().union(*(placeholders(repr(request.model_dump())) for request in self.requests))
        if not self.cases and self.generate is None:
            return self
        for index, case in enumerate(self.cases):
            missing = wanted - set(case) - known
            if missing:
                raise ValueError(f"cases.{index} gives no value for {{{sorted(missing)[0]}}}")
        if self.generate is not None and not self.cases and wanted - known:
            raise ValueError(f"generate.values has no {{{sorted(wanted - known)[0]}}}")
        return self

    def needs_solution(self) -> bool:
        return any(request.expect.like_solution for request in self.requests)

    def generates(self) -> bool:
        return self.generate is not None

    def entries(self, ctx: GradingContext, every: bool = False) -> list[Entry]:
        """The cases this submission is tried on (one unnamed entry for a check without cases)."""
        if not self.cases and self.generate is None:
            return [Entry("", {})]
        return check_entries(self.cases, self.generate, f"{ctx.exercise.sha256}:{self.id}", ctx.seed,
                             self.id or "http", every or ctx.every_entry)

    def sent(self, ctx: GradingContext, every: bool = False) -> list[tuple[Entry, int, HttpRequest]]:
        """Every request sent, in order: each case's requests with its values filled in."""
        return [(entry, index, filled_request(request, entry.values))
                for entry in self.entries(ctx, every) for index, request in enumerate(self.requests)]

    @field_validator("app")
    @classmethod
    def _python_file(cls, app: str | None) -> str | None:
        if app is not None and not app.endswith(".py"):
            raise ValueError(f"expected a Python file, got {app!r}")
        return app

    @model_validator(mode="after")
    def _app_or_static(self) -> Self:
        if (self.app is None) == (not self.static):
            raise ValueError("give either app: (the learner's Flask file) or static: true")
        return self

    def default_title(self) -> str:
        return f"Requests to {self.app}" if self.app else "Requests to the site"

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        if self.app is not None and self.app not in learner_files:
            return [(("app",), f"'{self.app}' is not one of the exercise's files")]
        return []

    def steps(self, ctx: GradingContext) -> list[Step]:
        requests = [
            {
                "method": r.method,
                "path": r.path,
                "headers": r.headers,
                "follow_redirects": r.follow_redirects,
                **({"form": r.form} if r.form is not None else {}),
                **({"json": r.json_body} if r.has_json else {}),
                **({"body": r.body} if r.body is not None else {}),
            }
            for _, _, r in self.sent(ctx)
        ]
        params = {
            "app": self.app.removesuffix(".py").replace("/", ".") if self.app else None,
            "static": self.static,
            "port": self.port,
            "start_timeout": self.start_timeout,
            "requests": requests,
        }
        budget = time_limit(self, ctx) + self.start_timeout
        return [Step(self.id or "http", "http", params, budget)]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        output = outputs[self.id or "http"]
        stopped = stopped_result(self, ctx, output)
        if stopped is not None:
            return stopped
        try:
            report = json_object(output.report, {"listening": bool, "responses": list})
        except MalformedReport:
            report = {"listening": False, "responses": []}
        crash = python_crash(output.stderr, learner_files(ctx))
        if not report.get("listening"):
            if crash is not None:
                message = "Your app stopped while starting. " + crash.sentence()
            else:
                wait = f"{self.start_timeout:g} s"
                message = f"Your app did not start answering on port {self.port} within {wait}."
            return make_result(self, "error", 0.0, message, output=learner_output(output.stderr))
        responses = [r if isinstance(r, dict) else {"error": "bad-response"} for r in report["responses"]]
        sent = self.sent(ctx)
        model = self._solution_responses(ctx) if self.needs_solution() else {}
        tests = [
            judge_response(request, responses[i] if i < len(responses) else {"error": "connection"},
                           model.get((entry.key, index)))
            for i, (entry, index, request) in enumerate(sent)
        ]
        if crash is None or all(t.status == "pass" for t in tests):
            return scored_by_tests(self, tests)
        tests = [TestOutcome(t.name, t.status, f"{t.message} {crash.sentence()}".strip())
                 if t.status != "pass" else t for t in tests]
        return replace(scored_by_tests(self, tests), output=learner_output(output.stderr))

    def _solution_responses(self, ctx: GradingContext) -> dict[tuple[str, int], Mapping[str, Any]]:
        """The reference solution's response to each (case, request), from its run on every case.

        Raises:
            MissingSolutionOutput: there is none to compare with.
        """
        output = (ctx.solution or {}).get(self.id or "http")
        try:
            report = json_object(output.report if output else "", {"listening": bool, "responses": list})
        except MalformedReport:
            raise MissingSolutionOutput(f"no responses of the reference solution for {self.id}") from None
        responses = report["responses"]
        sent = self.sent(ctx, every=True)
        if len(responses) < len(sent):
            raise MissingSolutionOutput(f"the reference solution did not answer every request of {self.id}")
        pairs = zip(sent, responses, strict=False)
        return {(entry.key, index): reply for (entry, index, _), reply in pairs if isinstance(reply, dict)}


def filled_request(request: HttpRequest, values: Mapping[str, str]) -> HttpRequest:
    """`request` with the case's values in place of its {placeholders}."""
    if not values:
        return request
    expect = request.expect
    filled_expect = _copy_set(expect, {
        "headers": {name: fill(value, values) for name, value in expect.headers.items()},
        "text_contains": tuple(fill(text, values) for text in expect.text_contains),
        "text_not_contains": tuple(fill(text, values) for text in expect.text_not_contains),
        "json_subset": fill_data(expect.json_subset, values),
        "html": tuple(_filled_assertion(assertion, values) for assertion in expect.html),
        "redirect_to": fill(expect.redirect_to, values) if expect.redirect_to is not None else None,
    })
    return _copy_set(request, {
        "path": fill(request.path, values, in_url=True),
        "title": fill(request.title, values) if request.title else None,
        "headers": {name: fill(value, values) for name, value in request.headers.items()},
        "form": {name: fill(value, values) for name, value in (request.form or {}).items()}
        if request.form is not None else None,
        "json_body": fill_data(request.json_body, values),
        "body": fill(request.body, values) if request.body is not None else None,
        "expect": filled_expect,
    })


ModelT = TypeVar("ModelT", bound=BaseModel)


def _copy_set(model: ModelT, update: dict[str, Any]) -> ModelT:
    """`model` with `update` applied to the fields it was given only: a field it left out stays out of
    `model_fields_set` (`has_json` reads it), instead of being set to its filled default."""
    return model.model_copy(update={key: value for key, value in update.items()
                                     if key in model.model_fields_set})


def _filled_assertion(assertion: HtmlAssertion, values: Mapping[str, str]) -> HtmlAssertion:
    update = {key: fill(getattr(assertion, key), values) for key in ("text", "contains", "equals", "message")
              if getattr(assertion, key) is not None}
    return assertion.model_copy(update=update) if update else assertion
