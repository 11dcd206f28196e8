"""Assertions about a page: what the `html` check kind runs, and what the `dom` and `http` kinds reuse
on DOM snapshots and response bodies; here their YAML model and the words that describe one (they are
run on a page by evaluate.py).

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
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictInt, model_validator

from grader.markup.structure import STRUCTURE_TITLES, StructureName
from grader.markup.words import EXPECTED_FORM, article_for, count_words, one_thing, quote, short

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


def describe_value_test(assertion: HtmlAssertion) -> str:
    thing = one_thing(assertion.selector or "", article=False)
    subject, inner = (
        (f"Every {thing}", f"every {thing}") if assertion.all_ else (f"The {thing}", f"the {thing}")
    )
    name = assertion.attribute
    size = _size_words(assertion)
    if size is not None:
        what = f"The {name} of {inner}" if name is not None else f"{subject}"
        if name is not None and assertion.all_:
            what = f"The {name} of every {thing}"
        return f"{what} has {size}"
    if name is None:
        if assertion.text is not None:
            return f"{subject} says {quote(assertion.text)}"
        if assertion.contains is not None:
            return f"The text of {inner} contains {quote(assertion.contains)}"
        return f"The text of {inner} {EXPECTED_FORM}"  # a regular expression means nothing to a beginner
    if assertion.equals is not None:
        return f'{subject} has {name}="{assertion.equals}"'
    if assertion.contains is not None:
        return f"The {name} of {inner} contains {quote(assertion.contains)}"
    if assertion.matches is not None:
        return f"The {name} of {inner} {EXPECTED_FORM}"
    return f"{subject} has {'no' if assertion.exists is False else article_for(name)} {name} attribute"


def mismatch(assertion: HtmlAssertion, value: str | None) -> str:
    name = assertion.attribute
    size = _size_words(assertion)
    if size is not None:
        if name is not None and value is None:
            return f"has no {name} attribute"
        says = f"says {quote(value or '')}" if value else "is empty"
        shown = says if name is None else f'has {name}="{short(value or "")}"'
        return f"{shown}, but it should have {size}"
    if name is None:
        says = f"says {quote(value or '')}" if value else "is empty"
        if assertion.text is not None:
            return f"{says}, but it should say {quote(assertion.text)}"
        if assertion.contains is not None:
            return f"{says}, which does not contain {quote(assertion.contains)}"
        return f"{says}, which is not in the expected form"
    if value is None:
        return f"has no {name} attribute"
    has = f'has {name}="{short(value)}"'
    if assertion.equals is not None:
        return f'{has}, but it should be "{assertion.equals}"'
    if assertion.contains is not None:
        return f"{has}, which does not contain {quote(assertion.contains)}"
    if assertion.matches is not None:
        return f"{has}, which is not in the expected form"
    return f"has {article_for(name)} {name} attribute, but it should not"


def wanted(assertion: HtmlAssertion) -> str:
    name = assertion.attribute
    size = _size_words(assertion)
    if size is not None:
        return f"has {size}" if name is None else f"has {article_for(name)} {name} of {size}"
    if name is None:
        if assertion.text is not None:
            return f"says {quote(assertion.text)}"
        if assertion.contains is not None:
            return f"contains {quote(assertion.contains)}"
        return "has text in the expected form"
    if assertion.equals is not None:
        return f'has {name}="{assertion.equals}"'
    if assertion.contains is not None:
        return f"has {article_for(name)} {name} containing {quote(assertion.contains)}"
    if assertion.matches is not None:
        return f"has {article_for(name)} {name} in the expected form"
    return f"has {'no' if assertion.exists is False else article_for(name)} {name} attribute"


def _size_words(assertion: HtmlAssertion) -> str | None:
    if assertion.min_words is not None:
        return f"at least {assertion.min_words} word{'s' if assertion.min_words != 1 else ''}"
    if assertion.min_length is not None:
        return f"at least {assertion.min_length} character{'s' if assertion.min_length != 1 else ''}"
    return None


def shown_value(assertion: HtmlAssertion, value: str | None) -> str:
    if value is None:
        return f"(no {assertion.attribute})"
    return quote(value) if value else "(empty)"


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
