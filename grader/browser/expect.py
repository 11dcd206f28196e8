"""What a `browser` check expects of the page, as the browser renders it: one YAML mapping per assertion.

Besides every `html` assertion (text, attributes, counts, structure, document order: judged on the DOM
as it is after the actions), an assertion is one of:

    {selector: h1, style: {color: red, font-weight: bold}}    # computed values, normalised
    {selector: .menu, visible: true}                           # shown on the page (or not)
    {selector: .card, box: {min_width: 300, max_width: 600}}   # width/height/x/y ranges, CSS px
    {selector: .a, overlaps: .b, expect: false}                # boxes share an area (or not)
    {order: [.a, .b], axis: x}                                 # left to right (x) or top to bottom (y)
    {console_errors: none}                                     # no error in the console
    {looks_like: reference, tolerance: 0.05}                   # picture within 5% of the solution's

Any of them takes `at: 375` (only at the viewport that wide), `message` (replaces the generated
failure message) and `title` (the test's name the learner sees). Element assertions hold when one
matching element passes, or every one with `all: true`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from grader.markup.assertions import HtmlAssertion, _compile_selector

ELEMENT_TESTS = ("style", "visible", "box", "overlaps")
BROWSER_KEYS = (*ELEMENT_TESTS, "expect", "axis", "console_errors", "looks_like", "tolerance", "at")
PROPERTY = re.compile(r"^(--)?[a-z][a-z0-9-]*$")
Form = Literal["html", "style", "visible", "box", "overlaps", "layout", "console", "looks"]


class Viewport(BaseModel):
    """A browser window size, in CSS pixels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(ge=240, le=2560)
    height: int = Field(default=800, ge=200, le=2000)

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height}"


class BoxRange(BaseModel):
    """Bounds on an element's box (CSS px, from the page's top left corner); give at least one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_width: float | None = None
    max_width: float | None = None
    min_height: float | None = None
    max_height: float | None = None
    min_x: float | None = None
    max_x: float | None = None
    min_y: float | None = None
    max_y: float | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> BoxRange:
        bounds = self.bounds()
        if not bounds:
            raise ValueError("give at least one of min_width, max_width, min_height, max_height, min_x, ...")
        for measure in ("width", "height", "x", "y"):
            low, high = getattr(self, f"min_{measure}"), getattr(self, f"max_{measure}")
            if low is not None and high is not None and low > high:
                raise ValueError(f"`min_{measure}` ({low:g}) is larger than `max_{measure}` ({high:g})")
        return self

    def bounds(self) -> list[tuple[str, str, float]]:
        """(measure, "min" or "max", value) for every bound given."""
        found = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is not None:
                side, _, measure = name.partition("_")
                found.append((measure, side, float(value)))
        return found


class BrowserAssertion(HtmlAssertion):
    """One expectation of a browser check (shapes in the module docstring)."""

    style: dict[str, str] | None = Field(default=None, min_length=1, max_length=20)
    visible: bool | None = None
    box: BoxRange | None = None
    overlaps: str | None = Field(default=None, min_length=1, max_length=500)
    expect: bool = True
    axis: Literal["x", "y"] | None = None
    console_errors: Literal["none"] | None = None
    looks_like: Literal["reference"] | None = None
    tolerance: float = Field(default=0.05, ge=0, le=1)
    at: int | None = Field(default=None, ge=240, le=2560)

    @model_validator(mode="after")
    def _check_shape(self) -> BrowserAssertion:  # replaces HtmlAssertion's check of the same name
        blank = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if blank:
            raise ValueError(f'`{blank[0]}` is empty (in YAML, quote text that starts with #: "#main")')
        given = self.model_fields_set - {"message", "title", "at"}
        form = self.form
        if form == "html" and self.structure is None and self.selector is None and self.order is None:
            raise ValueError(f"this assertion checks nothing: {_usage()}, or an html assertion")
        allowed = {
            "console": {"console_errors"},
            "looks": {"looks_like", "tolerance"},
            "layout": {"order", "axis"},
            "overlaps": {"selector", "overlaps", "expect"},
        }.get(form, {"selector", form, "all_"})
        if form == "html":
            html_keys = {key for key in given if key not in BROWSER_KEYS}
            extra = sorted(given - html_keys)
            if extra:
                raise ValueError(f"`{extra[0]}` does not go with this assertion: {_usage()}")
            shared = {"message", "title"} & self.model_fields_set
            plain = HtmlAssertion.model_validate({key: getattr(self, key) for key in html_keys | shared})
            self._compiled, self._order, self._pattern = plain._compiled, plain._order, plain._pattern
            return self
        extra = sorted(given - allowed)
        if extra:
            name = "all" if extra[0] == "all_" else extra[0]
            raise ValueError(f"`{name}` does not go with `{_root_key(form)}`")
        for selector in (self.selector, self.overlaps, *(self.order or ())):
            if selector is not None:
                _compile_selector(selector)
        for name in self.style or {}:
            if not PROPERTY.match(name):
                raise ValueError(f"`{name}` is not a CSS property name (in lower case, like font-size)")
        return self

    @property
    def form(self) -> Form:
        """Which kind of assertion this is; "html" for the ones the html check knows."""
        if self.console_errors is not None:
            return "console"
        if self.looks_like is not None:
            return "looks"
        if self.order is not None and self.axis is not None:
            return "layout"
        if self.selector is not None:
            tests = [key for key in ELEMENT_TESTS if getattr(self, key) is not None]
            if len(tests) > 1:
                raise ValueError(f"give only one of `{'`, `'.join(tests)}` in one assertion")
            if tests:
                return tests[0]  # type: ignore[return-value]
        return "html"

    def selectors(self) -> tuple[str, ...]:
        """The selectors whose elements the browser must describe for this assertion."""
        if self.form == "layout":
            return tuple(self.order or ())
        if self.form in ("style", "visible", "box"):
            return (self.selector or "",)
        if self.form == "overlaps":
            return (self.selector or "", self.overlaps or "")
        return ()


def _root_key(form: str) -> str:
    return {"console": "console_errors", "looks": "looks_like", "layout": "order"}.get(form, form)


def _usage() -> str:
    return ("use `style`, `visible`, `box` or `overlaps` with a `selector`, `axis` with `order`, "
            "`console_errors` or `looks_like`")
