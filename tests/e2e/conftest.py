"""Fixtures of the browser tests: the demo site served for real (gunicorn, the preview origin and a
real grading worker on the real engine), and one whose sessions end quickly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.data import CATALOGS
from tests.helpers.served_site import IDLE_S, Site, serve

EXERCISES = CATALOGS / "site"


@pytest.fixture(scope="session")
def site(runner_image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo site with a worker, graded on the real runner image."""
    with serve(tmp_path_factory.mktemp("site"), EXERCISES) as running:
        yield running


@pytest.fixture(scope="session")
def short_session_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site whose sessions end IDLE_S seconds after logging in (no worker: nothing is graded)."""
    with serve(tmp_path_factory.mktemp("short"), EXERCISES, {"GRADER_IDLE_TIMEOUT_S": str(IDLE_S)},
               "--no-worker") as running:
        yield running
