"""Two systemd units: the site and the preview origin as an unprivileged user without the Docker socket,
the worker as its own user in the `docker` group. The unit files parse (systemd-analyze verify), the
shipped copies in deploy/ are the ones installs write, and `grader serve --no-worker` really runs as an
unprivileged user that cannot reach the Docker socket, and never tries to."""

from __future__ import annotations

import configparser
import os
import pwd
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.layout import UNITS, Site
from tests.helpers.data import CATALOGS
from tests.helpers.machine import unavailable
from tests.helpers.ops import ROOT, clean_env, debian_python
from tests.helpers.service import free_port

DOCKER_SOCKET = Path("/var/run/docker.sock")


def unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


def test_deploy_holds_the_units_an_install_writes(tmp_path: Path) -> None:
    for name, template in UNITS.items():
        assert (ROOT / "deploy" / name).read_text() == template.format(prefix="/opt/grader"), name
    site = Site(tmp_path / "grader")
    site.write_scaffolding()
    assert sorted(p.name for p in site.prefix.glob("*.service")) == sorted(UNITS)


def test_the_site_has_no_docker_and_the_worker_is_another_user() -> None:
    site = unit(UNITS["grader-site.service"].format(prefix="/opt/grader"))["Service"]
    worker = unit(UNITS["grader-worker.service"].format(prefix="/opt/grader"))["Service"]
    assert site["User"] not in ("root", "0", worker["User"])
    assert site["ExecStart"].endswith("serve --no-worker") and worker["ExecStart"].endswith(" worker")
    assert "docker" not in site.get("SupplementaryGroups", "") and site["Group"] != "docker"
    assert "/var/run/docker.sock" in site["InaccessiblePaths"] and site["NoNewPrivileges"] == "yes"
    assert worker["SupplementaryGroups"] == "docker" and worker["Group"] == site["Group"]  # the data's group
    assert site["Environment"] == worker["Environment"]  # one place for the pictures both read


def test_the_units_parse(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        unavailable("systemd-analyze is not installed (apt-get install systemd)")
    command = tmp_path / "grader" / "bin" / "grader"
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\n")
    command.chmod(0o755)
    files = []
    for name, template in UNITS.items():
        (tmp_path / name).write_text(template.format(prefix=tmp_path / "grader"))
        files.append(str(tmp_path / name))
    done = subprocess.run(["systemd-analyze", "verify", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    noise = [line for line in done.stderr.splitlines() if "grader-" in line]  # unknown keys, bad values
    assert noise == [], noise


def unprivileged() -> pwd.struct_passwd:
    if os.geteuid() != 0:
        unavailable("switching to an unprivileged user needs root")
    if not DOCKER_SOCKET.exists():
        unavailable("no Docker socket here to keep away from")
    return pwd.getpwnam("nobody")


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="grader-services-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_grader_serve_runs_as_an_unprivileged_user_without_the_docker_socket(open_folder: Path) -> None:
    if shutil.which("strace") is None or shutil.which("setpriv") is None:
        unavailable("strace and setpriv are needed (apt-get install strace util-linux)")
    nobody = unprivileged()
    tmp_path = open_folder
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o700)
    os.chown(instance, nobody.pw_uid, nobody.pw_gid)  # what the administrator does for `grader`
    # This environment's packages, run by Debian's python3: the unprivileged user cannot reach an
    # interpreter under /root (a pyenv's), as it could not on a site.
    python = debian_python()
    env = clean_env(GRADER_INSTANCE=str(instance), GRADER_EXERCISES=str(CATALOGS / "site"),
                    GRADER_REFERENCES=str(instance / "references"), HOME=str(instance),
                    PYTHONPATH=os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]]))
    migrated = subprocess.run([python, "-m", "cli", "db", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    assert (instance / "grader.db").stat().st_uid == nobody.pw_uid  # root's command left it to the site
    as_nobody = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    refused = subprocess.run([*as_nobody, python, "-c",
                              f"import socket; socket.socket(socket.AF_UNIX).connect('{DOCKER_SOCKET}')"],
                             capture_output=True, text=True)
    assert "PermissionError" in refused.stderr, refused.stderr  # the user cannot reach the engine
    port, preview_port = free_port(), free_port()
    trace, log = tmp_path / "serve.trace", tmp_path / "serve.log"
    command = ["strace", "-f", "-qq", "-e", "trace=connect,open,openat", "-o", str(trace), *as_nobody,
               python, "-m", "cli", "serve", "--no-worker", "--host", "127.0.0.1",
               "--port", str(port), "--preview-port", str(preview_port), "--web-workers", "1"]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline, page = time.monotonic() + 120, ""
        while not page:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.3)
        assert "<h1>Log in</h1>" in page
        health = urllib.request.urlopen(f"http://127.0.0.1:{preview_port}/", timeout=5).read()
        assert b"Learners' pages" in health
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    traced = trace.read_text()
    assert "docker.sock" not in traced, [line for line in traced.splitlines() if "docker.sock" in line]
    assert "serve" in log.read_text() or "exercises ready" in log.read_text()
