"""A real installation for browser tests: `grader serve --demo` (gunicorn, the preview origin and a
real grading worker on the real engine) on free ports, and headless Debian Chromium via Playwright."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.e2e_site import Site, serve
from tests.helpers.data import CATALOGS

EXERCISES = CATALOGS / "site"


@pytest.fixture(scope="session")
def site(runner_image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo site with a worker, graded on the real runner image."""
    with serve(tmp_path_factory.mktemp("site"), EXERCISES) as running:
        yield running
