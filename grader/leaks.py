"""Hidden inputs given away: a hidden check's inputs written in the instructions, or in a hint or title
the learner sees, let a program answer them from a table instead of working them out.

`grader validate` warns about them (a warning, not a failure: it is a judgement call). Looked for:

- the inputs of hidden io, http, dom and browser checks (stdin lines, cases, paths, form values, typed
  text, the values `generate:` picks from), except those the visible checks use too;
- calls written in hidden test files (`sumTo(0)`, `count_words("a a b")`), except those in visible
  test files; and numbers given to them, when a hidden check's hint or title lists two or more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from grader.checks.base import CheckSpec
from grader.exercise import Exercise

CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\(([^()\n]{1,80})\)")
NAMES_ONLY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*$")
"""Arguments that are only variables (`read_names(path)`): how a function is called, not an input."""
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
FRAMEWORK = frozenset(
    "test it describe expect assert require check use show equal strictEqual deepStrictEqual throws rejects "
    "ok notStrictEqual raises approx len str int float print list dict set sorted range isinstance "
    "checkClose module exports open write read join split strip format repr type".split()
)
SHORTEST = 3
"""Inputs shorter than this (`0`, `a`) are everywhere in instructions: not a sign of a leak."""


def hidden_input_warnings(exercise: Exercise) -> list[str]:
    """Where the learner can read a hidden check's inputs, one sentence each."""
    visible_inputs: set[str] = set()
    visible_calls: set[str] = set()
    for check in exercise.checks:
        if not check.hidden:
            visible_inputs |= set(_inputs(check))
            visible_calls |= _calls(exercise, check)
    warnings = []
    instructions = exercise.instructions_markdown
    for check in exercise.checks:
        if not check.hidden:
            continue
        shown = {"the instructions": instructions, f"the hint of {check.id}": _hint_text(check),
                 f"the title of {check.id}": check.title or ""}
        inputs = sorted(set(_inputs(check)) - visible_inputs)
        calls = sorted(_calls(exercise, check) - visible_calls)
        numbers = {number for call in calls for number in NUMBER.findall(call)}
        for where, text in shown.items():
            found = [value for value in inputs if _mentions(text, value)]
            found += [call for call in calls if _squeezed(call) in _squeezed(text)]
            if where != "the instructions":
                listed = sorted({n for n in NUMBER.findall(text) if n in numbers}, key=float)
                if len(listed) >= 2:
                    found.append(", ".join(listed))
            if found:
                shown_values = "; ".join(repr(value) for value in found[:3])
                verb = "give" if where == "the instructions" else "gives"
                warnings.append(f"{where} {verb} away inputs of hidden check {check.id}: {shown_values}")
    return warnings


def _hint_text(check: CheckSpec) -> str:
    hint: Any = check.hint
    if hint is None:
        return ""
    return hint if isinstance(hint, str) else " ".join(str(part) for part in hint.tiers())


def _inputs(check: CheckSpec) -> list[str]:
    """The values a check sends or types, as text."""
    data = check.model_dump(by_alias=True)
    found: list[str] = []
    for key in ("stdin",):
        if isinstance(data.get(key), str):
            found += data[key].splitlines()
    for case in data.get("cases") or ():
        for name, value in case.items():
            if name != "title":
                found += str(value).splitlines()
    generate = data.get("generate") or {}
    for spec in (generate.get("values") or {}).values():
        found += [str(value) for value in spec.get("one_of") or ()]
    for request in data.get("requests") or ():
        found += [unquote(part) for part in str(request.get("path", "")).split("/")]
        found += [str(value) for value in (request.get("form") or {}).values()]
        if isinstance(request.get("body"), str):
            found.append(request["body"])
    for action in data.get("actions") or ():
        if isinstance(action.get("value"), str):
            found.append(action["value"])
    return [value.strip() for value in found if len(value.strip()) >= SHORTEST and "{" not in value]


def _calls(exercise: Exercise, check: CheckSpec) -> set[str]:
    tests = getattr(check, "tests", None)
    if not isinstance(tests, tuple):
        return set()
    return {call for path in tests for call in _calls_in(_read(exercise, path))}


def _calls_in(source: str) -> Iterable[str]:
    for match in CALL.finditer(source):
        arguments = match.group(2).strip()
        if match.group(1) not in FRAMEWORK and arguments and not NAMES_ONLY.match(arguments):
            yield f"{match.group(1)}({match.group(2).strip()})"


def _read(exercise: Exercise, path: str) -> str:
    try:
        return exercise.support_file_bytes(path).decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def _mentions(text: str, value: str) -> bool:
    pattern = r"(?<![\w])" + re.escape(value.casefold()) + r"(?![\w])"
    return re.search(pattern, text.casefold()) is not None


def _squeezed(text: str) -> str:
    return "".join(text.split()).replace("'", '"')
