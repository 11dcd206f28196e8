"""The grader's settings, read from GRADER_* environment variables (see README, Configuration)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sandbox import RunLimits, SandboxSettings

ROOT = Path(__file__).resolve().parent.parent


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a number") from None


@dataclass(frozen=True)
class GraderConfig:
    exercises: Path
    sandbox: SandboxSettings

    @classmethod
    def from_env(cls) -> GraderConfig:
        limits = RunLimits(
            cpus=_number("GRADER_CPUS", 1.0),
            pids=int(_number("GRADER_PIDS", 64)),
            tmpfs_mb=int(_number("GRADER_TMPFS_MB", 64)),
        )
        try:
            sandbox = SandboxSettings(
                runtime=os.environ.get("GRADER_RUNTIME", "runc"),
                limits=limits,
                docker_url=os.environ.get("DOCKER_HOST") or None,
                pool_size=int(_number("GRADER_POOL_SIZE", 0)),
            )
        except ValueError as error:
            raise SystemExit(f"configuration: {error}") from None
        exercises = Path(os.environ.get("GRADER_EXERCISES", ROOT / "exercises"))
        return cls(exercises=exercises, sandbox=sandbox)
