"""The sentences a `css` rule shows a beginner: its title, and what to change when it fails.

Messages quote the learner's own value as written and say where it is ("style.css line 4"), and end
with the declaration to add when something is missing: "`h1` has no `color` rule. Add `color: red;`
inside `h1 { ... }`."
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.styles.cascade import Candidate
from grader.styles.sheet import Declared, RuleBlock

AT_WIDTH_MEDIA = "inside a @media rule that applies at that width"


@dataclass(frozen=True)
class RuleWords:
    selector: str
    property: str
    media: str | None
    at_width: float | None
    value: str | None
    one_of: tuple[str, ...] | None
    contains: str | None = None
    present: bool | None = None

    def titled(self, predicate: str) -> str:
        sentence = f"`{self.selector}` {predicate}"
        if self.media is not None:
            return f"Inside @media {self.media}, {sentence}"
        if self.at_width is not None:
            return f"At {self.at_width:g}px wide, {sentence}"
        return sentence

    def expected_text(self) -> str:
        if self.value is not None:
            return self.value
        return " or ".join(self.one_of or ())

    def suggestion(self) -> str:
        value = self.value or (self.one_of[0] if self.one_of else None) or self.contains or "..."
        return f"{self.property}: {value};"

    def missing(self, longhand: str, has_rule: bool) -> str:
        sel, add = self.selector, self.suggestion()
        if self.at_width is not None:
            return self._missing_at_width(has_rule)
        if not has_rule:
            if self.media is not None:
                return (
                    f"Your CSS has no rule for `{sel}` inside `@media {self.media}`. "
                    f"Add `@media {self.media} {{ {sel} {{ {add} }} }}`."
                )
            return f"Your CSS has no rule for `{sel}`. Add `{sel} {{ {add} }}`."
        if self.media is not None:
            return (
                f"`{sel}` has no `{longhand}` rule inside `@media {self.media}`. "
                f"Add `{add}` inside `{sel} {{ ... }}` in that @media block."
            )
        return f"`{sel}` has no `{longhand}` rule. Add `{add}` inside `{sel} {{ ... }}`."

    def _missing_at_width(self, has_rule: bool) -> str:
        """A plain rule applies at every width, so it is as good an answer as a @media rule."""
        sel, add = self.selector, self.suggestion()
        start = f"At {self.at_width:g}px wide, `{sel}` should {self._wanted()}"
        if has_rule:
            return f"{start}; add it to the `{sel}` rule, or {AT_WIDTH_MEDIA}."
        return (
            f"{start}, but no rule for `{sel}` applies at that width. Add `{sel} {{ {add} }}`, "
            f"or put it {AT_WIDTH_MEDIA}."
        )

    def _wanted(self) -> str:
        if self.present is not None:
            return f"set `{self.property}`"
        if self.contains is not None:
            return f"have a `{self.property}` that includes `{self.contains}`"
        if self.one_of is not None:
            return f"have `{self.property}` set to one of: {', '.join(self.one_of)}"
        return f"have `{self.property}: {self.value}`"

    def hidden(self, block: RuleBlock, unclosed_before: bool) -> str:
        """The learner wrote `selector { ... }`, but the browser drops it or reads it inside another rule."""
        sel = self.selector
        if unclosed_before or not block.selectors:
            missing = " (is a `}` missing?)" if unclosed_before else ""
            return (
                f"Your CSS has no `{sel}` rule that the browser can see: "
                f"check the `{{ }}` before {block.where}{missing}."
            )
        return (
            f"Your CSS has no `{sel}` rule of its own: the `{sel} {{ ... }}` on {block.where} is inside "
            f"another rule, so it only styles `{block.selectors[0]}`. "
            f"Write `{sel} {{ {self.suggestion()} }}` outside the other rule's `{{ }}`."
        )

    def unsplit(self, declared: Declared, longhand: str) -> str:
        return (
            f"`{self.selector}` sets `{declared.property}: {declared.raw}` ({declared.where}), which may set "
            f"{longhand}, but this checker can only read {longhand} when it is written on its own. "
            f"Add `{self.suggestion()}` inside `{self.selector} {{ ... }}` as well."
        )

    def near_miss(self, written: str | None) -> str:
        if written is None:
            return ""
        return f" (You have a rule for `{written}`: this exercise asks for the selector `{self.selector}`.)"

    def mismatch(self, winner: Candidate, expected: str) -> str:
        declared, longhand = winner.declared, winner.longhand
        if declared.property == self.property and longhand != self.property:
            actual, what = declared.raw, self.property  # the same shorthand: show it whole
            expected = self.expected_text()
        else:
            actual, what = winner.shown, longhand
        via = "" if declared.property in (longhand, what) else f" with `{declared.property}: {declared.raw}`"
        if self.one_of is not None:
            tail = f"but it should be one of: {', '.join(self.one_of)}"
        elif what != self.property:
            tail = f"but `{self.property}: {self.value}` needs {longhand} to be {expected}"
        else:
            tail = f"but it should be {expected}"
        return f"`{self.selector}` sets {what} to {actual}{via} ({declared.where}), {tail}."

    def overridden(self, good: Candidate, winner: Candidate) -> str:
        start = f"`{self.selector}` sets {winner.longhand} to {good.shown} ({good.declared.where}), but "
        if winner.declared.important and not good.declared.important:
            return start + f"{winner.declared.where} sets it to {winner.shown} with !important, which wins."
        return start + f"{winner.declared.where} changes it to {winner.shown}: the last rule wins."

    def lacks(self, winner: Candidate, contains: str) -> str:
        return (
            f"`{self.selector}` sets {self.property} to {winner.shown} ({winner.declared.where}), "
            f"which does not include {contains}."
        )

    def should_not_set(self, winner: Candidate) -> str:
        return f"`{self.selector}` should not set {winner.longhand}, but {winner.declared.where} does."

    def not_in_media(self, longhand: str, expected: str) -> str:
        return (
            f"`{self.selector}` gets {longhand}: {expected}, but not from inside `@media {self.media}`. "
            f"Put `{self.selector} {{ {self.suggestion()} }}` inside that @media block."
        )
