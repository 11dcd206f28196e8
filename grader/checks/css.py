"""The `css` check: does the browser apply these rules to the learner's page?

```yaml
- kind: css
  page: index.html           # default: the first .html file in the exercise's `files`
  rules:
    - selector: h1
      property: color
      value: red             # red, #f00, rgb(255 0 0), hsl(0 100% 50%) all pass
    - selector: nav ul
      property: display
      one_of: [flex, inline-flex]
    - selector: .box
      property: width
      present: true          # a rule of the page sets it (false: none does)
    - selector: h1
      property: font-family
      contains: serif        # one of the value's parts
    - media: "(max-width: 600px)"   # judged at a window where this query is true (or `at_width: 375`)
      selector: .menu
      property: flex-direction
      value: column
      all: false             # one matching element is enough (default: every one)
      message: ...           # put before what the browser showed
      title: ...             # the name the learner sees (default: "`.menu` has flex-direction: column")
```

`mode: applied` (the default) asks Chromium, in the sandbox, for the computed values of the elements
each rule's selector matches, at the rule's window width, and compares them on the host
(grader/styles/applied.py). `mode: written` judges the text of the stylesheet and the page's <style>
blocks on the host, with no browser: for a check that is about writing a rule, and says so in its
title. In written mode the CSS file comes first in the cascade unless a page links it after one of
its <style> blocks, and a missing CSS file is not fatal when <style> blocks hold CSS.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Mapping, Sequence
from typing import ClassVar, Literal, Self
from urllib.parse import unquote, urlsplit

from bs4.element import NavigableString, Tag
from pydantic import Field, model_validator

from grader.browser.probes import PageRequest
from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.common import first_with_suffix, make_result, scored_by_tests
from grader.checks.html import HTML_SUFFIXES
from grader.checks.pagefacts import page_facts, page_steps
from grader.learnertext import text_problem
from grader.markup.document import UncheckablePage, attribute, decode_html, line_of, parse_page
from grader.paths import LearnerPath, RelativePath
from grader.result import CheckResult, TestOutcome
from grader.styles.applied_verdict import judge_applied
from grader.styles.rules import CssRule
from grader.styles.sheet import Source, Stylesheet, decode_css, read_stylesheet

NO_CSS = "Your page has no CSS yet: write it in a .css file or inside a <style> block."

__all__ = ["CssCheck", "CssRule", "stylesheet_sources"]


MIN_WIDTH, MAX_WIDTH = 240, 2560
"""The window widths a browser check can have (grader/browser/expect.py Viewport)."""


class CssCheck(CheckSpec):
    """Every rule in `rules` is one test; points are split evenly over them."""

    kind: Literal["css"] = "css"
    mode: Literal["applied", "written"] = "applied"
    page: RelativePath | None = None
    files: tuple[RelativePath, ...] = ()
    file: LearnerPath | None = None
    include_style_tags: bool = True
    rules: tuple[CssRule, ...] = Field(min_length=1)

    label: ClassVar[str] = "CSS rules"
    support_place: ClassVar[Literal["checks", "work"]] = "work"

    @model_validator(mode="after")
    def _fits_mode(self) -> Self:
        if self.mode == "written":
            for name in ("page", "files"):
                if name in self.model_fields_set:
                    raise ValueError(f"`{name}` goes with mode: applied (the browser loads the page)")
            if any(rule.all_ is not None for rule in self.rules):
                raise ValueError("`all` goes with mode: applied (the stylesheet's text has no elements)")
            if self.title is None:
                raise ValueError("a check in mode: written judges the text of the CSS: give it a `title` "
                                 "that says so (\"You wrote a rule for h1\")")
            return self
        if "include_style_tags" in self.model_fields_set:
            raise ValueError("`include_style_tags` goes with mode: written (the browser reads every "
                             "stylesheet the page uses)")
        for index, rule in enumerate(self.rules):
            if rule.not_applicable is not None:
                raise ValueError(f"rules.{index}: {rule.not_applicable}")
            if rule.at_width is not None and not MIN_WIDTH <= rule.at_width <= MAX_WIDTH:
                raise ValueError(f"rules.{index}: with mode: applied, `at_width` is a window width "
                                 f"from {MIN_WIDTH} to {MAX_WIDTH}")
        return self

    def support_files(self) -> tuple[str, ...]:
        return self.files

    def judged_on_host(self) -> bool:
        return self.mode == "written"

    def page_path(self, learner_files: Sequence[str]) -> str | None:
        """The page the browser loads (mode: applied)."""
        return self.page or first_with_suffix(learner_files, HTML_SUFFIXES)

    def page_request(self, learner_files: tuple[str, ...]) -> PageRequest | None:
        page = self.page_path(learner_files) if self.mode == "applied" else None
        if page is None:
            return None
        widths = tuple(sorted({rule.width for rule in self.rules}))
        return PageRequest(page, self.files, widths, tuple(rule.probe() for rule in self.rules))

    def steps(self, ctx: GradingContext) -> list[Step]:
        return page_steps(self, ctx)

    def stylesheet(self, learner_files: Sequence[str]) -> str | None:
        """The learner's CSS file this check reads, if any."""
        return self.file or first_with_suffix(learner_files, (".css",))

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        if self.file is not None and self.file not in learner_files:
            return [(("file",), f"'{self.file}' is not one of the exercise's files")]
        pages = [path for path in learner_files if path.lower().endswith(HTML_SUFFIXES)]
        if self.mode == "applied":
            page = self.page_path(sorted(learner_files))
            if page is None:
                return [((), "the exercise's files include no .html file for the browser to load: "
                              "say which page with `page:`")]
            if page not in learner_files and page not in self.files:
                message = f"'{page}' is neither one of the exercise's files nor in this check's files"
                return [(("page",), message)]
            return []
        if self.stylesheet(sorted(learner_files)) is None and not (self.include_style_tags and pages):
            return [((), "the exercise's files include no .css file (and no .html file for <style> blocks)")]
        return []

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        if self.mode == "applied":
            return self._judge_applied(ctx, outputs)
        files = [str(path) for path in ctx.exercise.files]
        pages = (
            [path for path in files if path.lower().endswith(HTML_SUFFIXES)]
            if self.include_style_tags
            else []
        )
        sources, problem = stylesheet_sources(ctx.submission, self.stylesheet(files), pages)
        if not sources:
            tests = [TestOutcome(rule.describe(), "fail") for rule in self.rules]
            return make_result(self, "fail", 0.0, problem or NO_CSS, tests=tests)
        sheet = read_stylesheet(sources)
        if sheet.too_big is not None:
            tests = [TestOutcome(rule.describe(), "fail") for rule in self.rules]
            return make_result(self, "fail", 0.0, sheet.too_big, tests=tests)
        result = scored_by_tests(self, [rule.evaluate(sheet) for rule in self.rules], noun="check")
        if problem is not None:
            result = dataclasses.replace(result, message=f"{result.message}. {problem}")
        return result

    def _judge_applied(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        files = [str(path) for path in ctx.exercise.files]
        page = self.page_path(files) or ""
        if page not in ctx.submission and page not in self.files:
            tests = [TestOutcome(rule.describe(), "fail") for rule in self.rules]
            return make_result(self, "fail", 0.0, f"You haven't created {page} yet.", tests=tests)
        facts = page_facts(self, ctx, outputs)
        if isinstance(facts, CheckResult):
            return facts
        explain = _Explainer(ctx.submission, self.stylesheet(files),
                             [path for path in files if path.lower().endswith(HTML_SUFFIXES)], page)
        tests = [judge_applied(rule, facts[rule.width], explain) for rule in self.rules]
        return scored_by_tests(self, tests, noun="check")


class _Explainer:
    """Why the text of the learner's CSS and the browser disagree about a failing rule: read on the
    host, once, only when a rule fails."""

    def __init__(self, submission: Mapping[str, bytes], css_path: str | None, pages: list[str],
                 page: str) -> None:
        self.submission, self.css_path, self.pages, self.page = submission, css_path, pages, page
        self._sheet: Stylesheet | None = None
        self._read = False

    def sheet(self) -> Stylesheet | None:
        if not self._read:
            self._read = True
            sources, _ = stylesheet_sources(self.submission, self.css_path, self.pages)
            sheet = read_stylesheet(sources) if sources else None
            self._sheet = sheet if sheet is not None and sheet.too_big is None else None
        return self._sheet

    def __call__(self, rule: CssRule) -> str | None:
        css = self.css_path
        if css is not None and css in self.submission and not _page_links(self.submission, self.page, css):
            href = posixpath.relpath(css, posixpath.dirname(self.page) or ".")
            return (f"Your page {self.page} does not link {css}, so the browser never reads it: add "
                    f'<link rel="stylesheet" href="{href}"> inside its <head>.')
        sheet = self.sheet()
        if sheet is None:
            return None
        at_width = rule.model_copy(update={"at_width": float(rule.width), "media": None})
        outcome = at_width.evaluate(sheet)
        if outcome.status != "pass" and rule.at_width is None and rule.media is None:
            outcome = rule.evaluate(sheet)  # the same verdict, in the words of a rule without a width
        if outcome.status == "pass":
            return ("Your CSS does declare it, but the browser does not use it here: look for a rule with a "
                    "more specific selector that wins, a @media or @supports condition that is not true at "
                    "this width, or a mistake that makes the browser skip the declaration.")
        return outcome.message or None


def _page_links(submission: Mapping[str, bytes], page: str, css_path: str) -> bool:
    return any(element.name == "link" and _links_to(element, page, css_path)
               for element in _style_elements(submission.get(page)))


def stylesheet_sources(
    submission: Mapping[str, bytes], css_path: str | None, pages: Sequence[str]
) -> tuple[list[Source], str | None]:
    """The CSS of a submission in cascade order, and what is wrong with the CSS file (if anything).

    <style> blocks keep their page's line numbers. The CSS file goes where the first page links it,
    else first.
    """
    css, problem = _css_file(submission, css_path)
    ordered: list[Source] = []
    placed = css is None
    for page in pages:
        for element in _style_elements(submission.get(page)):
            if element.name == "style":
                text = "".join(str(child) for child in element.contents if isinstance(child, NavigableString))
                if text.strip():
                    ordered.append(Source(page, text, first_line=line_of(element) or 1))
            elif not placed and css is not None and _links_to(element, page, css.name):
                ordered.append(css)
                placed = True
    if not placed and css is not None:
        ordered.insert(0, css)
    return ordered, problem


def _css_file(submission: Mapping[str, bytes], css_path: str | None) -> tuple[Source | None, str | None]:
    if css_path is None:
        return None, None
    data = submission.get(css_path)
    if data is None:
        return None, f"You haven't created {css_path} yet."
    text = decode_css(data)
    problem = text_problem(text, css_path)
    return (None, problem) if problem is not None else (Source(css_path, text), None)


def _style_elements(data: bytes | None) -> list[Tag]:
    """The page's <style> and stylesheet <link> elements in document order (none if it can't be read)."""
    if data is None:
        return []
    text = decode_html(data)
    if text_problem(text, "page") is not None:
        return []
    try:
        soup = parse_page(text)
    except UncheckablePage:
        return []
    return [tag for tag in soup.find_all(["style", "link"]) if tag.name == "style" or _is_stylesheet(tag)]


def _is_stylesheet(link: Tag) -> bool:
    return "stylesheet" in (attribute(link, "rel") or "").lower().split()


def _links_to(link: Tag, page: str, css_path: str) -> bool:
    href = attribute(link, "href")
    if href is None:
        return False
    path = unquote(urlsplit(href.strip()).path)
    if not path or urlsplit(href.strip()).netloc:
        return False
    target = posixpath.normpath(
        path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    )
    return target == posixpath.normpath(css_path)
