"""Fixtures of the operations tests: one signed bundle made from this tree for the whole session (it
holds a `docker save` of the runner image: hundreds of MB), a network namespace with only loopback
up, and the site installed from the bundle inside that namespace."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import SandboxUnavailable
from sandbox.engine import engine_client
from tests.helpers.machine import unavailable
from tests.helpers.ops import (
    CONNECT,
    BuiltBundle,
    InstalledSite,
    clean_env,
    debian_python,
    grader,
    in_netns,
    outside_connects,
    take_out_bootstrap,
)


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
