"""The runner image of this grader: the sandbox's package list plus the in-container programs."""

from __future__ import annotations

from pathlib import Path

import sandbox
from sandbox.images import ImagePlan, runner_image_plan

SANDBOX = Path(sandbox.__file__).resolve().parent
HARNESS = Path(__file__).resolve().parent / "harness"


def runner_plan() -> ImagePlan:
    """What the runner image holds: the Debian packages, the sandbox entry and the grading harness.
    Everything is read from the installed packages, so a wheel install builds the same image."""
    return runner_image_plan(
        SANDBOX / "image" / "packages.txt",
        {"/opt/sandbox": SANDBOX / "incontainer", "/opt/harness": HARNESS},
    )
