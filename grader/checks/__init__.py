"""The check kinds, in one table. Adding a kind is one module and one line in `_TABLE`."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from grader.checks.base import CheckSpec
from grader.errors import describe, suggestion

_TABLE = {
    "css": "grader.checks.css:CssCheck",
    "dom": "grader.checks.dom:DomCheck",
    "html": "grader.checks.html:HtmlCheck",
    "http": "grader.checks.http:HttpCheck",
    "io": "grader.checks.io:IoCheck",
    "node": "grader.checks.node:NodeCheck",
    "pytest": "grader.checks.pytest:PytestCheck",
    "script": "grader.checks.script:ScriptCheck",
}
# Modules still being written: a kind that needs one of them is left out until it lands.
_PENDING = frozenset({"grader.checks.html", "grader.checks.css"})


def _load(table: Mapping[str, str]) -> dict[str, type[CheckSpec]]:
    kinds: dict[str, type[CheckSpec]] = {}
    for kind, target in table.items():
        module_name, _, class_name = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name in _PENDING:
                continue
            raise
        spec = getattr(module, class_name)
        if not (isinstance(spec, type) and issubclass(spec, CheckSpec)):
            raise TypeError(f"{target} is not a CheckSpec")
        kinds[kind] = spec
    return kinds


KINDS: dict[str, type[CheckSpec]] = _load(_TABLE)
"""Every check kind by the name written after `kind:`."""


class UnknownCheckKind(ValueError):
    """A `kind:` that names no registered kind; the message lists the known ones."""


def check_class(kind: object) -> type[CheckSpec]:
    """The model for `kind`.

    Raises:
        UnknownCheckKind: `kind` is not text or not registered.
    """
    if not isinstance(kind, str):
        raise UnknownCheckKind(f"expected the name of a check kind, got {describe(kind)}")
    if kind not in KINDS:
        known = ", ".join(sorted(KINDS))
        raise UnknownCheckKind(f"unknown check kind '{kind}' (known: {known})" + suggestion(kind, KINDS))
    return KINDS[kind]


def parse_check(data: Mapping[str, Any]) -> CheckSpec:
    """Validate one check's mapping with its kind's model.

    Raises:
        UnknownCheckKind: no `kind`, or an unknown one.
        pydantic.ValidationError: the options do not fit the kind.
    """
    if "kind" not in data:
        raise UnknownCheckKind("missing required key 'kind'")
    return check_class(data["kind"]).model_validate(data)
