"""Inside a sandbox, report what the process can see and do, as one JSON object (stdlib only).

`grader doctor` runs this in a normal sandbox and compares every fact with what the settings
promise. Each fact is read from the kernel's own view, or learned by trying the forbidden thing.
"""

import errno
import json
import os
import socket
import subprocess


def status_fields() -> dict:
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def read_first(*paths: str) -> str | None:
    for path in paths:
        try:
            with open(path) as file:
                return file.read().strip()
        except OSError:
            continue
    return None


def write_refused(path: str) -> str:
    try:
        with open(path, "w") as file:
            file.write("x")
    except OSError as error:
        return errno.errorcode.get(error.errno or 0, "error")
    os.unlink(path)
    return "written"


def connect_refused(family: int, address: tuple) -> str:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(address)
    except OSError as error:
        return errno.errorcode.get(error.errno or 0, type(error).__name__)
    return "connected"


def mount_options(path: str) -> list | None:
    """The options `path` is mounted with (None: it is not a mount point)."""
    found = None
    with open("/proc/self/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            if len(fields) >= 4 and fields[1] == path:
                found = fields[3].split(",")  # the last mount on a path is the one in force
    return found


def exec_refused(folder: str) -> str:
    """Try to run a program written in `folder`: its error name, or "ran"."""
    path = os.path.join(folder, "probe-exec-test")
    try:
        with open(path, "w") as file:
            file.write("#!/bin/sh\nexit 0\n")
        os.chmod(path, 0o755)
        subprocess.run([path], check=True, timeout=10)
    except OSError as error:
        return errno.errorcode.get(error.errno or 0, type(error).__name__)
    except subprocess.SubprocessError as error:
        return type(error).__name__
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
    return "ran"


def tmpfs_bytes(path: str) -> int:
    stats = os.statvfs(path)
    return stats.f_blocks * stats.f_frsize


def main() -> None:
    status = status_fields()
    facts = {
        "uid": os.getuid(),
        "gid": os.getgid(),
        "cap_eff": status.get("CapEff"),
        "cap_prm": status.get("CapPrm"),
        "cap_bnd": status.get("CapBnd"),
        "no_new_privs": status.get("NoNewPrivs"),
        "seccomp": status.get("Seccomp"),
        "interfaces": sorted(name for _, name in socket.if_nameindex()),
        "root_write": write_refused("/probe-write-test"),
        "etc_write": write_refused("/etc/probe-write-test"),
        "work_bytes": tmpfs_bytes("/work"),
        "tmp_bytes": tmpfs_bytes("/tmp"),
        "memory_limit": read_first(
            "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"
        ),
        "swap_limit": read_first(
            "/sys/fs/cgroup/memory.swap.max", "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"
        ),
        "pids_limit": read_first("/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/pids/pids.max"),
        "mounts": {path: mount_options(path) for path in ("/work", "/tmp")},
        "exec": {path: exec_refused(path) for path in ("/work", "/tmp")},
        "docker_socket": any(
            os.path.exists(p) for p in ("/var/run/docker.sock", "/run/docker.sock", "/docker.sock")
        ),
        "egress": connect_refused(socket.AF_INET, ("10.0.0.1", 80)),
        "kernel": os.uname().release,
    }
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
