"""Plain-language feedback for a beginner: what a stopped or crashed program means, where, and why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.checks.base import StepOutput

PY_FRAME = re.compile(
    r'File "/work/([^"]+)", line (\d+)|^\s*(?:/work/)?([^\s:"]+\.py):(\d+): in ', re.MULTILINE
)
"""A frame of a Python traceback, long (`File "/work/x.py", line 3`) or pytest's short (`x.py:3: in f`)."""
NODE_FRAME = re.compile(r"/work/([^\s:()]+):(\d+)(?::\d+)?")
PY_ERROR = re.compile(r"^(?:\w+\.)*(\w+(?:Error|Exception|Exit|Interrupt))(?::\s*(.*))?$")
"""The last line of a traceback; a qualified name (`flask.cli.NoAppException`) is shown by its last part."""
PYTEST_MARK = re.compile(r"^E\s+")
"""pytest's mark before the lines of an error (`E       AssertionError`); never the E of EOFError."""
JS_ERROR = re.compile(r"^(\w*Error)(?::\s*(.*))?$")


@dataclass(frozen=True)
class Crash:
    """A learner program's error: its kind, its text, and where in the learner's files."""

    error: str
    detail: str
    file: str | None
    line: int | None
    language: str = "Python"

    def sentence(self) -> str:
        where = f" in {self.file} on line {self.line}" if self.file and self.line else ""
        if self.error in ("SyntaxError", "IndentationError", "TabError"):
            syntax = self.error == "SyntaxError"
            what = "a mistake in how the code is written" if syntax else "an indentation mistake"
            sentence = f"{self.language} could not read your code: there is {what}{where}: {self.detail}"
            return sentence.rstrip(": ")
        detail = f": {self.detail}" if self.detail else ""
        end = "" if detail.endswith((".", "?", "!")) else "."
        return f"Your code stopped with {self.error}{where}{detail}{end}"


def python_crash(text: str, learner_files: frozenset[str]) -> Crash | None:
    """The last error of a Python traceback in `text`, placed in the learner's deepest frame."""
    lines = [line.strip() for line in text.splitlines()]
    matches = (PY_ERROR.match(PYTEST_MARK.sub("", line)) for line in reversed(lines))
    match = next((m for m in matches if m), None)
    if match is None:
        return None
    frames = [(long or short, int(n or m)) for long, n, short, m in PY_FRAME.findall(text)]
    mine = [(file, number) for file, number in frames if file in learner_files]
    file, line = mine[-1] if mine else (None, None)
    return Crash(match.group(1), (match.group(2) or "").strip(), file, line)


def node_crash(text: str, learner_files: frozenset[str]) -> Crash | None:
    """The error of a Node.js stack trace in `text`, placed in the learner's file."""
    lines = [line.strip() for line in text.splitlines()]
    match = next((m for m in map(JS_ERROR.match, lines) if m), None)
    if match is None:
        return None
    frames = [(f, int(n)) for f, n in NODE_FRAME.findall(text) if f in learner_files]
    file, line = frames[0] if frames else (None, None)
    return Crash(match.group(1), (match.group(2) or "").strip(), file, line, "JavaScript")


def stopped_message(output: StepOutput, time_s: float, memory_mb: int, output_kib: int) -> str | None:
    """Why a step did not finish normally, in words, or None when it did."""
    if output.status == "timeout":
        return (
            f"Your program was still running after {time_s:g} seconds, so it was stopped. "
            "Look for a loop that never ends, or a program waiting for input it never gets."
        )
    if output.status == "not_run":
        return (
            f"Not run: your program did not finish in the check \u201c{output.after}\u201d, so it was not "
            "run again. Fix that one first."
        )
    if output.status == "memory":
        return (
            f"Your program used more than {memory_mb} MiB of memory, so it was stopped. "
            "Look for a list or string that keeps growing."
        )
    if output.status == "output":
        return (
            f"Your program printed more than {output_kib} KiB, so it was stopped. "
            "Look for a print inside a loop that never ends."
        )
    if output.status == "lost":
        return "Your program stopped the grader before it could finish, so this check could not be run."
    return None


HARNESS_PATHS = ("/opt/harness/", "/opt/sandbox/", "/usr/lib/python3", "node:internal", "/usr/share/nodejs/",
                 "<frozen importlib")


def learner_output(text: str, limit: int = 3000) -> str:
    """A program's error output as a learner should see it: the frames of our harness and of the
    libraries underneath are left out (with the line of code that follows each), the rest kept."""
    kept: list[str] = []
    in_skipped_frame = False
    for line in text.splitlines():
        if in_skipped_frame and line.startswith("    "):
            continue  # the code line of that frame, and Python's ^^^ markers under it
        in_skipped_frame = False
        if any(path in line for path in HARNESS_PATHS):
            in_skipped_frame = line.lstrip().startswith("File ")
            continue
        kept.append(line.replace("/work/", "").replace("/checks/", ""))  # paths as in the exercise folder
    return "\n".join(kept)[-limit:]
