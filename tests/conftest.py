"""Fixtures shared by every test: what the tests need from this machine, and the runner image.

A test that needs Docker, a browser or a database skips when that part is missing, except in CI
(CI=true), where a missing part fails the test: nothing is allowed to skip silently there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.runner_image import runner_plan
from sandbox import Sandbox, SandboxSettings, SandboxUnavailable
from sandbox.engine import connect
from sandbox.images import build_runner_image, image_status
from tests.support import unavailable


@pytest.fixture(scope="session")
def runner_image() -> str:
    """The current runner image's tag, built first if needed (about 90 s on a clean machine)."""
    try:
        client = connect(None, 120)
    except SandboxUnavailable as error:
        unavailable(str(error))
    plan = runner_plan()
    if image_status(client, plan) != "current":
        build_runner_image(client, plan, progress=lambda message: print(message, flush=True))
    return plan.tag


@pytest.fixture(scope="session", params=["runc", "runsc"])
def runtime(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def sandbox(runner_image: str, runtime: str) -> Iterator[Sandbox]:
    """A sandbox on the real engine under each runtime (no ready-container pool)."""
    try:
        box = Sandbox(SandboxSettings(runtime=runtime))
    except SandboxUnavailable as error:
        unavailable(str(error))
    yield box
    box.close()
