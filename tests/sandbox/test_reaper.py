"""Tests of sandbox/reaper.py: which leftover containers are removed, and which are never touched."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from docker import APIClient
from docker.errors import NotFound

from sandbox.reaper import PeriodicReaper, _boot_id, is_orphan, owner_label, reap
from sandbox.settings import DEADLINE_LABEL, LABEL, OWNER_LABEL


def dead_pid() -> int:
    """A pid that no process of this host has."""
    pid = int(Path("/proc/sys/kernel/pid_max").read_text()) - 1
    while Path(f"/proc/{pid}").exists():
        pid -= 1
    return pid


def test_owner_label_names_host_boot_and_pid() -> None:
    assert owner_label(1234) == f"{socket.gethostname()}:{_boot_id()}:1234"
    assert owner_label().endswith(f":{os.getpid()}")


@pytest.mark.parametrize(
    ("owner", "orphan"),
    [
        (lambda: owner_label(), False),  # this very process
        (lambda: owner_label(1), False),  # alive (init)
        (lambda: owner_label(dead_pid()), True),
        (lambda: f"{socket.gethostname()}:00000000:{os.getpid()}", True),  # a previous boot
        (lambda: f"another-host:{_boot_id()}:{dead_pid()}", False),  # not ours to judge
        (lambda: "", False),
        (lambda: "garbage", False),
        (lambda: f"{socket.gethostname()}:{_boot_id()}:notapid", False),
    ],
)
def test_an_owner_is_an_orphan_only_when_its_process_is_gone(owner: Callable[[], str], orphan: bool) -> None:
    assert is_orphan(owner()) is orphan


@pytest.mark.docker
class TestReap:
    @pytest.fixture
    def make(self, docker_client: APIClient, runner_image: str) -> Iterator[Callable[..., str]]:
        """Creates (never starts) containers with the given labels; removes what the test left."""
        made: list[str] = []

        def create(labels: dict[str, str]) -> str:
            made.append(docker_client.create_container(runner_image, ["true"], labels=labels,
                                                       network_disabled=True)["Id"])
            return made[-1]

        yield create
        for container_id in made:
            try:
                docker_client.remove_container(container_id, force=True)
            except NotFound:
                pass

    @staticmethod
    def exists(client: APIClient, container_id: str) -> bool:
        try:
            client.inspect_container(container_id)
        except NotFound:
            return False
        return True

    def test_reap_removes_expired_and_orphaned_sandboxes_only(
        self, docker_client: APIClient, make: Callable[..., str]
    ) -> None:
        now = time.time()
        future, past = str(int(now + 3600)), str(int(now - 10))
        expired = make({LABEL: "1", DEADLINE_LABEL: past, OWNER_LABEL: owner_label()})
        live = make({LABEL: "1", DEADLINE_LABEL: future, OWNER_LABEL: owner_label()})
        orphan = make({LABEL: "1", DEADLINE_LABEL: future, OWNER_LABEL: owner_label(dead_pid())})
        unreadable = make({LABEL: "1", DEADLINE_LABEL: "soon", OWNER_LABEL: owner_label()})
        foreign_host = make({LABEL: "1", DEADLINE_LABEL: future, OWNER_LABEL: f"elsewhere:{_boot_id()}:1"})
        not_ours = make({DEADLINE_LABEL: past, OWNER_LABEL: owner_label(dead_pid())})
        unlabelled = make({})

        removed = set(reap(docker_client))

        assert {expired, orphan, unreadable} <= removed
        assert not {live, foreign_host, not_ours, unlabelled} & removed
        for container_id in (expired, orphan, unreadable):
            assert not self.exists(docker_client, container_id)
        for container_id in (live, foreign_host, not_ours, unlabelled):
            assert self.exists(docker_client, container_id)

    def test_a_running_leftover_is_removed_too(
        self, docker_client: APIClient, make: Callable[..., str]
    ) -> None:
        running = make({LABEL: "1", DEADLINE_LABEL: str(int(time.time() - 1)), OWNER_LABEL: owner_label()})
        docker_client.start(running)
        assert running in reap(docker_client)
        assert not self.exists(docker_client, running)

    def test_the_deadline_is_compared_with_the_given_clock(
        self, docker_client: APIClient, make: Callable[..., str]
    ) -> None:
        # A label of this test's own: a clock 10 minutes ahead would reap every live sandbox of every
        # other test run on this engine (it did, mid-run, on a shared machine).
        private = f"org.grader.test-reaper-{os.getpid()}"
        deadline = int(time.time() + 600)
        later = make({private: "1", DEADLINE_LABEL: str(deadline), OWNER_LABEL: owner_label()})
        assert later not in reap(docker_client, now=deadline - 1, label=private)
        assert later in reap(docker_client, now=deadline + 1, label=private)

    def test_the_periodic_reaper_reaps_until_stopped(
        self, docker_client: APIClient, make: Callable[..., str]
    ) -> None:
        reaper = PeriodicReaper(lambda: nullcontext(docker_client), interval_s=0.1)
        reaper.start()
        try:
            expired = make({LABEL: "1", DEADLINE_LABEL: "0", OWNER_LABEL: owner_label()})
            deadline = time.monotonic() + 10
            while self.exists(docker_client, expired):
                assert time.monotonic() < deadline, "the periodic reaper did not remove it"
                time.sleep(0.05)
        finally:
            reaper.stop()
