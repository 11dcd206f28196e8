"""The `io` check: run a command with some standard input and compare what it prints.

With `cases:` or `generate:` (grader/checks/cases.py) the command runs once per case, each case one
test; `{name}` in `stdin` and `stdout` takes the case's values, and a case with no expected output
expects what the reference solution prints for the same input.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import ClassVar, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.cases import (
    PLACEHOLDER,
    Case,
    Entry,
    Generate,
    check_entries,
    fill,
    placeholders,
)
from grader.checks.common import (
    MissingSolutionOutput,
    learner_files,
    make_result,
    scored_by_tests,
    stopped_result,
    time_limit,
)
from grader.feedback import learner_output, node_crash, python_crash
from grader.paths import RelativePath
from grader.result import CheckResult, TestOutcome, TestStatus
from grader.textmatch import MatchMode, Where, explain_difference, outputs_match, printed_lines


def split_command(command: str) -> list[str]:
    """Split a command line into words like a shell would, without running any shell.

    Raises:
        ValueError: the line is empty or its quotes do not close.
    """
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise ValueError(f"cannot split {command!r} into words: {exc}") from None
    if not words:
        raise ValueError("the command must not be empty")
    return words


STOPPED = ("timeout", "memory", "output")


def _numbers_only(text: str) -> None:
    for word in text.split():
        try:
            float(word)
        except ValueError:
            raise ValueError(f"with match: number, expected numbers, got {word!r}") from None


class IoCheck(CheckSpec):
    """Standard input in, standard output compared on the host with `match` (and maybe the exit code)."""

    kind: Literal["io"] = "io"
    run: str
    match: MatchMode = "trim"  # before stdout: the stdout validator reads it
    stdin: str = ""
    stdin_file: RelativePath | None = None
    stdout: str | None = None
    stdout_file: RelativePath | None = None
    tolerance: float = Field(default=1e-6, ge=0)
    where: Where = "end"
    exit_code: int | None = None
    cases: tuple[Case, ...] = ()
    generate: Generate | None = None

    label: ClassVar[str] = "Program output"

    @field_validator("run")
    @classmethod
    def _command_splits(cls, run: str) -> str:
        split_command(run)
        return run

    @field_validator("stdout")
    @classmethod
    def _stdout_fits_match(cls, stdout: str | None, info: ValidationInfo) -> str | None:
        mode = info.data.get("match")
        if stdout is not None and mode == "regex":
            try:
                re.compile(stdout)
            except re.error as exc:
                raise ValueError(f"is not a valid regular expression: {exc}") from None
        if stdout is not None and mode == "number":
            _numbers_only(PLACEHOLDER.sub("0", stdout))
        if stdout is not None and mode == "printed" and not printed_lines(stdout):
            raise ValueError("with match: printed, give at least one line the program must print")
        return stdout

    @model_validator(mode="after")
    def _one_source_each(self) -> Self:
        if "stdin" in self.model_fields_set and self.stdin_file is not None:
            raise ValueError("give either stdin or stdin_file, not both")
        if self.stdout is not None and self.stdout_file is not None:
            raise ValueError("give at most one of stdout or stdout_file (neither: the reference solution's "
                             "output)")
        if "where" in self.model_fields_set and self.match != "printed":
            raise ValueError("where: goes with match: printed only")
        many = bool(self.cases) or self.generate is not None
        if many and (self.stdin_file is not None or self.stdout_file is not None):
            raise ValueError("with cases or generate, write stdin and stdout in the check (with {names})")
        if self.match == "regex" and self.needs_solution():
            raise ValueError("with match: regex, write the expected pattern in `stdout`")
        known = set(self.generate.values) if self.generate else set()
        for index, case in enumerate(self.cases):
            given = set(case) - {"title"}
            if "stdout" in case and self.match == "number":
                _numbers_only(str(case["stdout"]))
            stdin = None if "stdin" in case else self.stdin
            for template in (stdin, None if "stdout" in case else self.stdout):
                missing = placeholders(template or "") - given - known
                if missing:
                    raise ValueError(f"cases.{index} gives no value for {{{sorted(missing)[0]}}}")
        if self.generate is not None:
            for template in (self.stdin, self.stdout):
                missing = placeholders(template or "") - known
                if missing and not self.cases:
                    raise ValueError(f"generate.values has no {{{sorted(missing)[0]}}}")
        return self

    def needs_solution(self) -> bool:
        if self.stdout is not None or self.stdout_file is not None:
            return False
        return not self.cases or self.generate is not None or any("stdout" not in c for c in self.cases)

    def generates(self) -> bool:
        return self.generate is not None

    def entries(self, ctx: GradingContext, every: bool = False) -> list[Entry]:
        """The inputs this submission is tried on: every case, and the pool's cases its seed picks
        (every one of them when `every` or the context says so). One unnamed entry for a check
        without cases."""
        if not self.cases and self.generate is None:
            return [Entry("", {})]
        return check_entries(self.cases, self.generate, f"{ctx.exercise.sha256}:{self.id}", ctx.seed,
                             self.id or "io", every or ctx.every_entry)

    def step_id(self, entry: Entry) -> str:
        return f"{self.id or 'io'}#{entry.key}" if entry.key else self.id or "io"

    @property
    def argv(self) -> list[str]:
        return split_command(self.run)

    def default_title(self) -> str:
        return f"Runs `{self.run}`"

    def expectation_files(self) -> tuple[str, ...]:
        # Expected output and input are read on the host: other checks' learner code must not see them.
        return tuple(path for path in (self.stdin_file, self.stdout_file) if path is not None)

    def _input(self, ctx: GradingContext, entry: Entry) -> str:
        if self.stdin_file is not None:
            return ctx.exercise.support_file_bytes(self.stdin_file).decode("utf-8", "replace")
        if "stdin" in entry.values:
            return entry.values["stdin"]
        return fill(self.stdin, entry.values)

    def _expected(self, ctx: GradingContext, entry: Entry) -> str:
        if self.stdout_file is not None:
            return ctx.exercise.support_file_bytes(self.stdout_file).decode("utf-8", "replace")
        if "stdout" in entry.values:
            return entry.values["stdout"]
        if self.stdout is not None:
            return fill(self.stdout, entry.values)
        solution = (ctx.solution or {}).get(self.step_id(entry))
        if solution is None or solution.status != "ok":
            raise MissingSolutionOutput(f"no output of the reference solution for {self.step_id(entry)}")
        return solution.stdout

    def _from_solution(self, entry: Entry) -> bool:
        return self.stdout is None and self.stdout_file is None and "stdout" not in entry.values

    def steps(self, ctx: GradingContext) -> list[Step]:
        return [
            Step(self.step_id(entry), "exec", {"argv": self.argv, "stdin": self._input(ctx, entry)},
                 time_limit(self, ctx))
            for entry in self.entries(ctx)
        ]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        entries = self.entries(ctx)
        if len(entries) == 1 and not entries[0].key:
            return self._judge_one(ctx, outputs[self.step_id(entries[0])], entries[0])
        tests = []
        for entry in entries:
            one = self._judge_one(ctx, outputs[self.step_id(entry)], entry)
            if one.status in STOPPED:  # it would stop the same way on the next input: say it once
                return one
            message = "\n".join(part for part in (one.message, one.output) if part)
            status: TestStatus = "pass" if one.status == "pass" else "fail"
            shown = "" if status == "pass" else message
            tests.append(TestOutcome(self._entry_title(ctx, entry), status, shown))
        return scored_by_tests(self, tests, noun="input")

    def _entry_title(self, ctx: GradingContext, entry: Entry) -> str:
        if entry.title:
            return entry.title
        given = self._input(ctx, entry).strip().replace("\n", " / ")
        return f"With the input {given[:60]!r}" if given else "With no input"

    def _judge_one(self, ctx: GradingContext, output: StepOutput, entry: Entry) -> CheckResult:
        stopped = stopped_result(self, ctx, output)
        if stopped is not None:
            return stopped
        expected = self._expected(ctx, entry)
        asked = self._from_solution(entry)
        matched = outputs_match(expected, output.stdout, self.match, self.tolerance, self.where, asked)
        wanted_exit = 0 if self.exit_code is None else self.exit_code
        if matched and output.exit_code == wanted_exit:
            return make_result(self, "pass", self.points, "Your program printed what was expected.")
        if output.exit_code != 0:  # a crash explains the rest, even when its exit code was the one asked
            mine = learner_files(ctx)
            crash = python_crash(output.stderr, mine) or node_crash(output.stderr, mine)
            if crash is not None:
                return make_result(self, "error", 0.0, crash.sentence(), output=learner_output(output.stderr))
            if output.exit_code == 127 and "cannot start" in output.stderr:
                return make_result(self, "error", 0.0, output.stderr.strip())
        if output.exit_code != wanted_exit:
            if self.exit_code is None:
                message = f"Your program ended with an error (exit code {output.exit_code})."
                return make_result(self, "fail", 0.0, message, output=learner_output(output.stderr))
            message = f"Your program should end with exit code {self.exit_code}, not {output.exit_code}."
            return make_result(self, "fail", 0.0, message)
        given = self._input(ctx, entry)
        return make_result(
            self, "fail", 0.0, "Your program's output is not what was expected.",
            output=explain_difference(expected, output.stdout, self.match, self.where, given, asked),
        )
