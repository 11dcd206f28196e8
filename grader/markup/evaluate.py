"""Html assertions evaluated on a page: each one's test outcome, with the reason when it fails."""

from __future__ import annotations

from collections.abc import Sequence

from bs4 import BeautifulSoup

from grader.markup.assertions import EMPTY_PAGE, HtmlAssertion
from grader.markup.document import UncheckablePage, parse_page
from grader.markup.matching import MissingSubject, PageWhere, selector_problem
from grader.markup.structure import structure_problem
from grader.markup.words import one_thing
from grader.result import TestOutcome, cap_text


def evaluate_assertions(
    html_text: str, assertions: Sequence[HtmlAssertion], *, line_numbers: bool = True,
    where: PageWhere | None = None,
) -> list[TestOutcome]:
    """Parse `html_text` like a browser and evaluate every assertion on it. Never raises.
    `line_numbers=False`: messages name no line (the text is a DOM snapshot, not the learner's file).
    `where`: the page's path and the learner's files, for links to other pages."""
    if not html_text.strip():
        return [_failed(assertion, EMPTY_PAGE) for assertion in assertions]
    try:
        soup = parse_page(html_text, line_numbers=line_numbers)
    except UncheckablePage as problem:
        return [_failed(assertion, str(problem)) for assertion in assertions]
    return evaluate_on_page(soup, assertions, where)


def evaluate_on_page(
    soup: BeautifulSoup, assertions: Sequence[HtmlAssertion], where: PageWhere | None = None
) -> list[TestOutcome]:
    """Evaluate every assertion on an already parsed page (see grader.markup.document.parse_page)."""
    return [evaluate_one(soup, assertion, where) for assertion in assertions]


def evaluate_one(
    soup: BeautifulSoup, assertion: HtmlAssertion, where: PageWhere | None = None
) -> TestOutcome:
    try:
        if assertion.structure is not None:
            problem = structure_problem(soup, assertion.structure)
        else:
            problem = selector_problem(soup, assertion, where or PageWhere())
    except RecursionError:
        problem = "Your page nests its tags too deeply to check. Look for tags you opened but never closed."
    if problem is None:
        return TestOutcome(name=assertion.describe(), status="pass")
    return _failed(assertion, problem)


def written_in_page(assertion: HtmlAssertion, page_text: str | None) -> str | None:
    """For an assertion with `by_script: true`: the problem when it already holds on the page as the
    learner wrote it, before any script ran (the text was typed into the HTML), else None."""
    if not assertion.by_script or page_text is None:
        return None
    plain = assertion.model_copy(update={"by_script": False, "message": None})
    if evaluate_assertions(page_text, [plain])[0].status != "pass":
        return None
    subject = one_thing(assertion.selector, article=False) if assertion.selector else "the page"
    return (f"This is already true in your HTML before any script runs ({subject}): your script should "
            "make it so. Take it out of the HTML and let your JavaScript write it.")


def _failed(assertion: HtmlAssertion, problem: str) -> TestOutcome:
    return TestOutcome(
        name=cap_text(assertion.describe(), 300),
        status="fail",
        message=cap_text(problem if isinstance(problem, MissingSubject) else assertion.message or problem),
    )
