"""The check kinds, in one table. Adding a kind is one module and one line in `KINDS`."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from grader.checks.base import CheckSpec
from grader.errors import describe, suggestion

KINDS: dict[str, str] = {
    "browser": "grader.checks.browser:BrowserCheck",
    "calls": "grader.checks.calls:CallsCheck",
    "css": "grader.checks.css:CssCheck",
    "dom": "grader.checks.dom:DomCheck",
    "html": "grader.checks.html:HtmlCheck",
    "http": "grader.checks.http:HttpCheck",
    "io": "grader.checks.io:IoCheck",
    "node": "grader.checks.node:NodeCheck",
    "pytest": "grader.checks.pytest:PytestCheck",
    "script": "grader.checks.script:ScriptCheck",
}
"""Every check kind by the name written after `kind:`: where its model is (`module:class`), imported
when an exercise first uses the kind (a Python exercise never loads the browser's: `grader run` stays
quick)."""


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
    module, _, name = KINDS[kind].partition(":")
    model: type[CheckSpec] = getattr(importlib.import_module(module), name)
    return model


def parse_check(data: Mapping[str, Any]) -> CheckSpec:
    """Validate one check's mapping with its kind's model.

    Raises:
        UnknownCheckKind: no `kind`, or an unknown one.
        pydantic.ValidationError: the options do not fit the kind.
    """
    if "kind" not in data:
        raise UnknownCheckKind("missing required key 'kind'")
    return check_class(data["kind"]).model_validate(data)
