"""Tests of sandbox/hardening.py, settings.py and limits.py: the exact options sent to the engine,
and a fake engine proving how `Sandbox.run` talks to it (no pull, no `containers.run`, always removed)."""

from __future__ import annotations

import importlib.util
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox import RunLimits, RunSpec, Sandbox, SandboxSettings, SandboxUnavailable
from sandbox.hardening import RUNSC_PIDS_FACTOR, container_config, host_config
from sandbox.settings import ENTRY_COMMAND, GRADER_UID, HELPER_UID, LEARNER_UID

IDENTITY = Path(__file__).resolve().parents[2] / "sandbox" / "incontainer" / "identity.py"
_spec = importlib.util.spec_from_file_location("sandbox_identity_under_test", IDENTITY)
assert _spec is not None and _spec.loader is not None
identity = importlib.util.module_from_spec(_spec)  # the in-container module (stdlib only), read here
_spec.loader.exec_module(identity)

MIB = 1024 * 1024
LIMITS = RunLimits(wall_s=5, memory_mb=128, cpus=0.5, pids=32, tmpfs_mb=16, tmpfs_inodes=512, nofile=64,
                   fsize_mb=8, output_bytes=4096)


def test_every_container_gets_exactly_the_hardened_host_config() -> None:
    config = host_config(SandboxSettings(), LIMITS)
    scratch = "rw,noexec,nosuid,nodev,size=16m,nr_inodes=512"
    assert config == {
        "NetworkMode": "none",
        "CapDrop": ["ALL"],
        "CapAdd": ["SETUID", "SETGID"],
        "SecurityOpt": ["no-new-privileges"],
        "ReadonlyRootfs": True,
        "Tmpfs": {
            "/work": f"{scratch},uid=61000,gid=61000,mode=0755",
            "/tmp": f"{scratch},mode=1777",
            "/checks": f"{scratch},uid=61001,gid=61001,mode=0700",
        },
        "ShmSize": 16 * MIB,
        "IpcMode": "private",
        "PidsLimit": 32,
        "Memory": 128 * MIB,
        "MemorySwap": 128 * MIB,
        "NanoCpus": 500_000_000,
        "Ulimits": [
            {"Name": "nofile", "Soft": 64, "Hard": 64},
            {"Name": "fsize", "Soft": 8 * MIB, "Hard": 8 * MIB},
            {"Name": "core", "Soft": 0, "Hard": 0},
        ],
        "Init": True,
        "OomScoreAdj": 1000,
        "LogConfig": {"Type": "none", "Config": {}},
        "Runtime": "runc",
    }


def test_nothing_widens_the_sandbox() -> None:
    """The one capability a container keeps is the grader uid's (to start learner programs as another
    uid); the entry drops it for every learner program (sandbox/incontainer/identity.py)."""
    config = host_config(SandboxSettings(), RunLimits())
    assert config["CapDrop"] == ["ALL"] and config["CapAdd"] == ["SETUID", "SETGID"]
    for widening in ("Privileged", "Binds", "Mounts", "Devices", "PortBindings", "VolumesFrom",
                     "PidMode", "UsernsMode", "UTSMode", "CgroupParent", "Sysctls", "ExtraHosts", "Links"):
        assert widening not in config
    assert "seccomp=unconfined" not in config["SecurityOpt"]
    assert not any(option.startswith(("apparmor", "label")) for option in config["SecurityOpt"])


def test_gvisor_gets_a_larger_engine_pids_limit_and_its_runtime() -> None:
    """gVisor backs each sandboxed process with host processes and threads of its own, all counted
    by the engine's pids limit, so the engine's number is the run's limit times RUNSC_PIDS_FACTOR."""
    config = host_config(SandboxSettings(runtime="runsc"), LIMITS)
    assert RUNSC_PIDS_FACTOR == 16
    assert config["PidsLimit"] == 32 * 16
    assert config["Runtime"] == "runsc"


def test_memory_equals_memory_plus_swap_at_every_size() -> None:
    for memory_mb in (16, 256, 8192):
        config = host_config(SandboxSettings(), RunLimits(memory_mb=memory_mb))
        assert config["Memory"] == config["MemorySwap"] == memory_mb * MIB


def test_the_shared_memory_mount_never_exceeds_64_mib() -> None:
    assert host_config(SandboxSettings(), RunLimits(tmpfs_mb=1024))["ShmSize"] == 64 * MIB
    assert host_config(SandboxSettings(), RunLimits(tmpfs_mb=8))["ShmSize"] == 8 * MIB


def test_container_config_starts_the_entry_that_drops_to_two_uids_without_network() -> None:
    labels = {"org.grader.sandbox": "1"}
    config = container_config(SandboxSettings(), LIMITS, labels, "grader-runner:abc")
    assert config == {
        "image": "grader-runner:abc",
        "command": list(ENTRY_COMMAND),
        "user": "0:0",
        "working_dir": "/work",
        "environment": {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"},
        "hostname": "sandbox",
        "network_disabled": True,
        "stdin_open": True,
        "labels": labels,
        "host_config": host_config(SandboxSettings(), LIMITS),
    }
    assert ENTRY_COMMAND[:2] == ("/usr/bin/python3", "-I")  # isolated: no PYTHON* variables, no user site


def test_a_prelaunched_helper_follows_the_entry_after_a_double_dash() -> None:
    helper = ("/usr/bin/python3", "-I", "-S", "/opt/harness/chromium.py")
    config = container_config(SandboxSettings(), LIMITS, {}, "img", helper)
    assert config["command"] == [*ENTRY_COMMAND, "--", *helper]


# -- settings and limits ---------------------------------------------------------------------


def test_the_three_uids_are_fixed_distinct_and_no_login_account() -> None:
    """Learner programs, the harness and the prelaunched helper never share a uid; none is root nor
    Debian's first login account (1000); the entry (in the image) uses the same numbers as the host."""
    assert (LEARNER_UID, GRADER_UID, HELPER_UID) == (61000, 61001, 61002)
    in_image = (identity.LEARNER_UID, identity.GRADER_UID, identity.HELPER_UID)
    assert in_image == (LEARNER_UID, GRADER_UID, HELPER_UID)
    assert identity.GRADER_CAPS == (1 << 6) | (1 << 7)  # CAP_SETGID, CAP_SETUID: nothing else


def run_filter(program: bytes, arch: int, nr: int) -> int:
    """A small classic-BPF interpreter for the instructions the learner's filter uses."""
    instructions = [struct.unpack("=HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    data = {0: nr, 4: arch}
    accumulator, pc = 0, 0
    while True:
        code, jt, jf, k = instructions[pc]
        if code == 0x20:
            accumulator = data[k]
        elif code == 0x54:
            accumulator &= k
        elif code == 0x15:
            pc += jt if accumulator == k else jf
        elif code == 0x06:
            return k
        pc += 1


@pytest.mark.parametrize("machine", sorted(identity.AUDIT_ARCH))
def test_the_learners_filter_refuses_objects_that_outlive_a_step(machine: str) -> None:
    program = identity.learner_filter_program(machine)
    arch = identity.AUDIT_ARCH[machine]
    refused = identity.RET_ERRNO | identity.EPERM
    for name, number in identity.REFUSED_CALLS[machine].items():
        assert run_filter(program, arch, number) == refused, name
        assert run_filter(program, arch, number | identity.X32_BIT) == refused, f"x32 {name}"
    for allowed in (0, 1, 2, 59, 56, 57, 231, 435):  # read write open execve clone fork exit_group clone3
        if allowed not in identity.REFUSED_CALLS[machine].values():
            assert run_filter(program, arch, allowed) == identity.RET_ALLOW
    assert run_filter(program, 0x40000003, 117) == refused  # int 0x80 (i386 ABI): ipc(), or anything


@pytest.mark.parametrize("runtime", ["", "kata", "RUNC", "runsc-debug", "io.containerd.runc.v2"])
def test_settings_refuse_unknown_runtimes(runtime: str) -> None:
    with pytest.raises(ValueError, match="unknown sandbox runtime"):
        SandboxSettings(runtime=runtime)


def test_settings_defaults_are_hardened() -> None:
    settings = SandboxSettings()
    assert settings.runtime == "runc"
    assert settings.pool_size == 0
    assert settings.limits == RunLimits()


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("wall_s", 0), ("wall_s", -1), ("wall_s", 601),
        ("memory_mb", 15), ("memory_mb", 8193),
        ("cpus", 0.05), ("cpus", 17),
        ("pids", 7), ("pids", 4097),
        ("tmpfs_mb", 0), ("tmpfs_mb", 4097),
        ("tmpfs_inodes", 63), ("tmpfs_inodes", 1_000_001),
        ("nofile", 15), ("nofile", 65537),
        ("fsize_mb", 0), ("fsize_mb", 4097),
        ("output_bytes", 1023), ("output_bytes", 64 * MIB + 1),
    ],
)
def test_limits_refuse_out_of_range_values(field: str, bad: float) -> None:
    kwargs: dict[str, Any] = {field: bad}
    with pytest.raises(ValueError, match=rf"run limits out of range: {field}={bad}"):
        RunLimits(**kwargs)


def test_limits_name_every_bad_value_at_once() -> None:
    with pytest.raises(ValueError, match=r"wall_s=0, memory_mb=1\b"):
        RunLimits(wall_s=0, memory_mb=1)


def test_limits_accept_their_bounds() -> None:
    RunLimits(wall_s=600, memory_mb=16, cpus=0.1, pids=8, tmpfs_mb=1, tmpfs_inodes=64, nofile=16, fsize_mb=1,
              output_bytes=1024)
    RunLimits(memory_mb=8192, cpus=16, pids=4096, tmpfs_mb=4096, tmpfs_inodes=1_000_000, nofile=65536,
              fsize_mb=4096, output_bytes=64 * MIB)


# -- how Sandbox.run talks to the engine (a fake low-level client, no engine) ---------------


class FakeEngine:
    """Records every call of the low-level client API that `Sandbox` uses; anything else (pull,
    the high-level `containers.run`, exec) is an AttributeError, so a test fails loudly.

    The attach socket is one end of a socket pair; a thread plays the engine on the other end:
    it reads the stdin stream until the host shuts it, then sends one stdout frame and closes."""

    def __init__(self, *, fail_in: str | None = None, exit_code: int = 0) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.fail_in = fail_in
        self.exit_code = exit_code
        self.received = bytearray()
        self._threads: list[threading.Thread] = []


    def close(self) -> None:
        """Sandbox.close() closes its engine connections; nothing to close here."""
    def _record(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))
        if name == self.fail_in:
            raise requests.exceptions.ConnectionError(f"engine lost during {name}")

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]

    def ping(self) -> bool:
        return True

    def containers(self, **kwargs: Any) -> list[dict[str, Any]]:
        self._record("containers", **kwargs)
        return []

    def create_container(self, **kwargs: Any) -> dict[str, str]:
        self._record("create_container", **kwargs)
        return {"Id": "c0ffee"}

    def attach_socket(self, container_id: str, params: dict[str, int]) -> socket.socket:
        self._record("attach_socket", container_id, params=params)
        host_end, engine_end = socket.socketpair()
        thread = threading.Thread(target=self._play_engine, args=(engine_end,), daemon=True)
        thread.start()
        self._threads.append(thread)
        return host_end

    def _play_engine(self, sock: socket.socket) -> None:
        with sock:
            try:
                while chunk := sock.recv(65536):
                    self.received += chunk
                sock.sendall(struct.pack(">BxxxL", 1, 3) + b"hi\n")
            except OSError:
                pass  # the host hung up first

    def start(self, container_id: str) -> None:
        self._record("start", container_id)

    def kill(self, container_id: str) -> None:
        self._record("kill", container_id)

    def wait(self, container_id: str, timeout: float) -> dict[str, int]:
        self._record("wait", container_id, timeout=timeout)
        return {"StatusCode": self.exit_code}

    def inspect_container(self, container_id: str) -> dict[str, Any]:
        self._record("inspect_container", container_id)
        return {"State": {"OOMKilled": False, "Running": False}}

    oom_events: tuple[dict[str, str], ...] = ()

    def events(self, **kwargs: Any) -> Iterator[dict[str, str]]:
        self._record("events", **kwargs)
        yield from self.oom_events

    def remove_container(self, container_id: str, **kwargs: Any) -> None:
        self._record("remove_container", container_id, **kwargs)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=5)


@pytest.fixture
def fake_sandbox(monkeypatch: pytest.MonkeyPatch) -> Any:
    def make(engine: FakeEngine) -> Sandbox:
        monkeypatch.setattr("sandbox.run.connect", lambda url, timeout: engine)
        return Sandbox(SandboxSettings())

    return make


def run_spec() -> RunSpec:
    return RunSpec("grader-runner:test", ["python3", "main.py"], files={"main.py": b"print('hi')\n"},
                   limits=RunLimits(wall_s=5))


def test_run_creates_attaches_starts_waits_and_removes_in_that_order(fake_sandbox: Any) -> None:
    engine = FakeEngine()
    box = fake_sandbox(engine)
    result = box.run(run_spec())
    box.close()
    engine.join()
    assert result.exit_code == 0 and result.stdout == b"hi\n" and result.ok
    assert engine.names() == ["containers", "create_container", "attach_socket", "start", "wait",
                              "remove_container"]
    assert engine.calls[-1] == ("remove_container", ("c0ffee",), {"force": True, "v": True})
    assert b"main.py" in engine.received and b".sandbox/manifest.json" in engine.received


def test_run_sends_the_hardened_config_and_reaps_only_labelled_containers(fake_sandbox: Any) -> None:
    engine = FakeEngine()
    box = fake_sandbox(engine)
    box.run(run_spec())
    box.close()
    engine.join()
    assert engine.calls[0] == ("containers", (), {"all": True, "filters": {"label": "org.grader.sandbox"}})
    created = engine.calls[1][2]
    assert created["host_config"] == host_config(box.settings, run_spec().limits)
    assert created["image"] == "grader-runner:test"
    assert set(created["labels"]) == {"org.grader.sandbox", "org.grader.deadline", "org.grader.owner",
                                      "org.grader.run"}


def test_run_never_pulls_nor_uses_the_high_level_run(fake_sandbox: Any) -> None:
    """FakeEngine has neither `pull` nor a `containers.run`: the run above would have failed with
    an AttributeError. Say it explicitly too."""
    engine = FakeEngine()
    box = fake_sandbox(engine)
    box.run(run_spec())
    box.close()
    engine.join()
    assert not hasattr(engine, "pull") and not hasattr(engine.containers, "run")
    assert "pull" not in engine.names()


@pytest.mark.parametrize("fail_in", ["start", "wait", "inspect_container"])
def test_run_removes_the_container_even_when_the_engine_fails(fake_sandbox: Any, fail_in: str) -> None:
    engine = FakeEngine(fail_in=fail_in, exit_code=1)
    box = fake_sandbox(engine)
    with pytest.raises(SandboxUnavailable, match=f"engine lost during {fail_in}"):
        box.run(run_spec())
    box.close()
    engine.join()
    assert engine.calls[-1] == ("remove_container", ("c0ffee",), {"force": True, "v": True})


def test_run_removes_the_container_when_interrupted(
    fake_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr("sandbox.run.pump", interrupted)
    engine = FakeEngine()
    box = fake_sandbox(engine)
    with pytest.raises(KeyboardInterrupt):
        box.run(run_spec())
    box.close()
    assert engine.calls[-1] == ("remove_container", ("c0ffee",), {"force": True, "v": True})


def test_a_deadline_kills_then_removes(fake_sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sandbox.run.pump", lambda *args: True)  # the deadline passed
    engine = FakeEngine(exit_code=137)
    box = fake_sandbox(engine)
    result = box.run(run_spec())
    box.close()
    engine.join()
    assert result.timed_out and result.exit_code is None and not result.ok
    assert engine.names() == ["containers", "create_container", "attach_socket", "start", "kill", "wait",
                              "inspect_container", "remove_container"]


@pytest.mark.parametrize(("events", "oom"), [([{"status": "oom"}], True), ([], False)])
def test_a_late_oom_event_still_counts_as_out_of_memory(
    fake_sandbox: Any, events: list[dict[str, str]], oom: bool
) -> None:
    """The engine's OOMKilled flag can lose a race with the exit event (seen under gVisor): a run
    killed by SIGKILL that the host did not kill looks for the engine's OOM event instead."""
    engine = FakeEngine(exit_code=137)
    engine.oom_events = tuple(events)
    box = fake_sandbox(engine)
    result = box.run(run_spec())
    box.close()
    engine.join()
    assert result.exit_code == 137 and result.oom_killed is oom
    filters = next(kwargs for name, _, kwargs in engine.calls if name == "events")["filters"]
    assert filters == {"container": "c0ffee", "event": "oom"}
