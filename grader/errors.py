"""Mistakes in exercise content, told to the instructor as `file:line:col: where: what`, all at once.

`ContentError` is one mistake; `ExerciseInvalid` carries every mistake found in one go. Pydantic's
validation errors are translated here into plain English with the position of the offending key or value.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

Location = tuple[str | int, ...]
"""Where a value sits in a YAML document: its keys and list indexes from the top."""
_Items = TypeVar("_Items", bound=Sequence[Any])


@dataclass(frozen=True, order=True)
class ContentError:
    """One mistake: where it is (file, 1-based line and column, dotted YAML path) and what it is."""

    file: str
    line: int
    col: int
    message: str
    location: str = field(default="", kw_only=True)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        path = f"{self.location}: " if self.location else ""
        return f"{where}: {path}{self.message}"


class ErrorSource(Protocol):
    """A document that can say where a value was written (`grader.yamlsource.YamlDocument`)."""

    def error(
        self, loc: Location, message: str, *, at: Location | None = None, key: bool = False
    ) -> ContentError: ...


class ExerciseInvalid(Exception):
    """Exercise content with mistakes; `str()` lists every one of them, one per line, in file order."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors: tuple[ContentError, ...] = tuple(sorted(set(errors)))
        super().__init__("\n".join(str(error) for error in self.errors))


def dotted(loc: Sequence[str | int]) -> str:
    """`("checks", 1, "stdout")` -> `"checks.1.stdout"`."""
    return ".".join(str(part) for part in loc)


def describe(value: Any) -> str:
    """A short, YAML-flavoured description of a value an instructor wrote."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def non_empty(items: _Items) -> _Items:
    """A validator for lists that must hold something; runs only once every item is valid."""
    if not items:
        raise ValueError("must not be empty")
    return items


def suggestion(word: str, known: Iterable[str]) -> str:
    """`"; did you mean 'expect'?"` when a known word is close to `word`, else `""`."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def validation_errors(
    exc: ValidationError, model: type[BaseModel], doc: ErrorSource, prefix: Location = ()
) -> list[ContentError]:
    """Translate a pydantic error about `model`, validated from the YAML at `prefix` in `doc`."""
    found: list[ContentError] = []
    errors = exc.errors(include_url=False)
    for error in errors:
        loc: Location = tuple(error["loc"])
        if error["type"] == "too_short" and _inside_another(loc, errors):
            continue  # pydantic counts the list without its invalid items: those are the mistake
        full = prefix + loc
        if error["type"] == "extra_forbidden":
            key = str(loc[-1])
            message = f"unknown key '{key}'" + suggestion(key, known_keys(model, loc[:-1]))
            found.append(doc.error(full[:-1], message, at=full, key=True))
        elif error["type"] == "missing":
            found.append(doc.error(full[:-1], f"missing required key '{loc[-1]}'"))
        else:
            found.append(doc.error(full, plain_message(error)))
    return found


def _inside_another(loc: Location, errors: list[Any]) -> bool:
    """Whether another error is about an item inside `loc`."""
    return any(len(other["loc"]) > len(loc) and tuple(other["loc"][:len(loc)]) == loc for other in errors)


_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
}
_BOUNDS = {
    "greater_than": ("gt", "must be greater than"),
    "greater_than_equal": ("ge", "must be at least"),
    "less_than": ("lt", "must be less than"),
    "less_than_equal": ("le", "must be at most"),
}


def plain_message(error: Any) -> str:
    """The plain-English text of one pydantic error (without its location)."""
    kind: str = error["type"]
    value = error.get("input")
    ctx: dict[str, Any] = error.get("ctx") or {}
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {describe(value)}"
        if kind == "string_type" and isinstance(value, int | float):
            message += " (put it in quotes)"
        elif kind in ("list_type", "tuple_type") and isinstance(value, str):
            message += f" (write [{value}])"
        return message
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        return f"{words} {describe(ctx[name])}, got {describe(value)}"
    if kind == "literal_error":
        return f"expected {ctx['expected']}, got {describe(value)}"
    if kind in ("too_short", "string_too_short"):
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"needs at least {least} items"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items"
    if kind == "string_too_long":
        return f"is too long (at most {ctx['max_length']} characters)"
    if kind == "string_pattern_mismatch":
        return f"{describe(value)} does not match the pattern {ctx['pattern']}"
    text: str = error["msg"]
    for noise in ("Value error, ", "Assertion failed, "):
        text = text.removeprefix(noise)
    return text


def known_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys the mapping at `loc` (relative to `model`) accepts, for "did you mean" suggestions."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        origin, args = get_origin(annotation), get_args(annotation)
        if isinstance(part, int) and origin in (list, tuple) and args:
            annotation = args[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {info.alias or name: info for name, info in annotation.model_fields.items()}
            if part not in fields:
                return []
            annotation = fields[str(part)].annotation
        elif origin is dict and args:
            annotation = args[1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [info.alias or name for name, info in annotation.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to X."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
