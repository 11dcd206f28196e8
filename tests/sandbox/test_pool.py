"""Tests of sandbox/pool.py: containers started ahead of need, each used for exactly one run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from docker import APIClient

from sandbox import RunLimits, RunSpec, Sandbox, SandboxSettings
from sandbox.pool import profile_of

LIMITS = RunLimits(wall_s=10)


def test_runs_differing_only_in_host_enforced_limits_share_a_profile() -> None:
    image = "grader-runner:x"
    quick, slow = RunLimits(wall_s=3, output_bytes=2048), RunLimits(wall_s=30)
    assert profile_of(image, quick) == profile_of(image, slow)
    for engine_enforced in (RunLimits(memory_mb=512), RunLimits(pids=32), RunLimits(cpus=2),
                            RunLimits(tmpfs_mb=8), RunLimits(nofile=64), RunLimits(fsize_mb=4)):
        assert profile_of(image, engine_enforced) != profile_of(image, RunLimits())
    assert profile_of("other:tag", RunLimits()) != profile_of(image, RunLimits())
    assert profile_of(image, RunLimits(), ("node", "helper.js")) != profile_of(image, RunLimits())


def wait_for(condition: Callable[[], bool], timeout_s: float = 45.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the pool did not get there in time"
        time.sleep(0.05)


@pytest.mark.docker
class TestWarmPool:
    @pytest.fixture
    def pooled(self, runner_image: str, runtime: str, ready: Callable[[], set[str]]) -> Iterator[Sandbox]:
        box = Sandbox(SandboxSettings(runtime=runtime, pool_size=1))
        box.prewarm(runner_image, LIMITS)
        yield box
        box.close()

    @pytest.fixture
    def ready(
        self, docker_client: APIClient, own_containers: Callable[[], set[str]]
    ) -> Callable[[], set[str]]:
        """The ids of our containers that are running (a pool's ready containers, between runs),
        leaving out those that already ran before the test (another fixture's pool, say)."""

        def running() -> set[str]:
            listed = docker_client.containers(filters={"status": "running"})
            return {c["Id"] for c in listed} & own_containers()

        before = running()
        return lambda: running() - before

    def test_a_run_is_served_by_the_container_started_ahead(
        self, pooled: Sandbox, runner_image: str, ready: Callable[[], set[str]]
    ) -> None:
        wait_for(lambda: len(ready()) == 1)
        (started_ahead,) = ready()
        result = pooled.run(RunSpec(runner_image, ["python3", "-c", "print('warm')"], limits=LIMITS))
        assert result.ok and result.stdout == b"warm\n"
        wait_for(lambda: len(ready()) == 1 and started_ahead not in ready())  # used, removed, replaced

    def test_a_run_with_another_deadline_uses_the_same_ready_container(
        self, pooled: Sandbox, runner_image: str, ready: Callable[[], set[str]]
    ) -> None:
        wait_for(lambda: len(ready()) == 1)
        (started_ahead,) = ready()
        limits = RunLimits(wall_s=3, output_bytes=4096)
        assert pooled.run(RunSpec(runner_image, ["true"], limits=limits)).ok
        assert started_ahead not in ready()

    def test_each_container_serves_exactly_one_run(self, pooled: Sandbox, runner_image: str) -> None:
        plant = RunSpec(runner_image, ["sh", "-c", "echo evil > /work/planted; echo evil > /tmp/planted"],
                        limits=LIMITS)
        look = RunSpec(runner_image, ["python3", "-c", "import glob; print(glob.glob('/*/planted'))"],
                       limits=LIMITS)
        for _ in range(3):
            assert pooled.run(plant).ok
            assert pooled.run(look).stdout == b"[]\n"

    def test_close_removes_the_ready_containers(
        self, runner_image: str, runtime: str, own_containers: Callable[[], set[str]]
    ) -> None:
        before = own_containers()
        box = Sandbox(SandboxSettings(runtime=runtime, pool_size=2))
        box.prewarm(runner_image, LIMITS)
        wait_for(lambda: len(own_containers() - before) == 2)
        box.close()
        assert own_containers() - before == set()

    def test_a_ready_container_killed_behind_the_pool_is_replaced(
        self,
        pooled: Sandbox,
        runner_image: str,
        docker_client: APIClient,
        ready: Callable[[], set[str]],
        own_containers: Callable[[], set[str]],
    ) -> None:
        wait_for(lambda: len(ready()) == 1)
        (victim,) = ready()
        docker_client.kill(victim)
        result = pooled.run(RunSpec(runner_image, ["python3", "-c", "print('still fine')"], limits=LIMITS))
        assert result.ok and result.stdout == b"still fine\n"
        assert victim not in own_containers()  # the dead one was removed, not left behind
        wait_for(lambda: len(ready()) == 1)

    def test_a_profile_with_a_prelaunched_helper_keeps_its_own_number_ready(
        self,
        runner_image: str,
        runtime: str,
        docker_client: APIClient,
        ready: Callable[[], set[str]],
    ) -> None:
        """A helper started ahead (the grader's browser) holds memory while it waits: its profile keeps
        `pool_size_prelaunched` ready, light work `pool_size`. The pool fills profiles in the order they
        were asked for, so once the light one has its two, the one with a helper has all it will get."""
        box = Sandbox(SandboxSettings(runtime=runtime, pool_size=2, pool_size_prelaunched=1))
        try:
            box.prewarm(runner_image, LIMITS, ("sleep", "600"))
            box.prewarm(runner_image, LIMITS)

            def helped() -> list[bool]:
                return ["--" in docker_client.inspect_container(c)["Config"]["Cmd"] for c in ready()]

            wait_for(lambda: helped().count(False) == 2)
            assert helped().count(True) == 1
        finally:
            box.close()


def test_the_number_kept_with_a_helper_is_between_one_and_the_pool_size() -> None:
    for wrong in (0, 3):
        with pytest.raises(ValueError, match="pool_size_prelaunched"):
            SandboxSettings(pool_size=2, pool_size_prelaunched=wrong)
    assert SandboxSettings(pool_size=2, pool_size_prelaunched=1).pool_size_prelaunched == 1
