"""The runner image of this grader: the sandbox's package list plus the in-container programs."""

from __future__ import annotations

from pathlib import Path

from sandbox.images import ImagePlan, runner_image_plan

ROOT = Path(__file__).resolve().parent.parent


def runner_plan() -> ImagePlan:
    """What the runner image holds: the Debian packages, the sandbox entry and the grading harness."""
    return runner_image_plan(
        ROOT / "runner" / "packages.txt",
        {
            "/opt/sandbox": ROOT / "sandbox" / "incontainer",
            "/opt/harness": Path(__file__).resolve().parent / "harness",
        },
    )
