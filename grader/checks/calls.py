"""The `calls` check: a table of calls of the learner's functions and the results expected, which an
instructor who is not a programmer can write.

```yaml
- kind: calls
  file: functions.py
  calls:
    - {call: double(5), expect: 10}
    - {call: divide(1, 0), raises: ZeroDivisionError}
    - {call: double(-7), expect: -14, hidden: true}
```

Each call is read on the host (calls_syntax.py: a function's name and plain values, never code) and
sent into the sandbox, where a client of ours (grader uid, grader/harness/calls_client.py) asks the
learner's server (learner uid, the one pytest and node tests use) to make it and passes back what came
back, by value. The expected values and errors never enter the sandbox: the host compares
(calls_values.py). Hidden rows run in a step of their own, after every visible check, and learners see
only their verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.calls_syntax import (
    UNDEFINED,
    Call,
    CallSyntaxError,
    Language,
    function_names,
    parse_call,
    python_module,
)
from grader.checks.calls_values import (
    LearnerError,
    Thrown,
    decode_javascript,
    decode_python,
    kind_of,
    matches,
    node_error,
    python_error,
    shown,
)
from grader.checks.common import learner_files, make_result, scored_by_tests, stopped_result, time_limit
from grader.checks.reports import MalformedReport, Shape, json_lines
from grader.errors import non_empty
from grader.feedback import learner_output, node_crash, python_crash
from grader.paths import LearnerPath
from grader.result import CheckResult, TestOutcome

VALUE = (dict, list, str, int, float, bool, None)
EVENTS: dict[str, Shape] = {
    "loaded": {"event": str},
    "load-failed": {"event": str, "error": VALUE, "out": str},
    "result": {"event": str, "index": int, "value": VALUE, "repr": (str, None), "out": str,
               "back": (list, None)},
    "raised": {"event": str, "index": int, "error": VALUE, "out": str},
    "no-function": {"event": str, "index": int, "name": str, "missing": bool, "found": VALUE},
    "too-large": {"event": str, "index": int, "bytes": int},
    "ended": {"event": str, "index": (int, None), "how": frozenset({"closed", "exit", "crash", "unreadable"}),
              "detail": str},
    "done": {"event": str},
}
"""Every event calls_client.py writes."""
SUFFIXES: dict[str, Language] = {".py": "python", ".js": "javascript", ".cjs": "javascript"}
NOT_RUN = "This call did not run: the call before it did not finish."
PLAIN_DATA = (str, int, float, bool, type(None))


def _plain_expectation(value: Any, depth: int = 0) -> str | None:
    """Why `value` (from the YAML) cannot be an expected value, or None when it can."""
    if depth > 30:
        return "is nested too deeply"
    if isinstance(value, datetime | date):
        return "reads as a date: put it in quotes to expect text"
    if isinstance(value, PLAIN_DATA):
        return None
    if isinstance(value, list):
        return next((p for p in (_plain_expectation(item, depth + 1) for item in value) if p), None)
    if isinstance(value, dict):
        return next((p for p in (_plain_expectation(item, depth + 1) for item in value.values()) if p), None)
    return f"cannot be expected: {type(value).__name__}"


class CallRow(BaseModel):
    """One row of the table: a call, and what it must give back (`expect`) or raise (`raises`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    call: str = Field(min_length=1, max_length=4000)
    expect: Any = None
    raises: str | None = Field(default=None, pattern=r"^[A-Za-z_$][\w$]*$", max_length=100)
    hidden: bool = False
    title: str | None = Field(default=None, max_length=200)

    @field_validator("call")
    @classmethod
    def _call_reads(cls, call: str) -> str:
        """A call neither language can send is reported now, with the check's other mistakes; which
        of the two it must be is known once the check meets the exercise's files (`cross_check`)."""
        try:
            parse_call(call, "python")
        except CallSyntaxError as error:
            try:
                parse_call(call, "javascript")
            except CallSyntaxError:
                raise ValueError(f"{call[:60]!r} {error}") from None
        return call

    @model_validator(mode="after")
    def _one_outcome(self) -> Self:
        given = {"expect", "raises"} & self.model_fields_set
        if len(given) != 1 or (self.raises is None and "raises" in given):
            raise ValueError("give exactly one of expect (the value it gives back) or raises (the error it "
                             "stops with)")
        problem = _plain_expectation(self.expect)
        if problem is not None:
            raise ValueError(f"expect {problem}")
        return self

    @property
    def expects_value(self) -> bool:
        return self.raises is None


class CallsCheck(CheckSpec):
    """`calls:` is a table of calls of the functions in `file` (one of the learner's files: Python or
    JavaScript), each with the value it must give back or the error it must stop with. `points` are
    split evenly over the rows; `tolerance` is how close numbers with a fraction must be."""

    kind: Literal["calls"] = "calls"
    file: LearnerPath | None = None
    calls: Annotated[tuple[CallRow, ...], AfterValidator(non_empty)]
    tolerance: float = Field(default=1e-6, ge=0, le=1)

    label: ClassVar[str] = "Function calls"

    def default_title(self) -> str:
        names = list(dict.fromkeys(name for row in self.calls if (name := function_names(row.call))))
        if not names:
            return self.label
        shown_names = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        return f"Calls of {shown_names}"

    # -- the learner's file and language --------------------------------------------------------------

    def source(self, learner: frozenset[str] | tuple[str, ...]) -> tuple[str, Language] | None:
        """The learner's file the functions are in, and its language; None when there is none."""
        if self.file is not None:
            language = SUFFIXES.get("." + self.file.rsplit(".", 1)[-1].lower())
            return (self.file, language) if language else None
        ordered = learner if isinstance(learner, tuple) else tuple(sorted(learner))
        for path in ordered:
            language = SUFFIXES.get("." + path.rsplit(".", 1)[-1].lower())
            if language is not None:
                return path, language
        return None

    def cross_check(self, learner_files: frozenset[str]) -> list[tuple[tuple[str | int, ...], str]]:
        if self.file is not None and self.file not in learner_files:
            return [(("file",), f"'{self.file}' is not one of the exercise's files")]
        found = self.source(learner_files)
        if found is None:
            where: tuple[str | int, ...] = ("file",) if self.file is not None else ()
            message = "the functions must be in a Python (.py) or JavaScript (.js) file of the learner's"
            return [(where, message + ": name it with file:")]
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for index, row in enumerate(self.calls):
            try:
                parse_call(row.call, found[1])
            except CallSyntaxError as error:
                problems.append((("calls", index, "call"), f"{row.call[:60]!r} {error}"))
        return problems

    # -- steps ----------------------------------------------------------------------------------------

    def _groups(self) -> list[tuple[str, bool, list[int]]]:
        """(step id, hidden rows, row indices): the visible rows, then the hidden rows of a visible check."""
        check_id = self.id or "calls"
        if self.hidden:
            return [(check_id, False, list(range(len(self.calls))))]
        visible = [i for i, row in enumerate(self.calls) if not row.hidden]
        hidden = [i for i, row in enumerate(self.calls) if row.hidden]
        groups = [(check_id, False, visible)] if visible else []
        return groups + ([(f"{check_id}:hidden", True, hidden)] if hidden else [])

    def _parsed(self, ctx: GradingContext) -> tuple[str, Language, list[Call]]:
        found = self.source(tuple(ctx.exercise.files))
        if found is None:
            raise ValueError(f"check {self.id}: no Python or JavaScript file to call")
        file, language = found
        return file, language, [parse_call(row.call, language) for row in self.calls]

    def steps(self, ctx: GradingContext) -> list[Step]:
        file, language, calls = self._parsed(ctx)
        base = {"language": language, "file": file, "module": python_module(file),
                "learner_files": list(ctx.exercise.files)}
        limit = time_limit(self, ctx)
        return [Step(step_id, "calls", {**base, "calls": [calls[i].to_params() for i in rows]}, limit,
                     hidden=hidden)
                for step_id, hidden, rows in self._groups()]

    # -- judging --------------------------------------------------------------------------------------

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        file, language, calls = self._parsed(ctx)
        judged: dict[int, TestOutcome] = {}
        timed_out = False
        for step_id, _, rows in self._groups():
            output = outputs[step_id]
            if output.status != "timeout":
                stopped = stopped_result(self, ctx, output)
                if stopped is not None:
                    return stopped
            try:
                events = json_lines(output.report, EVENTS)
                failed = _load_failure(events)
                if failed is not None:
                    return self._load_failed(ctx, language, failed, output)
                judged.update(self._rows(ctx, file, language, calls, rows, events, output))
            except MalformedReport as problem:
                message = f"What your code gave back could not be read ({problem}): no points."
                return make_result(self, "error", 0.0, message)
            timed_out = timed_out or output.status == "timeout"
        tests = [judged[index] for index in range(len(self.calls))]
        result = scored_by_tests(self, tests, noun="call")
        if timed_out:
            return make_result(self, "timeout", result.score, result.message, tests=result.tests)
        return result

    def _load_failed(self, ctx: GradingContext, language: Language, event: dict[str, Any],
                     output: StepOutput) -> CheckResult:
        """The learner's file could not be loaded: the check could not be made (status error)."""
        message, shown_output = _load_failed_message(language, event, learner_files(ctx))
        printed = event.get("out") or output.stdout
        return make_result(self, "error", 0.0, message, output=shown_output or learner_output(printed))

    def _rows(self, ctx: GradingContext, file: str, language: Language, calls: list[Call], rows: list[int],
              events: list[dict[str, Any]], output: StepOutput) -> dict[int, TestOutcome]:
        by_row: dict[int, dict[str, Any]] = {}
        ended: dict[str, Any] | None = None
        for event in events[1:]:
            kind = event["event"]
            if kind in ("loaded", "load-failed"):
                raise MalformedReport("loaded twice")
            if kind == "done":
                continue
            if kind == "ended":
                ended = event
                continue
            index = event["index"]
            if not 0 <= index < len(rows) or rows[index] in by_row:
                raise MalformedReport("a call reported that was not made, or twice")
            by_row[rows[index]] = event
        hidden_number = 0
        found: dict[int, TestOutcome] = {}
        waiting = True
        for position, row_index in enumerate(rows):
            row = self.calls[row_index]
            hidden = row.hidden and not self.hidden
            if hidden:
                hidden_number += 1
            name = row.title or (f"Hidden call {hidden_number}" if hidden else row.call.strip())
            reported = by_row.get(row_index)
            if reported is not None:
                status, message = self._verdict(ctx, file, language, calls[row_index], row, reported)
                if message and name != row.call.strip():
                    message = f"{row.call.strip()}: {message}"
            elif ended is not None and (ended["index"] == position or (ended["index"] is None and waiting)):
                status, message = "error", _ended_message(ended, row.call.strip())
                waiting = False
            elif output.status == "timeout" and waiting:
                status = "error"
                seconds = time_limit(self, ctx)
                message = (f"{row.call.strip()} was still running after {seconds:g} seconds, so it was "
                           "stopped. Look for a loop that never ends.")
                waiting = False
            else:
                status, message = "error", NOT_RUN
            found[row_index] = TestOutcome(name, status, message, hidden)
        return found

    def _verdict(self, ctx: GradingContext, file: str, language: Language, call: Call, row: CallRow,
                 event: dict[str, Any]) -> tuple[Literal["pass", "fail", "error"], str]:
        """A row's status and what to tell about it (the call itself is the test's name)."""
        kind = event["event"]
        if kind == "no-function":
            if event["missing"]:
                return "fail", f"Your file {file} has no function {event['name']}."
            value = _decoded(language, event["found"], None, None, None)
            return "fail", f"{event['name']} in {file} is {kind_of(value, language)}, not a function."
        if kind == "too-large":
            size = event["bytes"]
            return "fail", f"Your function gave back something too large to compare ({size:,} bytes)."
        wanted = shown(row.expect, language) if row.expects_value else f"it to stop with {row.raises}"
        if kind == "raised":
            error = _error(language, event["error"], learner_files(ctx))
            if isinstance(error, LearnerError) and "SystemExit" in error.names:
                return "error", "Your code ended the program here (it called exit())."
            raised = error.sentence() if isinstance(error, LearnerError) else (
                f"a throw of {shown(error.value, language)} (not an Error)")
            if row.expects_value:
                return "error", f"Expected {wanted}, but your function stopped with {raised}."
            if isinstance(error, LearnerError) and row.raises in error.names:
                return "pass", ""
            return "fail", f"Expected {wanted}, but it stopped with {raised}."
        value = _decoded(language, event["value"], event["repr"], call, event["back"])
        if row.expects_value and matches(row.expect, value, self.tolerance):
            return "pass", ""
        message = f"Expected {wanted}, but your function gave back {shown(value, language)}"
        if row.expects_value and not _nothing(value):
            expected_kind, got_kind = kind_of(row.expect, language), kind_of(value, language)
            if expected_kind != got_kind:
                message += f" ({got_kind}, not {expected_kind})"
        return "fail", message + "." + _advice(language, value, event["out"])


def _nothing(value: Any) -> bool:
    """None in Python, undefined in JavaScript: what a function without `return` gives back."""
    return value is None or value is UNDEFINED


def _load_failure(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The event that says the learner's file could not load, or None when it loaded."""
    if not events:
        raise MalformedReport("nothing was reported")
    first = events[0]
    if first["event"] == "ended" and first["index"] is None:
        return first
    if first["event"] not in ("loaded", "load-failed"):
        raise MalformedReport("the first event is not the loading")
    return first if first["event"] == "load-failed" else None


def _decoded(language: Language, node: Any, repr_text: str | None, call: Call | None, back: Any) -> Any:
    if language == "python":
        return decode_python(node, repr_text)
    arguments = ["a", [["u"], *call.args]] if call is not None else None
    return decode_javascript(node, arguments, back)


def _error(language: Language, node: Any, files: frozenset[str]) -> LearnerError | Thrown:
    if language == "python":
        error = python_error(node)
        if error.file is None:
            crash = python_crash(error.detail, files)
            if crash is not None and crash.file is not None:
                return LearnerError(error.name, error.names, error.message, crash.file, crash.line,
                                    error.detail)
        return error
    if isinstance(node, list) and node[:1] == ["e"]:
        error = node_error(node)
        crash = node_crash(f"{error.name}: {error.message}\n{error.detail}", files)
        if crash is not None and crash.file is not None:
            return LearnerError(error.name, error.names, error.message, crash.file, crash.line, error.detail)
        return error
    return Thrown(decode_javascript(node))


def _advice(language: Language, value: Any, printed: str) -> str:
    """A word on the two mistakes beginners make most with functions: printing, and not returning."""
    if not _nothing(value):
        return ""
    if language == "python" and printed.strip():
        line = printed.strip().splitlines()[0][:80]
        return f" It printed {line!r}: give the value back with return instead of printing it."
    return " Did it forget to return its answer?"


def _ended_message(event: dict[str, Any], call: str) -> str:
    if event["how"] == "unreadable":
        return f"Your code's program answered something that could not be read while {call} was running."
    if event["how"] == "crash":
        return f"Your code stopped with an error after {call} had finished (in a timer or a promise)."
    return f"Your code ended the program while {call} was running (did it call exit()?)."


def _load_failed_message(language: Language, event: dict[str, Any], files: frozenset[str]) -> tuple[str, str]:
    """Why the learner's file could not be loaded, in words, and the output to show with it."""
    if event["event"] == "ended":
        return "Your code ended the program before the calls could be made (did it call exit()?).", ""
    error = _error(language, event["error"], files)
    if isinstance(error, Thrown):
        return f"Your code threw {shown(error.value, language)} while it was loading.", event["out"]
    if "SystemExit" in error.names:
        return "Your code ended the program before the calls could be made (it called exit()).", event["out"]
    crash = (python_crash if language == "python" else node_crash)(
        error.detail if language == "python" else f"{error.name}: {error.message}\n{error.detail}", files)
    if crash is not None:
        return crash.sentence(), learner_output(error.detail)
    return f"Your code could not be loaded: {error.sentence()}.", learner_output(error.detail)
