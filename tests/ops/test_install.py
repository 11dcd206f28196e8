"""A first installation from a bundle on a machine with no network: install.sh in a network namespace
where only loopback is up, into a fresh folder, then the site brought up from it in the namespace."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from ops.signing import load_public_key
from tests.helpers.ops import (
    NETWORK_ERRORS,
    ROOT,
    BuiltBundle,
    InstalledSite,
    clean_env,
    in_netns,
    outside_connects,
)
from tests.helpers.service import free_port

pytestmark = [pytest.mark.docker, pytest.mark.slow]
FETCH = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())"


def logs_of(prefix: Path) -> str:
    return "\n".join(path.read_text() for path in sorted((prefix / "logs").glob("*.log")))


def test_the_bundle_installs_with_no_network(installed_site: InstalledSite, bundle: BuiltBundle) -> None:
    prefix, output = installed_site.prefix, installed_site.output
    print(f"first install from the bundle: {installed_site.seconds:.1f} s")
    assert f"has the fingerprint {load_public_key(bundle.public_key).fingerprint}" in output
    assert "Signed by the trusted key" in output  # checked by openssl before any code from the bundle ran
    assert "signed by the trusted key SHA256:" in output  # and again by the installed grader
    logs = logs_of(prefix)
    pip_runs = [line for line in logs.splitlines() if line.startswith("+ ") and "pip install" in line]
    assert pip_runs and all("--no-index" in line and "--isolated" in line for line in pip_runs), pip_runs
    assert not NETWORK_ERRORS.search(output + logs), NETWORK_ERRORS.search(output + logs)
    assert installed_site.connects > 0  # strace saw the install talk to Docker through its socket
    assert installed_site.outside_connects == [], "the install tried the network"
    assert "revision (none) -> " in output and " exercises ready, 0 with problems" in output
    doctor = [line.strip() for line in output.splitlines() if line.strip().startswith(("ok ", "FAIL "))]
    assert doctor and all(line.startswith("ok ") for line in doctor), doctor
    release = (prefix / "current").resolve()
    assert json.loads((release / "release.json").read_text())["previous"] is None
    assert (release / "venv").resolve().parent == prefix / "venvs"
    guides = release / "docs"  # a site with no internet has its guides
    assert (guides / "operations.md").read_text() == (ROOT / "docs" / "operations.md").read_text()
    assert (guides / "README.md").is_file()


def test_the_installed_site_serves_its_login_page_inside_the_namespace(installed_site: InstalledSite,
                                                                       netns: str) -> None:
    prefix = installed_site.prefix
    port, preview_port = free_port(), free_port()
    log = prefix / "serve-netns.log"
    command = [str(prefix / "bin" / "grader"), "serve", "--no-worker", "--host", "127.0.0.1",
               "--port", str(port), "--preview-port", str(preview_port), "--web-workers", "1"]
    python = str(prefix / "current" / "venv" / "bin" / "python")
    with log.open("w") as handle:
        server = subprocess.Popen(in_netns(netns, command), env=clean_env(), stdout=handle,
                                  stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/login"
        deadline, page = time.monotonic() + 60, ""
        while time.monotonic() < deadline and server.poll() is None:
            fetched = subprocess.run(in_netns(netns, [python, "-c", FETCH, url]), capture_output=True,
                                     text=True)
            if fetched.returncode == 0:
                page = fetched.stdout
                break
            time.sleep(0.3)
        assert "<h1>Log in</h1>" in page, log.read_text()
        with pytest.raises(OSError):  # the site is inside the namespace, not on this machine's loopback
            urllib.request.urlopen(url, timeout=2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "exercises ready" in log.read_text()


def test_the_connection_audit_tells_loopback_from_outside() -> None:
    trace = """\
12 connect(3, {sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}, 110) = 0
12 connect(4, {sa_family=AF_INET, sin_port=htons(8000), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
13 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = -1
13 connect(6, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \
"2a00::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH
"""
    assert [line.split()[1] for line in outside_connects(trace)] == ["connect(5,", "connect(6,"]
