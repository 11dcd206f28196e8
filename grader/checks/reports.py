"""Reading what a step's reporter wrote, strictly: the host accepts only what it can check.

A report is made in the sandbox, next to the learner's code, so it is read as untrusted input: every
line, event and field is checked against the shape its reporter writes, and anything else, of any
size, is a `MalformedReport`, which a kind turns into a plain message for that check (never an
internal error of the grader, never a retry).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_EVENTS = 20_000
Shape = Mapping[str, Any]
"""Field -> what it must be: a type, a tuple of types (None for null), or a frozenset of allowed values."""


class MalformedReport(Exception):
    """The report is not what its reporter writes; the message says what is wrong, in words."""


def json_lines(report: str, shapes: Mapping[str, Shape], kind_field: str = "event") -> list[dict[str, Any]]:
    """The events of a reporter that writes one JSON object per line, each checked against the shape
    of its kind (`shapes[event[kind_field]]`).

    Raises:
        MalformedReport: a line is not JSON, an event of an unknown kind, a field missing, extra or of
            the wrong type, or too many events.
    """
    events: list[dict[str, Any]] = []
    for number, line in enumerate(report.splitlines(), start=1):
        if not line.strip():
            continue
        if len(events) >= MAX_EVENTS:
            raise MalformedReport(f"more than {MAX_EVENTS} events")
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            raise MalformedReport(f"line {number} is not JSON") from None
        if not isinstance(event, dict):
            raise MalformedReport(f"line {number} is not an object")
        kind = event.get(kind_field)
        shape = shapes.get(kind) if isinstance(kind, str) else None
        if shape is None:
            raise MalformedReport(f"line {number} is an unknown event")
        check_shape(event, shape, f"line {number}")
        events.append(event)
    return events


def json_object(report: str, shape: Shape) -> dict[str, Any]:
    """A report that is one JSON object, checked against `shape`.

    Raises:
        MalformedReport: it is not, or not of that shape.
    """
    try:
        value = json.loads(report)
    except (ValueError, RecursionError):
        raise MalformedReport("it is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedReport("it is not an object")
    check_shape(value, shape, "the report")
    return value


def check_shape(value: Mapping[str, Any], shape: Shape, where: str) -> None:
    """Raises MalformedReport unless `value` has exactly the fields of `shape`, each as it says. A
    field whose rule allows None may be left out."""
    extra = set(value) - set(shape)
    if extra:
        raise MalformedReport(f"{where} has unknown fields ({', '.join(sorted(map(str, extra)))[:200]})")
    for name, rule in shape.items():
        if name not in value:
            if isinstance(rule, tuple) and None in rule:
                continue
            raise MalformedReport(f"{where} has no {name}")
        if not fits(value[name], rule):
            raise MalformedReport(f"{where} has a wrong {name}")


def fits(item: Any, rule: Any) -> bool:
    if isinstance(rule, frozenset):
        return isinstance(item, str) and item in rule
    kinds = rule if isinstance(rule, tuple) else (rule,)
    if isinstance(item, bool) and bool not in kinds:
        return False  # JSON true is not a number
    return isinstance(item, tuple(type(None) if kind is None else kind for kind in kinds))


def list_of(items: Any, rule: Any) -> bool:
    return isinstance(items, list) and all(fits(item, rule) for item in items)
