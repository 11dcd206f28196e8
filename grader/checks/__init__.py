"""The check kinds, in one table. Adding a kind is one module and one line in `KINDS`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grader.checks.base import CheckSpec
from grader.checks.browser import BrowserCheck
from grader.checks.calls import CallsCheck
from grader.checks.css import CssCheck
from grader.checks.dom import DomCheck
from grader.checks.html import HtmlCheck
from grader.checks.http import HttpCheck
from grader.checks.io import IoCheck
from grader.checks.node import NodeCheck
from grader.checks.pytest import PytestCheck
from grader.checks.script import ScriptCheck
from grader.errors import describe, suggestion

KINDS: dict[str, type[CheckSpec]] = {
    "browser": BrowserCheck,
    "calls": CallsCheck,
    "css": CssCheck,
    "dom": DomCheck,
    "html": HtmlCheck,
    "http": HttpCheck,
    "io": IoCheck,
    "node": NodeCheck,
    "pytest": PytestCheck,
    "script": ScriptCheck,
}
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
