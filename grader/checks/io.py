"""The `io` check: run a command with some standard input and compare what it prints."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import ClassVar, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from grader.checks.base import CheckSpec, GradingContext, Step, StepOutput
from grader.checks.common import learner_files, make_result, stopped_result, time_limit
from grader.feedback import learner_output, node_crash, python_crash
from grader.paths import RelativePath
from grader.result import CheckResult
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
            for word in stdout.split():
                try:
                    float(word)
                except ValueError:
                    raise ValueError(f"with match: number, expected numbers, got {word!r}") from None
        if stdout is not None and mode == "printed" and not printed_lines(stdout):
            raise ValueError("with match: printed, give at least one line the program must print")
        return stdout

    @model_validator(mode="after")
    def _one_source_each(self) -> Self:
        if "stdin" in self.model_fields_set and self.stdin_file is not None:
            raise ValueError("give either stdin or stdin_file, not both")
        if (self.stdout is None) == (self.stdout_file is None):
            raise ValueError("give exactly one of stdout or stdout_file")
        if "where" in self.model_fields_set and self.match != "printed":
            raise ValueError("where: goes with match: printed only")
        return self

    @property
    def argv(self) -> list[str]:
        return split_command(self.run)

    def default_title(self) -> str:
        return f"Runs `{self.run}`"

    def expectation_files(self) -> tuple[str, ...]:
        # Expected output and input are read on the host: other checks' learner code must not see them.
        return tuple(path for path in (self.stdin_file, self.stdout_file) if path is not None)

    def _input(self, ctx: GradingContext) -> str:
        if self.stdin_file is not None:
            return ctx.exercise.support_file_bytes(self.stdin_file).decode("utf-8", "replace")
        return self.stdin

    def _expected(self, ctx: GradingContext) -> str:
        if self.stdout_file is not None:
            return ctx.exercise.support_file_bytes(self.stdout_file).decode("utf-8", "replace")
        return self.stdout or ""

    def steps(self, ctx: GradingContext) -> list[Step]:
        params = {"argv": self.argv, "stdin": self._input(ctx)}
        return [Step(self.id or "io", "exec", params, time_limit(self, ctx))]

    def judge(self, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
        output = outputs[self.id or "io"]
        stopped = stopped_result(self, ctx, output)
        if stopped is not None:
            return stopped
        expected = self._expected(ctx)
        matched = outputs_match(expected, output.stdout, self.match, self.tolerance, self.where)
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
        return make_result(
            self, "fail", 0.0, "Your program's output is not what was expected.",
            output=explain_difference(expected, output.stdout, self.match, self.where, self._input(ctx)),
        )
