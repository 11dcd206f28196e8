"""Containers started ahead of need, so that a run does not wait for a container to start.

Each ready container has run nothing yet: its entry waits for the stream of exactly one run, and
the container is removed after that run, as in a cold start. Only the wall-clock deadline and the
output caps (enforced by the host) may differ between runs sharing a ready container; every limit
the engine enforces is part of the profile a container was made for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict, deque
from dataclasses import replace

from sandbox.errors import SandboxError
from sandbox.launched import Launched, Launcher
from sandbox.limits import RunLimits

log = logging.getLogger(__name__)
Profile = tuple[str, RunLimits, tuple[str, ...], tuple[str, ...]]
"""Image, limits, prelaunched helper, warm modules: what a ready container was started with."""
MAX_WALL_S = 600.0
RETRY_AFTER_FAILURE_S = 5.0


def profile_of(image: str, limits: RunLimits, prelaunch: tuple[str, ...] = (),
               warm: tuple[str, ...] = ()) -> Profile:
    return image, replace(limits, wall_s=1.0, output_bytes=1024), prelaunch, warm


class WarmPool:
    """Keeps `size` started containers ready for every profile it has been asked for; `prelaunched_size`
    (default `size`) for a profile whose containers prelaunch a helper, which holds memory while it waits."""

    def __init__(self, sandbox: Launcher, size: int, max_idle_s: float,
                 prelaunched_size: int | None = None) -> None:
        self._sandbox = sandbox
        self._size = size
        self._prelaunched_size = size if prelaunched_size is None else prelaunched_size
        self._max_idle_s = max_idle_s
        self._ready: dict[Profile, deque[Launched]] = defaultdict(deque)
        self._lock = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._refill_loop, name="sandbox-pool", daemon=True)
        self._thread.start()

    def prewarm(self, image: str, limits: RunLimits, prelaunch: tuple[str, ...] = (),
                warm: tuple[str, ...] = ()) -> None:
        with self._lock:
            self._ready[profile_of(image, limits, prelaunch, warm)]
            self._lock.notify()

    def take(self, image: str, limits: RunLimits, prelaunch: tuple[str, ...] = (),
             warm: tuple[str, ...] = ()) -> Launched | None:
        """A ready container for this profile that is still running, or None (start one cold)."""
        profile = profile_of(image, limits, prelaunch, warm)
        while True:
            with self._lock:
                queue = self._ready[profile]
                self._lock.notify()
                if not queue:
                    return None
                launched = queue.popleft()
            if self._still_running(launched):
                return launched
            self._sandbox.discard(launched)

    def size_of(self, profile: Profile) -> int:
        """How many ready containers this profile keeps."""
        return self._prelaunched_size if profile[2] else self._size

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify()
            leftovers = [launched for queue in self._ready.values() for launched in queue]
            self._ready.clear()
        self._thread.join(timeout=10)
        for launched in leftovers:
            self._discard_quietly(launched)

    def _still_running(self, launched: Launched) -> bool:
        try:
            state = self._sandbox.client.inspect_container(launched.container_id)["State"]
        except Exception:
            return False
        return bool(state.get("Running"))

    def _next_job(self) -> tuple[Profile | None, list[Launched]]:
        """Wait for work: a profile short of ready containers, and containers gone stale."""
        with self._lock:
            while not self._closed:
                now = time.monotonic()
                stale = []
                for queue in self._ready.values():
                    while queue and now - queue[0].started_at > self._max_idle_s:
                        stale.append(queue.popleft())
                short = next((p for p, q in self._ready.items() if len(q) < self.size_of(p)), None)
                if short or stale:
                    return short, stale
                self._lock.wait(timeout=self._max_idle_s / 4)
        return None, []

    def _refill_loop(self) -> None:
        while True:
            profile, stale = self._next_job()
            for launched in stale:
                self._discard_quietly(launched)
            if profile is None:
                if self._closed:
                    return
                continue
            image, limits, prelaunch, warm = profile
            try:
                launched = self._sandbox.launch(image, limits, self._max_idle_s + MAX_WALL_S, prelaunch, warm)
            except SandboxError as error:
                log.warning("could not start a ready container: %s", error)
                time.sleep(RETRY_AFTER_FAILURE_S)
                continue
            with self._lock:
                if self._closed:
                    closed = True
                else:
                    closed = False
                    self._ready[profile].append(launched)
            if closed:
                self._discard_quietly(launched)
                return

    def _discard_quietly(self, launched: Launched) -> None:
        try:
            self._sandbox.discard(launched)
        except SandboxError as error:
            log.warning("could not remove a ready container: %s", error)
