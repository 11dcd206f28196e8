"""A real installation for browser tests: `grader serve --demo` (gunicorn, the preview origin and a
real grading worker on the real engine) on free ports, and headless Debian Chromium via Playwright."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.e2e_site import IDLE_S, Site
from tests.helpers.data import CATALOGS

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = CATALOGS / "workbench"
PASSWORD_LINE = re.compile(r"(\w+)\s+username: (\w+)\s+password: ([\w-]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"grader serve stopped early:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@contextmanager
def running_site(instance: Path, env: dict[str, str] | None = None, *options: str) -> Iterator[Site]:
    """`grader serve --demo` on free ports with the workbench catalogue, until the block ends."""
    port, preview_port = free_port(), free_port()
    env = {**os.environ, "GRADER_INSTANCE": str(instance), "GRADER_EXERCISES": str(EXERCISES),
           "GRADER_SUBMIT_COOLDOWN_S": "0", "GRADER_RUN_COOLDOWN_S": "0",
           "GRADER_REFERENCES": str(instance / "references"), "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [sys.executable, "-m", "cli", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
               "--preview-port", str(preview_port), "--web-workers", "2", *options]
    log = instance / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/login", process, log, 60)
        found = map(PASSWORD_LINE.search, log.read_text().splitlines())
        passwords = {match.group(2): match.group(3) for match in found if match}
        yield Site(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{preview_port}", passwords, instance)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def site(runner_image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo site with a worker, graded on the real runner image."""
    with running_site(tmp_path_factory.mktemp("site")) as running:
        yield running


@pytest.fixture(scope="session")
def short_session_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site whose sessions end IDLE_S seconds after logging in (no worker: nothing is graded)."""
    env = {"GRADER_IDLE_TIMEOUT_S": str(IDLE_S)}
    with running_site(tmp_path_factory.mktemp("short"), env, "--no-worker") as running:
        yield running
