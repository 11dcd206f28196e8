"""The runner image of this grader: the sandbox's package list plus the in-container programs."""

from __future__ import annotations

from pathlib import Path

import sandbox
from sandbox.images import ImagePlan, runner_image_plan

SANDBOX = Path(sandbox.__file__).resolve().parent
HARNESS = Path(__file__).resolve().parent / "harness"


def runner_plan(root: Path | None = None) -> ImagePlan:
    """What the runner image holds: the Debian packages, the sandbox entry and the grading harness.
    Everything is read from the installed packages, so a wheel install builds the same image.

    Args:
        root: a folder holding the `sandbox` and `grader` packages to read instead of the installed
            ones, e.g. an unpacked wheel (a bundle's image must match the code it ships).
    """
    sandbox_dir = SANDBOX if root is None else root / "sandbox"
    harness = HARNESS if root is None else root / "grader" / "harness"
    return runner_image_plan(
        sandbox_dir / "image" / "packages.txt",
        {"/opt/sandbox": sandbox_dir / "incontainer", "/opt/harness": harness},
    )
