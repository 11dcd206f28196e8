"""docs/authoring.md documents every field of exercise.yaml and every option of every check kind: the
pydantic models in grader/exercise.py and grader/checks/ are the truth, and a new option without a
word in the guide fails here."""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from grader.checks import KINDS, check_class
from grader.checks.base import CheckSpec
from grader.exercise import ExerciseYaml
from tests.helpers.docs import DOCS

GUIDE = DOCS / "authoring.md"
KIND_ORDER = ("pytest", "io", "node", "calls", "script", "html", "css", "dom", "http", "browser")
"""The order of the guide's sections; a nested model (an html assertion, say) is documented in the
first section that uses it."""


def section(title: str) -> str:
    """The text under the heading `title` (any level) up to the next heading of the same or a higher level."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    for start, line in enumerate(lines):
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading and heading[2].strip() == title:
            level = len(heading[1])
            end = next(
                (i for i in range(start + 1, len(lines))
                 if re.match(rf"^#{{1,{level}}}\s", lines[i])), len(lines)
            )
            return "\n".join(lines[start:end])
    raise AssertionError(f"docs/authoring.md has no heading {title!r}")


def yaml_name(model: type[BaseModel], field: str) -> str:
    info = model.model_fields[field]
    return info.alias or field


def _nested(annotation: Any) -> list[Any]:
    """The annotation and everything inside it (Optional, tuples, dicts, Annotated)."""
    found = [annotation]
    origin = get_origin(annotation)
    if origin is Annotated:
        return [annotation, *_nested(get_args(annotation)[0])]
    if origin in (Union, types.UnionType, tuple, list, dict) or origin is not None and origin is not Literal:
        for argument in get_args(annotation):
            if argument is not Ellipsis:
                found += _nested(argument)
    return found


def own_fields(model: type[BaseModel], documented: set[type[BaseModel]]) -> list[str]:
    """The fields of `model` but those it inherits from a model documented already (a kind's common
    fields, the html assertion a browser assertion extends)."""
    inherited: set[str] = set()
    for base in model.__mro__[1:]:
        if base in documented:
            inherited |= set(base.model_fields)  # type: ignore[attr-defined]
    return [name for name in model.model_fields if name not in inherited]


def options(model: type[BaseModel], seen: set[type[BaseModel]]) -> tuple[list[str], list[str]]:
    """The YAML names of the options of `model` and of the models nested in it not yet `seen`, and the
    values of their Literal options (a `kind` left out)."""
    names: list[str] = []
    values: list[str] = []
    fields = own_fields(model, seen)
    seen.add(model)
    for field in fields:
        if field == "kind":
            continue
        names.append(yaml_name(model, field))
        for part in _nested(model.model_fields[field].annotation):
            if get_origin(part) is Literal:
                values += [str(value) for value in get_args(part)]
            elif isinstance(part, type) and issubclass(part, BaseModel) and part not in seen:
                inner_names, inner_values = options(part, seen)
                names += inner_names
                values += inner_values
    return names, values


def _missing(text: str, names: list[str], values: list[str]) -> list[str]:
    missing = [f"option `{name}`" for name in names
               if not re.search(rf"(?<![\w-]){re.escape(name)}(?=[`:])", text)]
    missing += [f"value `{value}`" for value in values
                if not re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text)]
    return missing


def test_the_guide_has_a_section_for_each_kind_in_the_registry() -> None:
    assert sorted(KIND_ORDER) == sorted(KINDS), "add a section to docs/authoring.md and to KIND_ORDER"
    for kind in KIND_ORDER:
        section(f"`{kind}`")


def test_every_field_of_exercise_yaml_is_documented() -> None:
    names, values = options(ExerciseYaml, set())
    assert not _missing(section("exercise.yaml"), names, values)


def test_every_field_every_check_has_is_documented() -> None:
    names = [yaml_name(CheckSpec, field) for field in CheckSpec.model_fields]
    assert not _missing(section("Fields every check has"), names, [])


def _required_by_kind() -> dict[str, tuple[list[str], list[str]]]:
    seen: set[type[BaseModel]] = {CheckSpec}
    return {kind: options(check_class(kind), seen) for kind in KIND_ORDER if kind in KINDS}


REQUIRED = _required_by_kind()


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_every_option_of_a_kind_is_documented_in_its_section(kind: str) -> None:
    names, values = REQUIRED[kind]
    assert names, kind
    missing = _missing(section(f"`{kind}`"), names, values)
    assert not missing, f"docs/authoring.md, section `{kind}`, says nothing of: {', '.join(missing)}"


def test_a_missing_option_is_found() -> None:
    assert _missing("`tests` and `points`:", ["tests", "points", "timeout"], ["end"]) == [
        "option `timeout`", "value `end`"
    ]
