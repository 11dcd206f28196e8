"""What the operations tests share: the development tree's `grader` command, a clean environment,
the bundle and installed site they build, and reading an strace of connect() calls."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.machine import unavailable

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_PYTHON = "/usr/bin/python3"  # the site's interpreter: Debian 12's python3, 3.11
NETWORK_ERRORS = re.compile(r"NewConnectionError|Network is unreachable|Temporary failure in "
                            r"name resolution|Name or service not known|Failed to establish|Could not fetch|"
                            r"Retrying")


@dataclass(frozen=True)
class BuiltBundle:
    path: Path
    public_key: Path
    private_key: Path
    seconds: float
    output: str


@dataclass(frozen=True)
class InstalledSite:
    prefix: Path
    output: str
    seconds: float
    connects: int  # connect() calls of the install
    outside_connects: list[str]  # those that were not to loopback or a unix socket


def grader(*args: str, env: dict[str, str] | None = None,
           timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The development tree's `grader` command (this interpreter), output captured."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env or clean_env(),
                          capture_output=True, text=True, timeout=timeout)


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any GRADER_ setting of the developer's (PIP_ ones stay: an
    offline install must ignore them)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GRADER_")}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def debian_python() -> str:
    if not Path(DEBIAN_PYTHON).exists():
        unavailable(f"{DEBIAN_PYTHON} (Debian's python3) is not installed")
    return DEBIAN_PYTHON


def in_netns(name: str, command: list[str]) -> list[str]:
    return ["ip", "netns", "exec", name, *command]


def take_out_bootstrap(bundle: Path, folder: Path) -> Path:
    """What the IT officer does first: `tar -xf BUNDLE install.sh`."""
    with tarfile.open(bundle) as archive:
        stream = archive.extractfile("install.sh")
        assert stream is not None
        script = folder / "install.sh"
        script.write_bytes(stream.read())
    return script


CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_\w+)(.*?)\}")
LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"')


def outside_connects(trace: str) -> list[str]:
    """The lines of an strace of connect() that reach anything but this machine's loopback or a unix
    socket (the Docker engine's)."""
    found = []
    for line in trace.splitlines():
        match = CONNECT.search(line)
        if match is None:
            continue
        family, address = match.groups()
        if family in ("AF_UNIX", "AF_UNSPEC", "AF_NETLINK") or LOOPBACK.search(address):
            continue
        found.append(line)
    return found
