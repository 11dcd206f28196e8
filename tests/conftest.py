"""Fixtures shared by every test: what the tests need from this machine, and the runner image.

A test that needs Docker, a browser or a database skips when that part is missing, except in CI
(CI=true), where a missing part fails the test: nothing is allowed to skip silently there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from grader.runner_image import runner_plan
from sandbox import Sandbox, SandboxSettings, SandboxUnavailable
from sandbox.engine import engine_client
from sandbox.images import build_runner_image, image_status
from tests.helpers.machine import unavailable

pytest_plugins = ["tests.helpers.servers"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def runner_image() -> str:
    """The current runner image's tag, built first if needed (about 90 s on a clean machine)."""
    plan = runner_plan()
    try:
        with engine_client(None, 120) as client:
            if image_status(client, plan) != "current":
                build_runner_image(client, plan, progress=lambda message: print(message, flush=True))
    except SandboxUnavailable as error:
        unavailable(str(error))
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


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        unavailable("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()
