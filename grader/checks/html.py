"""The `html` check: assertions on the learner's page as a browser would parse it, judged on the host.

```yaml
- kind: html
  file: index.html          # default: the first .html file in the exercise's `files`
  points: 4                 # split evenly over the assertions
  assert:
    - structure: doctype    # also: lang, title, img-alt, input-labels (see grader/markup/structure.py)
    - selector: h1
      count: 1              # exact, or {min: 1, max: 3}
    - selector: nav a
      exists: true          # false: must not exist; the default when a selector has no other test
    - selector: h1
      text: My Dog          # equal after collapsing whitespace; `ignore_case: true` to ignore case
    - selector: p.intro
      contains: dog
    - selector: footer
      matches: "©\\s*20\\d\\d"   # regular expression, searched in the text (never shown to the learner)
      title: The footer says the year   # the name the learner sees (any assertion; default: generated)
    - selector: a#home
      attribute: href
      equals: index.html    # or contains / matches / exists; "./index.html" counts as "index.html"
    - selector: ul > li
      text: Milk
      all: true             # every match must pass, not just one
    - order: [header, main, footer]   # first matches appear in this document order
      message: Put the header first, then main, then the footer.   # replaces the generated message
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from grader.browser.probes import PageProbe, PageRequest
from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.common import first_with_suffix, make_result, scored_by_tests
from grader.checks.pagefacts import page_facts, page_steps
from grader.learnertext import text_problem
from grader.markup.assertions import CountRange, HtmlAssertion
from grader.markup.document import UncheckablePage, decode_html, parse_page
from grader.markup.evaluate import evaluate_assertions, evaluate_on_page
from grader.markup.matching import PageWhere
from grader.markup.shown import VISIBLE_WIDTH, shown_outcome
from grader.paths import LearnerPath
from grader.result import CheckResult, TestOutcome

HTML_SUFFIXES = (".html", ".htm")

__all__ = ["CountRange", "HtmlAssertion", "HtmlCheck", "evaluate_assertions"]


class HtmlCheck(CheckSpec):
    """Every assertion in `assert` is one test; points are split evenly over them."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True)

    kind: Literal["html"] = "html"
    file: LearnerPath | None = None
    assert_: tuple[HtmlAssertion, ...] = Field(alias="assert", min_length=1)

    label: ClassVar[str] = "Page structure"

    @model_validator(mode="after")
    def _no_script_here(self) -> Self:
        if any(assertion.by_script for assertion in self.assert_):
            raise ValueError("`by_script` goes with dom and browser checks (an html check runs no script)")
        return self

    def judged_on_host(self) -> bool:
        return not self._shown_assertions()

    def _shown_assertions(self) -> list[HtmlAssertion]:
        return [assertion for assertion in self.assert_ if assertion.visible is not None]

    def page_request(self, learner_files: tuple[str, ...]) -> PageRequest | None:
        shown = self._shown_assertions()
        page = self.page(learner_files)
        if not shown or page is None:
            return None
        probes = tuple(PageProbe(selector=assertion.selector or "", text=True) for assertion in shown)
        return PageRequest(page, (), (VISIBLE_WIDTH,), probes)

    def steps(self, ctx: GradingContext) -> list[Step]:
        return page_steps(self, ctx)

    def page(self, learner_files: Sequence[str]) -> str | None:
        """The learner file this check reads."""
        return self.file or first_with_suffix(learner_files, HTML_SUFFIXES)

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        if self.file is not None and self.file not in learner_files:
            return [(("file",), f"'{self.file}' is not one of the exercise's files")]
        if self.file is None and self.page(sorted(learner_files)) is None:
            return [((), "the exercise's files include no .html file: say which one with `file:`")]
        return []

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        path = self.page(list(ctx.exercise.files))
        if path is None:
            return make_result(self, "error", 0.0, "This check names no HTML file to look at.")
        data = ctx.submission.get(path)
        if data is None:
            return self._unchecked(f"You haven't created {path} yet.")
        text = decode_html(data)
        problem = text_problem(text, path)
        if problem is not None:
            return self._unchecked(problem)
        try:
            soup = parse_page(text)
        except UncheckablePage as uncheckable:
            return self._unchecked(str(uncheckable))
        where = PageWhere(path, frozenset(ctx.submission))
        tests = evaluate_on_page(soup, self.assert_, where)
        if self._shown_assertions():
            facts = page_facts(self, ctx, outputs)
            if isinstance(facts, CheckResult):
                return facts
            tests = [shown_outcome(a, facts[VISIBLE_WIDTH]) if a.visible is not None else outcome
                     for a, outcome in zip(self.assert_, tests, strict=True)]
        return scored_by_tests(self, tests, noun="check")

    def _unchecked(self, reason: str) -> CheckResult:
        tests = [TestOutcome(assertion.describe(), "fail") for assertion in self.assert_]
        return make_result(self, "fail", 0.0, reason, tests=tests)
