"""Tests of sandbox/doctor.py: every promise holds on this host, and each row can fail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox import RunLimits, RunResult, RunSpec, Sandbox, SandboxSettings, SandboxUnavailable
from sandbox.doctor import FORK_BOMB, MEMORY_BOMB, PROBE, DoctorRow, examine
from tests.helpers.machine import unavailable

ROWS = [
    "runtime", "not root", "no capabilities", "no-new-privileges", "seccomp filter", "only loopback network",
    "read-only root", "scratch space capped", "memory limit", "process limit", "no Docker socket",
    "unused uid", "memory limit as set", "no swap", "process limit as set", "scratch space runs no program",
]


@pytest.mark.docker
def test_every_promise_holds_on_this_host(runner_image: str, runtime: str) -> None:
    """Learner programs run as uid 61000, which no login account has (Debian's first is 1000)."""
    try:
        sandbox = Sandbox(SandboxSettings(runtime=runtime))
    except SandboxUnavailable as error:
        unavailable(str(error))
    try:
        rows = examine(sandbox, runner_image)
    finally:
        sandbox.close()
    assert [row.name for row in rows] == ROWS
    failing = [row for row in rows if not row.ok]
    assert failing == [], failing
    if runtime == "runc":  # read back from the cgroup and the mounts, not assumed
        details = {row.name: row.detail for row in rows}
        assert details["memory limit as set"] == f"{256 * 1024 * 1024}, as set"
        assert details["process limit as set"] == "64, as set"
        assert "(running one gives EACCES)" in details["scratch space runs no program"]


@pytest.mark.docker
def test_the_limits_read_inside_are_compared_with_the_settings(runner_image: str) -> None:
    """A sandbox whose engine applies other limits than the doctor's settings say fails those rows."""
    engine = Sandbox(SandboxSettings())
    try:
        told = FakeSandbox(settings=SandboxSettings())
        told.facts = json.loads(engine.run(RunSpec(runner_image, ["python3", "-I", "probe.py"],
                                                   files={"probe.py": PROBE},
                                                   limits=RunLimits(memory_mb=128, pids=32))).stdout)
    finally:
        engine.close()
    assert {"memory limit as set", "process limit as set"} <= set(failing(told))


# -- the row logic, with fabricated facts (no engine) ----------------------------------------

GOOD_FACTS: dict[str, Any] = {
    "uid": 61000, "gid": 61000, "cap_eff": "0000000000000000", "cap_prm": "0000000000000000",
    "cap_bnd": "00000000000000c0",
    "no_new_privs": "1", "seccomp": "2", "interfaces": ["lo"], "root_write": "EROFS", "etc_write": "EROFS",
    "work_bytes": 64 * 1024 * 1024, "tmp_bytes": 64 * 1024 * 1024, "memory_limit": "268435456",
    "pids_limit": "64", "docker_socket": False, "egress": "ENETUNREACH", "kernel": "6.1.0",
    "swap_limit": "268435456", "mounts": {"/work": ["rw", "nosuid", "nodev", "noexec", "size=65536k"],
                                          "/tmp": ["rw", "noexec"]},
    "exec": {"/work": "EACCES", "/tmp": "EACCES"},
}
GVISOR_FACTS = dict(GOOD_FACTS, no_new_privs=None, seccomp="0", memory_limit=None, swap_limit=None,
                    pids_limit=None)  # as gVisor reports them


def ended(
    exit_code: int | None, stdout: bytes = b"", *, oom: bool = False, timed_out: bool = False
) -> RunResult:
    return RunResult(exit_code=exit_code, stdout=stdout, stderr=b"", timed_out=timed_out, oom_killed=oom,
                     stdout_capped=False, stderr_capped=False, duration_s=0.1)


@dataclass
class FakeSandbox:
    """Answers the doctor's three runs with fabricated results."""

    facts: dict[str, Any] = field(default_factory=lambda: dict(GOOD_FACTS))
    memory: RunResult = field(default_factory=lambda: ended(137, oom=True))
    forks: RunResult = field(default_factory=lambda: ended(0, b"forked 62\n"))
    settings: SandboxSettings = field(default_factory=SandboxSettings)
    specs: list[RunSpec] = field(default_factory=list)

    def run(self, spec: RunSpec) -> RunResult:
        self.specs.append(spec)
        if spec.files.get("probe.py") == PROBE:
            return ended(0, json.dumps(self.facts).encode())
        if MEMORY_BOMB in spec.command:
            return self.memory
        assert FORK_BOMB in spec.command
        return self.forks


def rows_of(fake: FakeSandbox) -> dict[str, DoctorRow]:
    return {row.name: row for row in examine(fake, "img")}  # type: ignore[arg-type]


def failing(fake: FakeSandbox) -> list[str]:
    return [name for name, row in rows_of(fake).items() if not row.ok]


def test_good_facts_make_every_row_ok() -> None:
    fake = FakeSandbox()
    assert failing(fake) == []
    assert [spec.image for spec in fake.specs] == ["img"] * 3


@pytest.mark.parametrize(
    ("changes", "row"),
    [
        ({"uid": 0}, ["not root", "unused uid"]),
        ({"gid": 0}, "not root"),
        ({"uid": 61001}, "not root"),
        ({"cap_eff": "00000000a80425fb"}, "no capabilities"),
        ({"cap_eff": "00000000000000c0"}, "no capabilities"),
        ({"cap_prm": "0000000000000080"}, "no capabilities"),
        ({"cap_bnd": "00000000a80425fb"}, "no capabilities"),
        ({"cap_eff": None}, "no capabilities"),
        ({"no_new_privs": "0"}, "no-new-privileges"),
        ({"seccomp": "0"}, "seccomp filter"),
        ({"interfaces": ["eth0", "lo"]}, "only loopback network"),
        ({"egress": "connected"}, "only loopback network"),
        ({"root_write": "written"}, "read-only root"),
        ({"etc_write": "written"}, "read-only root"),
        ({"work_bytes": 30 * 1024**3}, "scratch space capped"),
        ({"tmp_bytes": 30 * 1024**3}, "scratch space capped"),
        ({"docker_socket": True}, "no Docker socket"),
        ({"uid": 1000}, ["not root", "unused uid"]),
        ({"memory_limit": "536870912", "swap_limit": "536870912"}, "memory limit as set"),
        ({"memory_limit": "9223372036854771712", "swap_limit": "9223372036854771712"}, "memory limit as set"),
        ({"memory_limit": None}, "memory limit as set"),
        ({"swap_limit": "9223372036854771712"}, "no swap"),
        ({"swap_limit": "536870912"}, "no swap"),
        ({"swap_limit": None}, "no swap"),
        ({"pids_limit": "max"}, "process limit as set"),
        ({"pids_limit": "1024"}, "process limit as set"),
        ({"pids_limit": None}, "process limit as set"),
        ({"mounts": {"/work": ["rw"], "/tmp": ["rw", "noexec"]}}, "scratch space runs no program"),
        ({"mounts": {"/work": ["rw", "noexec"], "/tmp": None}}, "scratch space runs no program"),
        ({"exec": {"/work": "EACCES", "/tmp": "ran"}}, "scratch space runs no program"),
    ],
)
def test_one_broken_promise_fails_its_row_only(changes: dict[str, Any], row: str | list[str]) -> None:
    fake = FakeSandbox()
    fake.facts.update(changes)
    assert failing(fake) == ([row] if isinstance(row, str) else row)


def test_cgroup_v2_reports_no_swap_as_zero() -> None:
    assert failing(FakeSandbox(facts=dict(GOOD_FACTS, swap_limit="0"))) == []
    assert failing(FakeSandbox(facts=dict(GOOD_FACTS, swap_limit="max"))) == ["no swap"]


def test_the_uid_of_a_login_account_fails_and_says_which_one_is_expected() -> None:
    row = rows_of(FakeSandbox(facts=dict(GOOD_FACTS, uid=1000)))["unused uid"]
    assert not row.ok and "Debian's first is 1000" in row.detail and "must run as 61000" in row.detail


def test_a_memory_bomb_that_was_not_killed_fails_the_memory_row() -> None:
    fake = FakeSandbox(memory=ended(None, timed_out=True))
    assert failing(fake) == ["memory limit"]
    assert "memory bomb not stopped" in rows_of(fake)["memory limit"].detail


def test_a_fork_bomb_that_reached_its_end_fails_the_process_row() -> None:
    fake = FakeSandbox(forks=ended(0, b"forked 4096\n"))
    assert failing(fake) == ["process limit"]
    assert "fork bomb not stopped" in rows_of(fake)["process limit"].detail


def test_under_gvisor_a_fork_bomb_may_end_the_whole_sandbox() -> None:
    gvisor = SandboxSettings(runtime="runsc")
    facts = GVISOR_FACTS
    assert failing(FakeSandbox(facts=facts, settings=gvisor, forks=ended(137, oom=True))) == []
    assert failing(FakeSandbox(facts=facts, settings=gvisor, forks=ended(2))) == []
    assert failing(FakeSandbox(facts=facts, settings=gvisor, forks=ended(None, timed_out=True))) == [
        "process limit"
    ]


def test_a_probe_that_could_not_run_is_one_failing_row() -> None:
    class Broken(FakeSandbox):
        def run(self, spec: RunSpec) -> RunResult:
            return RunResult(exit_code=1, stdout=b"", stderr=b"Traceback: boom\n", timed_out=False,
                             oom_killed=False, stdout_capped=False, stderr_capped=False, duration_s=0.1)

    assert examine(Broken(), "img") == [  # type: ignore[arg-type]
        DoctorRow("probe ran", False, "Traceback: boom\n")
    ]
