"""What the browser tests know of the running site, how they run one (`grader serve --demo`: gunicorn,
the preview origin and a real grading worker on the real engine, on free ports), and logging in."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.service import free_port

ROOT = Path(__file__).resolve().parents[2]
IDLE_S = 12
"""Seconds after logging in that a session of the short-session site ends."""
PASSWORD_LINE = re.compile(r"(\w+)\s+username: (\w+)\s+password: ([\w-]+)")



@dataclass(frozen=True)
class Site:
    url: str
    preview_url: str
    passwords: dict[str, str]
    instance: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.instance / 'grader.db'}"


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
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
def serve(instance: Path, exercises: Path, env: dict[str, str] | None = None,
          *options: str) -> Iterator[Site]:
    """`grader serve --demo` on `exercises` with `options` (a worker unless `--no-worker`), its data in
    `instance` and `env` added to its environment, until the block ends."""
    instance.mkdir(parents=True, exist_ok=True)
    port, preview_port = free_port(), free_port()
    env = {**os.environ, "GRADER_INSTANCE": str(instance), "GRADER_EXERCISES": str(exercises),
           "GRADER_SUBMIT_COOLDOWN_S": "0", "GRADER_RUN_COOLDOWN_S": "0",
           "GRADER_REFERENCES": str(instance / "references"), "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [sys.executable, "-m", "cli", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
               "--preview-port", str(preview_port), "--web-workers", "2", *options]
    log = instance / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_for(f"http://127.0.0.1:{port}/login", process, log, 60)
        found = map(PASSWORD_LINE.search, log.read_text().splitlines())
        passwords = {match.group(2): match.group(3) for match in found if match}
        yield Site(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{preview_port}", passwords, instance)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def log_in(page: Any, site: Site, username: str) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#username", username)
    page.fill("#password", site.passwords[username])
    page.click("button.primary")
    page.wait_for_url(f"{site.url}/")
