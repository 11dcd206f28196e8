"""The hardened container configuration every run gets. One place, so that it is reviewed once."""

from __future__ import annotations

from typing import Any

from docker.types import HostConfig, LogConfig, Ulimit

from sandbox.limits import RunLimits
from sandbox.settings import CONTAINER_USER, ENTRY_COMMAND, GRADER_UID, LEARNER_UID, SandboxSettings

MIB = 1024 * 1024
API_VERSION = "1.41"
PATH = "/usr/local/bin:/usr/bin:/bin"
RUNSC_PIDS_FACTOR = 16
"""gVisor (ptrace platform) backs every process of the sandbox with host processes and threads of
its own, all counted by the engine's pids limit; reaching that limit ends the whole sandbox."""


def engine_pids_limit(settings: SandboxSettings, limits: RunLimits) -> int:
    factor = RUNSC_PIDS_FACTOR if settings.runtime == "runsc" else 1
    return limits.pids * factor


def tmpfs_options(limits: RunLimits, ownership: str) -> str:
    # noexec/nosuid/nodev: scratch space holds data, never new programs or devices;
    # size and nr_inodes: a disk or inode fill stops at the cap, not at the host's disk.
    return f"rw,noexec,nosuid,nodev,size={limits.tmpfs_mb}m,nr_inodes={limits.tmpfs_inodes},{ownership}"


def tmpfs_mounts(limits: RunLimits) -> dict[str, str]:
    return {
        # the learner's files, theirs to change; the harness reads them, learner processes own them
        "/work": tmpfs_options(limits, f"uid={LEARNER_UID},gid={LEARNER_UID},mode=0755"),
        # shared scratch: sticky, so neither uid can remove or rename what the other made
        "/tmp": tmpfs_options(limits, "mode=1777"),
        # the current step's test files: only the grader uid may even list them
        "/checks": tmpfs_options(limits, f"uid={GRADER_UID},gid={GRADER_UID},mode=0700"),
    }


def host_config(settings: SandboxSettings, limits: RunLimits) -> dict[str, Any]:
    """The engine's HostConfig for one sandbox container, as sent on the wire."""
    config = HostConfig(
        version=API_VERSION,
        network_mode="none",  # no interface but loopback: no egress, no bridge, no host ports
        cap_drop=["ALL"],  # every capability dropped ...
        # ... but these two, which the entry keeps for the grader uid alone so that it can start learner
        # programs as another uid; learner processes have none (sandbox/incontainer/identity.py)
        cap_add=["SETUID", "SETGID"],
        security_opt=["no-new-privileges"],  # setuid binaries and file caps grant nothing
        read_only=True,  # the image cannot be changed; only the capped tmpfs mounts are writable
        tmpfs=tmpfs_mounts(limits),
        shm_size=min(limits.tmpfs_mb, 64) * MIB,  # /dev/shm is memory too: keep it small
        ipc_mode="private",  # no shared memory with other containers
        pids_limit=engine_pids_limit(settings, limits),  # a fork bomb stops at this many processes
        mem_limit=limits.memory_mb * MIB,
        memswap_limit=limits.memory_mb * MIB,  # swap = memory: no swap, so a memory bomb is killed
        nano_cpus=int(limits.cpus * 1e9),  # a busy loop gets this share of CPU, not the machine
        ulimits=[
            Ulimit(name="nofile", soft=limits.nofile, hard=limits.nofile),  # open files
            Ulimit(name="fsize", soft=limits.fsize_mb * MIB, hard=limits.fsize_mb * MIB),  # file size
            Ulimit(name="core", soft=0, hard=0),  # no core dumps of learner programs
        ],
        init=True,  # a real PID 1 reaps zombies and forwards the kill
        oom_score_adj=1000,  # under host memory pressure, sandboxes die before the grader does
        log_config=LogConfig(type="none"),  # output is streamed and capped by the host, never logged
        runtime=settings.runtime,
        auto_remove=False,  # removed explicitly once its result is read
    )
    return dict(config)


def container_config(
    settings: SandboxSettings,
    limits: RunLimits,
    labels: dict[str, str],
    image: str,
    prelaunch: tuple[str, ...] = (),
    warm: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Keyword arguments for `APIClient.create_container` of one sandbox container."""
    options = [*(("--warm", ",".join(warm)) if warm else ()), *(("--", *prelaunch) if prelaunch else ())]
    return {
        "image": image,
        "command": [*ENTRY_COMMAND, *options],
        "user": CONTAINER_USER,  # the entry drops to two unprivileged uids before reading anything
        "working_dir": "/work",
        "environment": {"PATH": PATH, "HOME": "/tmp", "LANG": "C.UTF-8"},
        "hostname": "sandbox",
        "network_disabled": True,
        "stdin_open": True,  # files and stdin arrive on stdin, once
        "labels": labels,
        "host_config": host_config(settings, limits),
    }
