"""Running a learner's program without grading it: the site's Run button (a program with the input the
learner typed) and "Try a request" (the learner's Flask app answering one request).

It runs in a fresh sandbox container under the exercise's own limits, as the plain sandbox user, with
only the learner's files: no harness, no tests, nothing the learner may not see. What it prints is the
learner's own output, shown back to that learner only; a crash is explained in plain words
(grader.feedback) and placed on the learner's own line.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from grader.checks.base import StepOutput
from grader.exercise import Exercise
from grader.feedback import learner_output, node_crash, python_crash, stopped_message
from grader.intake import check_submission
from grader.runner import SandboxRunner
from sandbox import RunLimits, RunResult, RunSpec, SandboxError

Kind = Literal["program", "request"]
METHODS = ("GET", "POST")
BODY_CAP = 256 * 1024
STDIN_CAP = 64 * 1024
REQUEST_SCRIPT = r"""
import base64, json, sys
nonce, spec = sys.argv[1], json.loads(sys.argv[2])
from flask.cli import ScriptInfo
app = ScriptInfo(app_import_path=spec["app"]).load_app()
data = spec["form"] if spec["method"] != "GET" else None
with app.test_client() as client:
    response = client.open(spec["path"], method=spec["method"], data=data)
    body = response.get_data()
sys.stdout.flush()
cap = int(spec["cap"])
sys.stdout.write("\n" + nonce + json.dumps({
    "status": response.status_code, "status_text": response.status,
    "headers": [[k, v] for k, v in response.headers.items()],
    "body": base64.b64encode(body[:cap]).decode(), "cut": len(body) > cap}) + "\n")
"""
"""Loads the app the way `flask --app MODULE run` finds it and asks it through Flask's test client:
one process, no port, the same answer the app would give a browser."""


class TryoutUnavailable(Exception):
    """The sandbox could not run the program (engine down, image missing): never the learner's fault."""


@dataclass(frozen=True)
class Runnable:
    """How an exercise's program is tried: `argv` for a program, `app` (a module) for a Flask app."""

    kind: Kind
    label: str
    argv: tuple[str, ...] = ()
    app: str | None = None


def runnable(exercise: Exercise) -> Runnable | None:
    """How learners try this exercise's program; None for web pages (their preview shows them)."""
    if exercise.runtime == "web":
        return None
    for check in exercise.checks:
        app = getattr(check, "app", None)
        if check.kind == "http" and isinstance(app, str):
            return Runnable("request", f"your app {app}", app=app.removesuffix(".py").replace("/", "."))
    program = "python3" if exercise.runtime == "python" else "node"
    for check in exercise.checks:
        argv: list[str] = getattr(check, "argv", None) or []
        mine = any(word in exercise.files for word in argv)
        if check.kind == "io" and mine and argv[0] == program:
            return Runnable("program", " ".join(argv), argv=tuple(argv))
    suffix = ".py" if program == "python3" else (".js", ".mjs")
    entry = next((path for path in exercise.files if path.endswith(suffix)), None)
    if entry is None:
        return None
    return Runnable("program", f"{program} {entry}", argv=(program, entry))


@dataclass(frozen=True)
class TryoutOutput:
    """What came of a try. `status`: ok (ended normally), error (ended with an error), timeout, memory
    or output (stopped by a limit). `explanation`: the problem in plain words, placed at `file` and
    `line` when it is in the learner's code. `response`: for a request, the app's answer."""

    status: Literal["ok", "error", "timeout", "memory", "output"]
    exit_code: int | None
    stdout: str
    stderr: str
    duration_s: float
    explanation: str = ""
    file: str | None = None
    line: int | None = None
    response: dict[str, Any] | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _limits(exercise: Exercise, runner: SandboxRunner) -> RunLimits:
    base = runner.settings.limits
    return RunLimits(wall_s=float(exercise.limits.time), memory_mb=exercise.limits.memory, cpus=base.cpus,
                     pids=base.pids, tmpfs_mb=base.tmpfs_mb, tmpfs_inodes=base.tmpfs_inodes,
                     nofile=base.nofile, fsize_mb=base.fsize_mb,
                     output_bytes=max(exercise.limits.output * 1024, 2 * BODY_CAP))


def _run(exercise: Exercise, files: Mapping[str, bytes], runner: SandboxRunner, command: list[str],
         stdin: bytes) -> RunResult:
    """Raises SubmissionRejected for unacceptable files and TryoutUnavailable when the sandbox is down."""
    checked = check_submission(exercise.files, files)
    try:
        sandbox, image = runner.get()
        return sandbox.run(RunSpec(image=image, command=command, files=checked, stdin=stdin,
                                   limits=_limits(exercise, runner)))
    except SandboxError as error:
        raise TryoutUnavailable(str(error)) from error


def _outcome(exercise: Exercise, result: RunResult, stdout: str,
             response: dict[str, Any] | None = None) -> TryoutOutput:
    status: Literal["ok", "timeout", "memory", "output"] = (
        "timeout" if result.timed_out else "memory" if result.oom_killed
        else "output" if result.output_capped else "ok")
    stderr = result.stderr_text()
    mine = frozenset(exercise.files)
    if status != "ok":
        stopped = StepOutput(id="run", status=status)
        explanation = stopped_message(stopped, exercise.limits.time, exercise.limits.memory,
                                      exercise.limits.output) or ""
        return TryoutOutput(status, None, stdout, learner_output(stderr), result.duration_s, explanation,
                            response=response)
    explain = node_crash if exercise.runtime == "node" else python_crash
    crash = explain(stderr, mine) if result.exit_code != 0 else None
    if crash is not None:
        return TryoutOutput("error", result.exit_code, stdout, learner_output(stderr), result.duration_s,
                            crash.sentence(), crash.file, crash.line, response)
    if result.exit_code != 0:
        words = f"Your program ended with an error (exit code {result.exit_code})."
        return TryoutOutput("error", result.exit_code, stdout, learner_output(stderr), result.duration_s,
                            words, response=response)
    return TryoutOutput("ok", 0, stdout, learner_output(stderr), result.duration_s, response=response)


def run_program(exercise: Exercise, files: Mapping[str, bytes], stdin: str,
                runner: SandboxRunner) -> TryoutOutput:
    """Run the exercise's program (see `runnable`) on `files` with `stdin` as its input.

    Raises:
        ValueError: the exercise has no program to run.
        SubmissionRejected: a file is not acceptable (nothing ran).
        TryoutUnavailable: the sandbox could not run it (not the learner's fault).
    """
    how = runnable(exercise)
    if how is None or how.kind != "program":
        raise ValueError(f"{exercise.key} has no program to run")
    result = _run(exercise, files, runner, list(how.argv), stdin.encode()[:STDIN_CAP])
    return _outcome(exercise, result, result.stdout_text())


def try_request(exercise: Exercise, files: Mapping[str, bytes], method: str, path: str,
                form: Mapping[str, str], runner: SandboxRunner) -> TryoutOutput:
    """Start the exercise's Flask app on `files` and send it one request.

    Raises:
        ValueError: the exercise has no app, or the request is not one a learner can send.
        SubmissionRejected, TryoutUnavailable: as for `run_program`.
    """
    how = runnable(exercise)
    if how is None or how.app is None:
        raise ValueError(f"{exercise.key} has no Flask app to try")
    if method not in METHODS or not path.startswith("/") or any(c.isspace() for c in path):
        raise ValueError("a request is GET or POST to a path that starts with /")
    nonce = secrets.token_hex(16)
    spec = {"app": how.app, "method": method, "path": path, "form": dict(form), "cap": BODY_CAP}
    result = _run(exercise, files, runner, ["python3", "-c", REQUEST_SCRIPT, nonce, json.dumps(spec)], b"")
    printed, response = _split_response(result.stdout_text(), nonce)
    return _outcome(exercise, result, printed, response)


def _split_response(stdout: str, nonce: str) -> tuple[str, dict[str, Any] | None]:
    """What the app printed, and its answer (the line after the nonce), checked field by field."""
    printed, found, rest = stdout.rpartition("\n" + nonce)
    if not found:
        return stdout, None
    try:
        data = json.loads(rest.strip())
        body = base64.b64decode(str(data["body"]), validate=True).decode("utf-8", "replace")
        headers = [[str(name)[:200], str(value)[:2000]] for name, value in data["headers"]][:100]
        response = {"status": int(data["status"]), "status_text": str(data["status_text"])[:100],
                    "headers": headers, "body": body, "cut": bool(data["cut"])}
    except (ValueError, KeyError, TypeError, binascii.Error):
        return stdout, None
    return printed, response
