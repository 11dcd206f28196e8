"""One `rules:` entry of a `css` check: the model, its title, and its verdict on a stylesheet.

A rule passes when the declaration that wins for the selector (see grader/styles/cascade.py) gives the
property an equivalent value (see grader/styles/values.py). With `media:`, only declarations outside any
@media or inside a @media with that query take part, and the value must come from inside one. With
`at_width:`, every declaration that applies on a screen that wide takes part, @media or not: pair
`at_width: 375` with `at_width: 1200` to require a responsive change.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from grader.browser.probes import PageProbe
from grader.result import TestOutcome, cap_text
from grader.styles.applied import (
    DEFAULT_WIDTH,
    NotApplicable,
    expected_longhands,
    media_width,
    probe,
    subject_and_state,
)
from grader.styles.cascade import Candidate, Cascade, cascade_for, shown
from grader.styles.media import active_at, canonical_media_text, media_matches
from grader.styles.misplaced import hidden_rule, similar_selector, unsplit_shorthand
from grader.styles.rulewords import RuleWords
from grader.styles.selectors import selector_from_text
from grader.styles.sheet import Declared, Stylesheet
from grader.styles.shorthands import canonical_property, corner_value, expand, is_shorthand, longhands
from grader.styles.values import Node, Terms, canonical_value, parse_value

SHOWN_NOTES = 2
TESTS = ("value", "one_of", "contains", "present")


class CssRule(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, validate_by_name=True, validate_by_alias=True
    )

    selector: str = Field(min_length=1, max_length=500)
    property_: str = Field(alias="property", pattern=r"^\s*-{0,2}[A-Za-z][A-Za-z0-9-]*\s*$")
    value: str | None = Field(default=None, min_length=1, max_length=500)
    one_of: tuple[str, ...] | None = Field(default=None, min_length=1)
    contains: str | None = Field(default=None, min_length=1, max_length=500)
    present: bool | None = None
    media: str | None = Field(default=None, min_length=1, max_length=500)
    at_width: float | None = Field(default=None, gt=0, le=10_000)
    all_: bool | None = Field(default=None, alias="all")
    message: str | None = Field(default=None, min_length=1, max_length=1000)
    title: str | None = Field(default=None, min_length=1, max_length=200)

    _selector: str = PrivateAttr(default="")
    _subject: str = PrivateAttr(default="")
    _state: str | None = PrivateAttr(default=None)
    _not_applicable: str | None = PrivateAttr(default=None)
    _width: int = PrivateAttr(default=DEFAULT_WIDTH)
    _longhand_values: tuple[dict[str, list[Node]], ...] = PrivateAttr(default=())
    _property: str = PrivateAttr(default="")
    _media: frozenset[str] = PrivateAttr(default=frozenset())
    _expected: tuple[dict[str, Terms], ...] = PrivateAttr(default=())
    _expected_shown: tuple[dict[str, str], ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _check(self) -> Self:
        blank = [name for name in sorted(self.model_fields_set) if getattr(self, name) is None]
        if blank:
            raise ValueError(f'`{blank[0]}` is empty (in YAML, quote a value that starts with #: "#f00")')
        tests = [name for name in TESTS if getattr(self, name) is not None]
        if len(tests) != 1:
            raise ValueError("give exactly one of `value`, `one_of`, `contains` or `present`")
        if self.media is not None and self.at_width is not None:
            raise ValueError("give `media` or `at_width`, not both")
        selectors = selector_from_text(self.selector)
        if len(selectors) != 1:
            raise ValueError(f"`{self.selector}`: give exactly one selector per rule (one rule for each)")
        self._selector = selectors[0]
        name = self.property_.strip()
        self._property = name if name.startswith("--") else canonical_property(name)
        if self.contains is not None and is_shorthand(self._property):
            raise ValueError(f"`contains` needs a longhand property, not the shorthand `{self._property}`")
        if self.media is not None:
            self._media = canonical_media_text(self.media)
            if not self._media or "" in self._media:
                raise ValueError(f"`media: {self.media}` is not a media query like `(max-width: 600px)`")
        written = [self.value] if self.value is not None else list(self.one_of or ())
        expansions = [self._expand(text) for text in written]
        self._longhand_values = tuple(expected_longhands(self._property, text) for text in written)
        try:
            self._subject, self._state = subject_and_state(self.selector)
            if self.at_width is not None:
                self._width = round(self.at_width)
            elif self.media is not None:
                self._width = media_width(self.media)
        except NotApplicable as problem:
            self._not_applicable = str(problem)
        self._expected = tuple({name: terms for name, (terms, _) in e.items()} for e in expansions)
        self._expected_shown = tuple({name: text for name, (_, text) in e.items()} for e in expansions)
        return self

    def _expand(self, text: str) -> dict[str, tuple[Terms, str]]:
        nodes = parse_value(text)
        expansion = expand(self._property, nodes) if nodes else None
        if expansion is None:
            raise ValueError(f"`{self._property}: {text}` is not a value the browser accepts")
        return {
            name: (
                canonical_value(name, corner_value(name, value)),
                text if name == self._property else shown(value),
            )
            for name, value in expansion.items()
        }

    @property
    def not_applicable(self) -> str | None:
        """Why the browser cannot be asked about this rule (`mode: written` can), or None."""
        return self._not_applicable

    @property
    def width(self) -> int:
        """The window width at which the browser judges this rule."""
        return self._width

    @property
    def every(self) -> bool:
        """Whether every element the selector matches must pass (the default), or one is enough."""
        return self.all_ is not False

    @property
    def subject(self) -> str:
        """The selector of the elements the browser reads (without a final `:focus`)."""
        return self._subject

    @property
    def focused(self) -> bool:
        return self._state is not None

    @property
    def property_name(self) -> str:
        return self._property

    @property
    def longhand_values(self) -> tuple[dict[str, list[Node]], ...]:
        """For each accepted value (`value`, or each of `one_of`): longhand -> expected value."""
        return self._longhand_values

    def probe(self) -> PageProbe:
        return probe(self._subject, self._state, self._property, self.present is not None)

    @property
    def words(self) -> RuleWords:
        return RuleWords(
            self.selector.strip(),
            self._property,
            self.media,
            self.at_width,
            self.value,
            self.one_of,
            self.contains,
            self.present,
        )

    def describe(self) -> str:
        """The test's name for the learner: `title` when the exercise gives one."""
        if self.title is not None:
            return self.title
        words = self.words
        if self.present is not None:
            return words.titled(
                f"sets {self._property}" if self.present else f"does not set {self._property}"
            )
        if self.contains is not None:
            return words.titled(f"has a {self._property} that includes {self.contains}")
        return words.titled(f"has {self._property}: {words.expected_text()}")

    def applies(self, declared: Declared) -> bool:
        """Whether a declaration takes part in this rule's cascade (its media context fits)."""
        return self.in_context(declared.media)

    def in_context(self, media: tuple[tuple[Node, ...], ...]) -> bool:
        """Whether CSS inside these @media preludes (outermost first) takes part in this rule."""
        if self.at_width is not None:
            return all(active_at(prelude, self.at_width) for prelude in media)
        if self.media is not None:
            return not media or any(media_matches(prelude, self._media) for prelude in media)
        return not media

    def evaluate(self, sheet: Stylesheet) -> TestOutcome:
        """Pass or fail on `sheet`, with a message for a beginner. Never raises on learner CSS."""
        targets = longhands(self._property)
        try:
            cascade = cascade_for(sheet, self._selector, self.applies, targets)
            problem = self._problem(sheet, cascade, targets)
        except RecursionError:
            problem = "Your CSS nests too deeply to check."
            cascade = Cascade()
        if problem is None:
            return TestOutcome(self.describe(), "pass")
        if self.message is not None:
            return TestOutcome(self.describe(), "fail", cap_text(self.message))
        own = [p.sentence() for p in sheet.problems if self._selector in p.selectors]
        notes = cascade.notes + own + [p.sentence() for p in sheet.problems if not p.selectors]
        if notes:
            problem += " Note: " + " ".join(notes[:SHOWN_NOTES])
        return TestOutcome(self.describe(), "fail", cap_text(problem))

    def _problem(self, sheet: Stylesheet, cascade: Cascade, targets: tuple[str, ...]) -> str | None:
        words = self.words
        winners = {target: cascade.winner(target) for target in targets}
        declared = [target for target in targets if winners[target] is not None]
        if self.present is False:
            first = winners[declared[0]] if declared else None
            return None if first is None else words.should_not_set(first)
        if len(declared) < len(targets):
            missing = (
                next(target for target in targets if winners[target] is None) if declared else self._property
            )
            return self._missing(sheet, missing)
        if self.present:
            return None
        return self._value_problem(cascade, winners)

    def _missing(self, sheet: Stylesheet, longhand: str) -> str:
        """No declaration that applies sets `longhand`: say why, in the learner's own terms."""
        words = self.words
        if any(self._selector in r.selectors and self.in_context(r.media) for r in sheet.rules):
            inside = unsplit_shorthand(sheet, self._selector, longhand, self.applies)
            return words.unsplit(inside, longhand) if inside else words.missing(longhand, has_rule=True)
        hidden = hidden_rule(sheet, self._selector)
        if hidden is not None:
            return words.hidden(hidden, sheet.unclosed_before(hidden))
        similar = similar_selector(sheet, self._selector)
        return words.missing(longhand, has_rule=False) + words.near_miss(similar)

    def _value_problem(self, cascade: Cascade, winners: dict[str, Candidate | None]) -> str | None:
        words = self.words
        if self.contains is not None:
            winner = winners[self._property]
            assert winner is not None
            wanted = canonical_value(self._property, parse_value(self.contains))
            return None if _contains(winner.terms, wanted) else words.lacks(winner, self.contains)
        actual = {name: winner.terms for name, winner in winners.items() if winner is not None}
        for index, expected in enumerate(self._expected):
            if all(actual.get(name) == terms for name, terms in expected.items()):
                return None if self.media is None else self._outside_media(expected, cascade, index)
        expected, texts = self._expected[0], self._expected_shown[0]
        name = next(name for name, terms in expected.items() if actual.get(name) != terms)
        winner = winners[name]
        assert winner is not None, "every target has a winner by now"
        overridden = next((c for c in reversed(cascade.candidates[name]) if c.terms == expected[name]), None)
        if overridden is not None and self.one_of is None:
            return words.overridden(overridden, winner)
        return words.mismatch(winner, texts[name])

    def _outside_media(self, expected: dict[str, Terms], cascade: Cascade, index: int) -> str | None:
        """With `media:`, the right value must also be declared inside a matching @media block."""
        for name, terms in expected.items():
            if not any(c.terms == terms and c.declared.media for c in cascade.candidates[name]):
                return self.words.not_in_media(name, self._expected_shown[index][name])
        return None


def _contains(terms: Terms, wanted: Terms) -> bool:
    size = len(wanted)
    return any(terms[i : i + size] == wanted for i in range(len(terms) - size + 1)) if size else True
