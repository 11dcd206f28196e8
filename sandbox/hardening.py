"""The hardened container configuration every run gets. One place, so that it is reviewed once."""

from __future__ import annotations

from typing import Any

from docker.types import HostConfig, LogConfig, Ulimit

from sandbox.limits import RunLimits
from sandbox.settings import ENTRY_COMMAND, SandboxSettings

MIB = 1024 * 1024
API_VERSION = "1.41"
PATH = "/usr/local/bin:/usr/bin:/bin"
RUNSC_PIDS_FACTOR = 16
"""gVisor (ptrace platform) backs every process of the sandbox with host processes and threads of
its own, all counted by the engine's pids limit; reaching that limit ends the whole sandbox."""


def engine_pids_limit(settings: SandboxSettings, limits: RunLimits) -> int:
    factor = RUNSC_PIDS_FACTOR if settings.runtime == "runsc" else 1
    return limits.pids * factor


def tmpfs_options(limits: RunLimits, uid: str, gid: str) -> str:
    # noexec/nosuid/nodev: scratch space holds data, never new programs or devices;
    # size and nr_inodes: a disk or inode fill stops at the cap, not at the host's disk.
    return (
        f"rw,noexec,nosuid,nodev,size={limits.tmpfs_mb}m,nr_inodes={limits.tmpfs_inodes},"
        f"uid={uid},gid={gid},mode=0700"
    )


def host_config(settings: SandboxSettings, limits: RunLimits) -> dict[str, Any]:
    """The engine's HostConfig for one sandbox container, as sent on the wire."""
    uid, _, gid = settings.user.partition(":")
    scratch = tmpfs_options(limits, uid, gid)
    config = HostConfig(
        version=API_VERSION,
        network_mode="none",  # no interface but loopback: no egress, no bridge, no host ports
        cap_drop=["ALL"],  # no capability, even for a process that somehow became uid 0
        security_opt=["no-new-privileges"],  # setuid binaries and file caps grant nothing
        read_only=True,  # the image cannot be changed; only the capped tmpfs mounts are writable
        tmpfs={"/work": scratch, "/tmp": scratch},
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
) -> dict[str, Any]:
    """Keyword arguments for `APIClient.create_container` of one sandbox container."""
    return {
        "image": image,
        "command": [*ENTRY_COMMAND, "--", *prelaunch] if prelaunch else list(ENTRY_COMMAND),
        "user": settings.user,  # numeric and non-root, whatever the image says
        "working_dir": "/work",
        "environment": {"PATH": PATH, "HOME": "/tmp", "LANG": "C.UTF-8"},
        "hostname": "sandbox",
        "network_disabled": True,
        "stdin_open": True,  # files and stdin arrive on stdin, once
        "labels": labels,
        "host_config": host_config(settings, limits),
    }
