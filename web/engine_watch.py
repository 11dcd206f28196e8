"""A worker's watch on its container engine: is it answering, was it down during a grading (a
container stopped by an engine restart looks like a learner's program that died), is the runner
image usable; and the removal of the containers an engine restart left stopped."""

from __future__ import annotations

import logging
import threading
import time

from docker.errors import APIError, NotFound

from grader.runner import SandboxRunner
from sandbox.engine import engine_client
from sandbox.reaper import owner_label
from sandbox.settings import OWNER_LABEL

log = logging.getLogger(__name__)


def remove_own_containers(docker_url: str | None, stopped_only: bool) -> int:
    """Remove this process's sandbox containers (only the stopped ones when `stopped_only`): after
    an engine restart, the containers it stopped mid-run are left behind with a live owner."""
    removed = 0
    with engine_client(docker_url, 30) as client:
        for container in client.containers(all=True, filters={"label": f"{OWNER_LABEL}={owner_label()}"}):
            if stopped_only and container.get("State") not in ("exited", "dead"):
                continue
            try:
                client.remove_container(container["Id"], force=True, v=True)
                removed += 1
            except (NotFound, APIError):
                pass  # already going: the sandbox removes its own containers after each run
    return removed


class EngineWatch:
    """Pings the engine every `interval_s` and remembers when it last failed to answer; every
    `IMAGE_EVERY` pings, checks that the runner can be used (engine and current image)."""

    IMAGE_EVERY = 10

    def __init__(self, docker_url: str | None, runner: SandboxRunner, interval_s: float = 0.5) -> None:
        self.docker_url = docker_url
        self.runner = runner
        self.interval_s = interval_s
        self.ok = False
        self.image_current = False
        self.detail = ""
        self._last_down = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="engine-watch", daemon=True)

    def start(self) -> None:
        self.ok = self._ping()
        self._check_runner()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def disturbed_since(self, since: float) -> bool:
        """Whether the engine failed to answer at any moment after monotonic time `since` (asked
        again now, so a restart that has only just begun counts too)."""
        return self._last_down >= since or not self._ping()

    def _ping(self) -> bool:
        try:
            with engine_client(self.docker_url, 2):
                pass
        except Exception:
            self._last_down = time.monotonic()
            return False
        return True

    def _after_outage(self) -> None:
        try:
            removed = remove_own_containers(self.docker_url, stopped_only=True)
        except Exception as error:
            log.warning("could not remove containers left by the engine's restart: %s", error)
            return
        log.info("the container engine answers again; removed %d container(s) it had stopped", removed)

    def _check_runner(self) -> None:
        try:
            self.runner.get()
            self.image_current, self.detail = True, ""
        except Exception as error:
            self.image_current, self.detail = False, str(error)[:2000]

    def _loop(self) -> None:
        pings = 0
        while not self._stop.wait(self.interval_s):
            was_ok, self.ok = self.ok, self._ping()
            if self.ok and not was_ok:
                self._after_outage()
            pings += 1
            if pings % self.IMAGE_EVERY == 0:
                self._check_runner()
