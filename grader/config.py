"""What grading needs to know about this installation; built once by the caller (see config/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sandbox.limits import RunLimits
from sandbox.settings import SandboxSettings

__all__ = ["CONTEXT_KEY", "DOCTOR_CHECKS_KEY", "GradingSettings", "RunLimits", "SandboxSettings"]

CONTEXT_KEY = "grader.grading"
"""Where the `grader` command puts the GradingSettings in click's context `meta` for the grading
commands (grader/cli.py) to find."""
DOCTOR_CHECKS_KEY = "grader.doctor_checks"
"""Where the `grader` command puts more checks for `grader doctor`, of the layers above this one:
callables that return a row as (name, ok, detail)."""


@dataclass(frozen=True)
class GradingSettings:
    """Attributes:
    exercises: the curriculum folder.
    references: where the model solutions' pictures are kept (shared by every process of a site).
    sandbox: how this host runs sandboxes.
    debian_mirror: the Debian mirror runner images are built from (None: the host's own).
    """

    exercises: Path
    references: Path
    sandbox: SandboxSettings = field(default_factory=SandboxSettings)
    debian_mirror: str | None = None
