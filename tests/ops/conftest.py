"""Fixtures of the operations tests: one signed bundle made from this tree for the whole session (it
holds a `docker save` of the runner image: hundreds of MB), a network namespace with only loopback
up, and the site installed from the bundle inside that namespace."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox import SandboxUnavailable
from sandbox.engine import engine_client
from tests.support import unavailable
from tests.web.test_service_scale import postgres  # noqa: F401  (a real PostgreSQL server, for test_backup)

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
    return subprocess.run([sys.executable, "-m", "web.cli", *args], cwd=ROOT, env=env or clean_env(),
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


@pytest.fixture(scope="session")
def signing_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys")
    done = grader("bundle", "keygen", str(folder), env=clean_env(GRADER_SIGNING_PASSPHRASE=""))
    assert done.returncode == 0, done.stderr
    return folder / "grader-signing.key", folder / "grader-signing.pub"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory,
           signing_keys: tuple[Path, Path]) -> Iterator[BuiltBundle]:
    """`grader bundle create` of this tree, signed: runner image, wheels, curriculum (no app image)."""
    try:
        with engine_client(None, 30):
            pass
    except SandboxUnavailable as error:
        unavailable(str(error))
    out = tmp_path_factory.mktemp("usb") / "grader-bundle.tar"
    started = time.monotonic()
    done = grader("bundle", "create", str(out), "--sign-key", str(signing_keys[0]), timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    seconds = time.monotonic() - started
    yield BuiltBundle(out, signing_keys[1], signing_keys[0], seconds, done.stdout + done.stderr)
    out.unlink(missing_ok=True)  # hundreds of MB


@pytest.fixture(scope="session")
def netns() -> Iterator[str]:
    """A network namespace where only `lo` is up: any connection out fails at once (no route)."""
    if shutil.which("ip") is None:
        unavailable("iproute2's `ip` is not installed")
    name = f"grader-ops-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if made.returncode != 0:
        unavailable(f"cannot make a network namespace: {made.stderr.strip()}")
    try:
        subprocess.run(in_netns(name, ["ip", "link", "set", "lo", "up"]), check=True)
        links = subprocess.run(in_netns(name, ["ip", "-o", "link"]), capture_output=True, text=True,
                               check=True)
        assert [line.split(":")[1].strip() for line in links.stdout.splitlines()] == ["lo"]
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], capture_output=True)


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


@pytest.fixture(scope="session")
def installed_site(bundle: BuiltBundle, netns: str,
                   tmp_path_factory: pytest.TempPathFactory) -> InstalledSite:
    """A first installation from the bundle, with install.sh, inside the namespace with no network,
    into a fresh folder (fresh virtual environment, fresh instance), with Debian's python3, under
    strace to list every connection the install tried."""
    python = debian_python()
    prefix = tmp_path_factory.mktemp("opt") / "grader"
    script = take_out_bootstrap(bundle.path, prefix.parent)
    command = ["sh", str(script), str(bundle.path), "--trust", str(bundle.public_key),
               "--prefix", str(prefix), "--python", python]
    trace = prefix.parent / "connects.trace"
    if shutil.which("strace") is None:
        unavailable("strace is not installed (apt-get install strace): it lists the connections tried")
    command = ["strace", "-f", "--seccomp-bpf", "-e", "trace=connect", "-o", str(trace), *command]
    started = time.monotonic()
    done = subprocess.run(in_netns(netns, command), env=clean_env(), capture_output=True, text=True,
                          timeout=900, cwd=prefix.parent)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    traced = trace.read_text()
    return InstalledSite(prefix, output, time.monotonic() - started, len(CONNECT.findall(traced)),
                         outside_connects(traced))


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
