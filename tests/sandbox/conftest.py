"""Fixtures of the sandbox tests: a client for the real Docker engine."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from docker import APIClient

from sandbox.engine import connect
from sandbox.errors import SandboxUnavailable
from sandbox.reaper import owner_label
from sandbox.settings import LABEL, OWNER_LABEL


@pytest.fixture(scope="session")
def docker_client() -> Iterator[APIClient]:
    """A low-level client for the local engine.

    Skips the test when the engine is unreachable, except in CI (CI=true), where that is a failure.
    """
    try:
        client = connect(None, 120)
    except SandboxUnavailable as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{error} (CI=true: Docker tests must run)")
        pytest.skip(str(error))
    yield client
    client.close()


@pytest.fixture(scope="session")
def own_containers(docker_client: APIClient) -> Callable[[], set[str]]:
    """Lists the sandbox containers this test process owns (their owner label names our pid), so
    that containers of other test runs on the same engine never count as leftovers of ours."""
    mine = f"{OWNER_LABEL}={owner_label()}"

    def list_own() -> set[str]:
        return {c["Id"] for c in docker_client.containers(all=True, filters={"label": [LABEL, mine]})}

    return list_own
