"""Fixtures of the grader tests: a grading runner on the real engine, and a store for pictures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.browser.references import ReferenceStore
from grader.runner import SandboxRunner
from sandbox import SandboxSettings, SandboxUnavailable
from tests.helpers.machine import unavailable


@pytest.fixture(scope="session")
def grading_runner(runner_image: str) -> Iterator[SandboxRunner]:
    """A runner on the real engine with the current runner image (runc, with a small pool)."""
    runner = SandboxRunner(SandboxSettings(pool_size=1))
    try:
        runner.get()
    except SandboxUnavailable as error:
        unavailable(str(error))
    yield runner
    runner.close()


@pytest.fixture(scope="session")
def reference_store(tmp_path_factory: pytest.TempPathFactory) -> ReferenceStore:
    """Reference pictures made during this test session only (never the user's cache)."""
    return ReferenceStore(tmp_path_factory.mktemp("references"))


@pytest.fixture(scope="session")
def runtime_runner(runner_image: str, runtime: str) -> Iterator[SandboxRunner]:
    """A runner on the real engine under each runtime (runc, runsc), with a small pool."""
    runner = SandboxRunner(SandboxSettings(runtime=runtime, pool_size=1))
    try:
        runner.get()
    except SandboxUnavailable as error:
        unavailable(str(error))
    yield runner
    runner.close()
