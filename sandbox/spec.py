"""What a run is asked to do (`RunSpec`) and what came of it (`RunResult`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sandbox.limits import RunLimits


@dataclass(frozen=True)
class RunSpec:
    """One hardened, one-shot run.

    Attributes:
        image: the image to run (never pulled).
        command: argv of the program to run inside, looked up on the image's PATH.
        files: relative POSIX path -> content, written under `/work` before the command starts.
        stdin: bytes the command reads on standard input.
        env: extra environment variables for the command.
        limits: resource limits; the hardened defaults when not given.
        prelaunch: a helper program the container starts as soon as it starts, before the run's
            files arrive, so that it can load what it needs while the container waits (see
            `sandbox/incontainer/entry.py`); the command finds it in SANDBOX_PRELAUNCH.
        warm: Python modules a warm spawner imports as soon as the container starts, before the run's
            files arrive; the command (only `as_grader`) finds it in SANDBOX_SPAWNER and has it start
            its Python programs as forks of that Python (`sandbox/incontainer/spawner.py`).
        done_marker: when stdout contains these bytes, the run counts as finished at once: the
            host stops reading and removes the container without waiting for it to exit. Only for
            programs that print a marker nobody else can know (a nonce) as their last word.
        as_grader: the command is a Python program of the image (`/opt/...py`), run as the grader
            uid with CAP_SETUID/CAP_SETGID, which must start every learner program itself as the
            learner uid (the grading harness). Otherwise the command runs as the learner uid, with
            no capability at all.
    """

    image: str
    command: Sequence[str]
    files: Mapping[str, bytes] = field(default_factory=dict)
    stdin: bytes = b""
    env: Mapping[str, str] = field(default_factory=dict)
    limits: RunLimits = field(default_factory=RunLimits)
    done_marker: bytes | None = None
    prelaunch: tuple[str, ...] = ()
    warm: tuple[str, ...] = ()
    as_grader: bool = False

    def __post_init__(self) -> None:
        if not self.command:
            raise ValueError("a run needs a command")


@dataclass(frozen=True)
class RunResult:
    """How a run ended.

    `stdout` and `stderr` are the raw bytes (capped); `text()` decodes them safely. `exit_code` is
    None when the run was killed by the host (deadline, output cap) before it could exit, or when it
    printed its done marker (`done_early`).
    """

    exit_code: int | None
    stdout: bytes
    stderr: bytes
    timed_out: bool
    oom_killed: bool
    stdout_capped: bool
    stderr_capped: bool
    duration_s: float
    done_early: bool = False

    @property
    def output_capped(self) -> bool:
        return self.stdout_capped or self.stderr_capped

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not (self.timed_out or self.oom_killed or self.output_capped)

    def stdout_text(self) -> str:
        return decode_output(self.stdout, capped=self.stdout_capped)

    def stderr_text(self) -> str:
        return decode_output(self.stderr, capped=self.stderr_capped)


TRUNCATED = "\n[output cut here: the program printed more than the limit allows]"


def decode_output(data: bytes, *, capped: bool = False) -> str:
    """Decode program output whatever bytes came out: invalid UTF-8 becomes U+FFFD, NUL becomes
    U+2400 (so that text stays printable and storable), and a cut is marked."""
    text = data.decode("utf-8", errors="replace").replace("\x00", "\u2400")
    return text + TRUNCATED if capped else text
