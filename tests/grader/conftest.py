"""Fixtures of the grader tests: exercises used as test data, and a grading runner on the real engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.browser.references import ReferenceStore
from grader.exercise import Exercise, load_exercise
from grader.runner import SandboxRunner
from sandbox import SandboxSettings, SandboxUnavailable
from tests.support import unavailable

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exercises"


def fixture_exercise(key: str) -> Exercise:
    return load_exercise(FIXTURES / key, FIXTURES)


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
