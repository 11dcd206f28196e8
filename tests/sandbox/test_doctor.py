"""Tests of sandbox/doctor.py: every promise holds on this host, and each row can fail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox import RunResult, RunSpec, Sandbox, SandboxSettings
from sandbox.doctor import FORK_BOMB, MEMORY_BOMB, PROBE, DoctorRow, examine

ROWS = [
    "runtime", "not root", "no capabilities", "no-new-privileges", "seccomp filter", "only loopback network",
    "read-only root", "scratch space capped", "memory limit", "process limit", "no Docker socket",
]


@pytest.mark.docker
def test_every_promise_holds_on_this_host(sandbox: Sandbox, runner_image: str) -> None:
    rows = examine(sandbox, runner_image)
    assert [row.name for row in rows] == ROWS
    failing = [row for row in rows if not row.ok]
    assert failing == [], failing


# -- the row logic, with fabricated facts (no engine) ----------------------------------------

GOOD_FACTS: dict[str, Any] = {
    "uid": 61000, "gid": 61000, "cap_eff": "0000000000000000", "cap_prm": "0000000000000000",
    "cap_bnd": "00000000000000c0",
    "no_new_privs": "1", "seccomp": "2", "interfaces": ["lo"], "root_write": "EROFS", "etc_write": "EROFS",
    "work_bytes": 64 * 1024 * 1024, "tmp_bytes": 64 * 1024 * 1024, "memory_limit": "268435456",
    "pids_limit": "64", "docker_socket": False, "egress": "ENETUNREACH", "kernel": "6.1.0",
}


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
        ({"uid": 0}, "not root"),
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
    ],
)
def test_one_broken_promise_fails_its_row_only(changes: dict[str, Any], row: str) -> None:
    fake = FakeSandbox()
    fake.facts.update(changes)
    assert failing(fake) == [row]


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
    facts = dict(GOOD_FACTS, no_new_privs=None, seccomp="0")  # as gVisor reports them
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
