"""The requests an `http` check sends and what it expects of each answer (their YAML models), apart
from the check so that the judge of answers (httpjudge.py) and the check share them."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from grader.checks.html import HtmlAssertion

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


Texts = Annotated[tuple[str, ...], BeforeValidator(_as_list)]


SolutionPart = Literal["status", "json", "text"]


class HttpExpect(BaseModel):
    """What the response must show. `headers` values must be contained (names are case-insensitive);
    `text_contains` looks at the text a browser shows (tags removed, entities decoded) unless `raw`;
    `json` is matched as a subset; `redirect_to` is the Location the response points at;
    `like_solution` compares parts of the response with the reference solution's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: int | None = Field(default=None, ge=100, le=599)
    headers: dict[str, str] = Field(default_factory=dict)
    text_contains: Texts = ()
    text_not_contains: Texts = ()
    raw: bool = False
    json_subset: Any = Field(default=None, alias="json")
    html: tuple[HtmlAssertion, ...] = ()
    redirect_to: str | None = None
    like_solution: tuple[SolutionPart, ...] = ()

    @model_validator(mode="after")
    def _expects_something(self) -> Self:
        if not self.model_fields_set - {"raw"}:
            raise ValueError("say what to expect: status, headers, text_contains, json, html, redirect_to "
                             "or like_solution")
        if self.raw and not (self.text_contains or self.text_not_contains):
            raise ValueError("`raw` goes with text_contains and text_not_contains")
        for assertion in self.html:
            if assertion.visible is not None or assertion.by_script:
                raise ValueError("`visible` and `by_script` need a browser: use a browser check")
        return self

    @property
    def has_json(self) -> bool:
        """Whether `json:` was written (its value may be null)."""
        return "json_subset" in self.model_fields_set


class HttpRequest(BaseModel):
    """One request; at most one of `form`, `json` and `body`. Cookies carry over to the next request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Annotated[Method, BeforeValidator(_upper)] = "GET"
    path: str
    title: str | None = Field(default=None, max_length=200)
    headers: dict[str, str] = Field(default_factory=dict)
    form: dict[str, str] | None = None
    json_body: Any = Field(default=None, alias="json")
    body: str | None = None
    follow_redirects: bool = False
    expect: HttpExpect

    @field_validator("path")
    @classmethod
    def _absolute_path(cls, path: str) -> str:
        if not path.startswith("/") or any(char.isspace() for char in path):
            raise ValueError(
                f"expected a path starting with '/' and without spaces (like /guestbook), got {path!r}"
            )
        return path

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        bodies = [name for name in ("form", "json_body", "body") if name in self.model_fields_set]
        if len(bodies) > 1:
            raise ValueError("give at most one of form, json and body")
        return self

    @property
    def has_json(self) -> bool:
        return "json_body" in self.model_fields_set
