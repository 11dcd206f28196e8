"""A worker's watch on its container engine: is it answering, was it down during a grading (a
container stopped by an engine restart looks like a learner's program that died), is the runner
image usable; after an outage it has the runner remove the containers the restart left stopped."""

from __future__ import annotations

import logging
import threading
import time

from grader.runner import SandboxRunner

log = logging.getLogger(__name__)


class EngineWatch:
    """Pings the engine every `interval_s` and remembers when it last failed to answer; every
    `IMAGE_EVERY` pings, checks that the runner can be used (engine and current image)."""

    IMAGE_EVERY = 10

    def __init__(self, runner: SandboxRunner, interval_s: float = 0.5) -> None:
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
        if self.runner.engine_answers():
            return True
        self._last_down = time.monotonic()
        return False

    def _after_outage(self) -> None:
        try:
            removed = self.runner.remove_own(stopped_only=True)
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
