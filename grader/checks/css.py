"""The `css` check: the rules a learner declared, values normalised, judged on the host.

```yaml
- kind: css
  file: style.css            # default: the first .css file in the exercise's `files`
  include_style_tags: true   # also read <style> blocks of the exercise's .html files (default)
  rules:
    - selector: h1
      property: color
      value: red             # red, #f00, rgb(255 0 0), hsl(0 100% 50%) all pass
    - selector: nav ul
      property: display
      one_of: [flex, inline-flex]
    - selector: .box
      property: width
      present: true          # declared, any value (false: must not be declared)
    - selector: h1
      property: font-family
      contains: serif        # one of the value's parts
    - media: "(max-width: 600px)"   # declared inside this @media (or `at_width: 375`: whatever applies
      selector: .menu                # on a screen that wide, @media or not)
      property: flex-direction
      value: column
      message: ...           # replaces the generated failure message
      title: ...             # the name the learner sees (default: "`.menu` has flex-direction: column")
```

The CSS file comes first in the cascade unless a page links it after one of its <style> blocks. A
missing CSS file is not fatal when <style> blocks hold CSS: the learner's page still looks right.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Mapping, Sequence
from typing import ClassVar, Literal
from urllib.parse import unquote, urlsplit

from bs4.element import NavigableString, Tag
from pydantic import Field

from grader.checks.base import CheckSpec, GradingContext, StepOutput
from grader.checks.common import first_with_suffix, make_result, scored_by_tests
from grader.checks.html import HTML_SUFFIXES
from grader.learnertext import text_problem
from grader.markup.document import UncheckablePage, attribute, decode_html, line_of, parse_page
from grader.paths import LearnerPath
from grader.result import CheckResult, TestOutcome
from grader.styles.rules import CssRule
from grader.styles.sheet import Source, decode_css, read_stylesheet

NO_CSS = "Your page has no CSS yet: write it in a .css file or inside a <style> block."

__all__ = ["CssCheck", "CssRule", "stylesheet_sources"]


class CssCheck(CheckSpec):
    """Every rule in `rules` is one test; points are split evenly over them."""

    kind: Literal["css"] = "css"
    file: LearnerPath | None = None
    include_style_tags: bool = True
    rules: tuple[CssRule, ...] = Field(min_length=1)

    label: ClassVar[str] = "CSS rules"

    def stylesheet(self, learner_files: Sequence[str]) -> str | None:
        """The learner's CSS file this check reads, if any."""
        return self.file or first_with_suffix(learner_files, (".css",))

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        if self.file is not None and self.file not in learner_files:
            return [(("file",), f"'{self.file}' is not one of the exercise's files")]
        pages = [path for path in learner_files if path.lower().endswith(HTML_SUFFIXES)]
        if self.stylesheet(sorted(learner_files)) is None and not (self.include_style_tags and pages):
            return [((), "the exercise's files include no .css file (and no .html file for <style> blocks)")]
        return []

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
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
