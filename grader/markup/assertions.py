"""Assertions on a parsed page: what the `html` check kind runs, and what the `dom` and `http` kinds reuse
on DOM snapshots and response bodies.

An assertion is one YAML mapping with exactly one of `structure`, `selector` or `order`. Selectors and
regular expressions are compiled when the exercise loads, so a typo in them is the instructor's content
error, reported before any learner meets it. Evaluating never raises: a page that cannot be parsed or
checked fails every assertion with a message a beginner can act on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal

import soupsieve
from bs4 import BeautifulSoup
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictInt, model_validator

from grader.markup.document import UncheckablePage, parse_page
from grader.markup.matching import MissingSubject, PageWhere, selector_problem
from grader.markup.structure import STRUCTURE_TITLES, StructureName, structure_problem
from grader.markup.words import count_words, describe_value_test, one_thing
from grader.result import TestOutcome, cap_text

MESSAGE_CAP = 1_000
TITLE_CAP = 200
OPTIONS_FOR_EVERY_ASSERTION = frozenset({"message", "title"})
EMPTY_PAGE = "The page is empty: there is nothing to check yet."
TEST_KEYS = ("count", "exists", "text", "contains", "matches", "equals", "min_words", "min_length",
             "target_exists")
TEXT_KEYS = ("text", "contains", "matches", "equals")
TEXT_READING_KEYS = ("text", "contains", "matches", "min_words", "min_length")


class CountRange(BaseModel):
    """`count: {min: 1, max: 3}`: either bound may be left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: Annotated[StrictInt, Field(ge=0)] | None = None
    max: Annotated[StrictInt, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _bounds(self) -> CountRange:
        if self.min is None and self.max is None:
            raise ValueError("give `min`, `max` or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"`min` ({self.min}) is larger than `max` ({self.max})")
        return self


class HtmlAssertion(BaseModel):
    """One assertion about a page (the YAML shape is in the module docstring of grader/checks/html.py)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True, coerce_numbers_to_str=True
    )

    structure: StructureName | None = None
    selector: str | None = Field(default=None, min_length=1, max_length=500)
    order: tuple[Annotated[str, Field(min_length=1, max_length=500)], ...] | None = Field(
        default=None, min_length=2
    )
    count: Annotated[StrictInt, Field(ge=0)] | CountRange | None = None
    exists: bool | None = None
    text: str | None = None
    contains: str | None = Field(default=None, min_length=1)
    matches: str | None = Field(default=None, min_length=1)
    attribute: str | None = Field(default=None, pattern=r"^[^\s\"'>/=]+$")
    equals: str | None = None
    min_words: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None
    min_length: Annotated[StrictInt, Field(ge=1, le=100_000)] | None = None
    target_exists: Literal[True] | None = None
    all_: bool = Field(default=False, alias="all")
    ignore_case: bool = False
    allow_empty: bool = False
    visible: bool | None = None
    by_script: bool = False
    message: str | None = Field(default=None, min_length=1, max_length=MESSAGE_CAP)
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_CAP)

    _compiled: soupsieve.SoupSieve | None = PrivateAttr(default=None)
    _order: tuple[soupsieve.SoupSieve, ...] = PrivateAttr(default=())
    _pattern: re.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_shape(self) -> HtmlAssertion:
        blank = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if blank:
            raise ValueError(f'`{blank[0]}` is empty (in YAML, quote text that starts with #: "#main")')
        given = self.model_fields_set - OPTIONS_FOR_EVERY_ASSERTION
        roots = [key for key in ("structure", "selector", "order") if getattr(self, key) is not None]
        if len(roots) != 1:
            raise ValueError("give exactly one of `structure`, `selector` or `order`")
        root = roots[0]
        if root != "selector" and given - {root}:
            extra = _keys(given - {root})
            raise ValueError(f"`{root}` takes no other options (only `message` and `title`): remove {extra}")
        if self.selector is not None:
            self._check_selector_options(given)
            self._compiled = _compile_selector(self.selector)
        if self.order is not None:
            self._order = tuple(_compile_selector(selector) for selector in self.order)
        if self.matches is not None:
            flags = re.IGNORECASE if self.ignore_case else 0
            try:
                self._pattern = re.compile(self.matches, flags)
            except re.error as error:
                raise ValueError(
                    f"`matches: {self.matches}` is not a valid regular expression: {error}"
                ) from None
        return self

    def _check_selector_options(self, given: set[str]) -> None:
        tests = [key for key in TEST_KEYS if key in given]
        if len(tests) > 1:
            raise ValueError(f"give only one of {_keys(TEST_KEYS)}; found {_keys(tests)}")
        test = tests[0] if tests else None
        if self.attribute is None and test == "equals":
            raise ValueError(
                "`equals` compares an attribute: add `attribute:`, or use `text:` for the element's text"
            )
        if self.attribute is not None and test in ("text", "count"):
            raise ValueError("with `attribute`, use `equals`, `contains`, `matches` or `exists`")
        if self.all_ and self.attribute is None and test not in (*TEXT_READING_KEYS, "target_exists"):
            raise ValueError("`all` applies to `text`, `contains`, `matches`, `min_words`, `min_length`, "
                             "`target_exists` and attribute checks")
        if self.ignore_case and test not in TEXT_KEYS:
            raise ValueError("`ignore_case` applies to `text`, `contains`, `matches` and `equals`")
        if self.attribute is not None and test == "target_exists":
            raise ValueError("`target_exists` reads the link's href itself: remove `attribute`")
        if self.allow_empty and (self.attribute is not None or test in ("target_exists",)):
            raise ValueError("`allow_empty` applies to counting elements and to their text")
        if self.visible is not None and (self.attribute is not None or test in ("target_exists", "equals")):
            raise ValueError("`visible` goes with counting elements and with their text, not attributes")
        if self.visible is False and test not in (None, "exists"):
            raise ValueError("`visible: false` says the element is hidden: it takes no other test")

    @property
    def compiled(self) -> soupsieve.SoupSieve:
        assert self._compiled is not None, "only selector assertions have a compiled selector"
        return self._compiled

    @property
    def compiled_order(self) -> tuple[soupsieve.SoupSieve, ...]:
        return self._order

    @property
    def pattern(self) -> re.Pattern[str] | None:
        return self._pattern

    def describe(self) -> str:
        """The test's name for the learner: `title` when the exercise gives one, else generated ("There is
        exactly 1 <h1>", "Every <img> has alt text")."""
        if self.title is not None:
            return self.title
        if self.structure is not None:
            return STRUCTURE_TITLES[self.structure]
        if self.order is not None:
            return f"{_and_list([one_thing(s, article=False) for s in self.order])} appear in that order"
        assert self.selector is not None
        if self.visible is False:
            return f"No {one_thing(self.selector, article=False)} is shown on the page"
        shown = " shown on the page" if self.visible else ""
        if self.count is not None:
            return count_words(self.selector, *self.count_bounds) + shown
        if self.target_exists:
            every = "Every" if self.all_ else "The"
            link = one_thing(self.selector, article=False)
            return f"{every} link {link} goes to a part or page that exists"
        if self.attribute is None and all(getattr(self, key) is None for key in TEXT_READING_KEYS):
            if self.exists is False:
                return f"The page has no {one_thing(self.selector, article=False)}"
            return f"The page has {one_thing(self.selector)}{shown}"
        return describe_value_test(self) + shown

    @property
    def count_bounds(self) -> tuple[int | None, int | None]:
        if self.count is None:
            return None, None
        return (self.count, self.count) if isinstance(self.count, int) else (self.count.min, self.count.max)


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


def _compile_selector(selector: str) -> soupsieve.SoupSieve:
    try:
        return soupsieve.compile(selector)
    except (soupsieve.SelectorSyntaxError, NotImplementedError, ValueError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"`{selector}` is not a valid CSS selector: {first_line}") from None


def _keys(keys: Sequence[str] | set[str]) -> str:
    names = sorted("all" if key == "all_" else key for key in keys)
    return ", ".join(f"`{name}`" for name in names)


def _and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
