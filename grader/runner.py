"""The sandbox as grading uses it: connected on first need, with the current runner image; and the
engine housekeeping a grading service needs (leftover containers, a periodic reaper, a ping), so that
nothing above the grader reaches into the sandbox layer."""

from __future__ import annotations

import threading

from grader.browser.references import ReferenceStore
from grader.runner_image import runner_plan
from sandbox import Sandbox, SandboxSettings, SandboxUnavailable
from sandbox.engine import engine_client
from sandbox.images import image_status
from sandbox.reaper import PeriodicReaper, is_orphan, owner_label, reap, remove_own_containers

ENGINE_TIMEOUT_S = 30


def process_owner() -> str:
    """This process, as the sandbox labels the containers it starts (host, boot, pid)."""
    return owner_label()


def owner_gone(owner: str) -> bool:
    """Whether `owner` (see `process_owner`) is a process of this host that no longer exists."""
    return is_orphan(owner)

IMAGE_NOT_CURRENT = (
    "The runner image is {state}: build it with `grader images build` (it takes about a minute and "
    "a half the first time, without internet)."
)


class SandboxRunner:
    """Opens the engine and finds the runner image only when a check first needs them, so that
    html and css checks grade with no engine at all. Thread-safe. `references` keeps the model
    solutions' pictures between gradings (None: they are made for each grading that needs them)."""

    def __init__(self, settings: SandboxSettings, references: ReferenceStore | None = None) -> None:
        self.settings = settings
        self.references = references
        self._lock = threading.Lock()
        self._sandbox: Sandbox | None = None
        self._image: str | None = None

    def get(self) -> tuple[Sandbox, str]:
        """The sandbox and the runner image's id.

        Raises:
            SandboxUnavailable: the engine is down or the runner image is not current.
        """
        with self._lock:
            if self._sandbox is None or self._image is None:
                sandbox = Sandbox(self.settings)
                plan = runner_plan()
                state = image_status(sandbox.client, plan)
                if state != "current":
                    sandbox.close()
                    raise SandboxUnavailable(IMAGE_NOT_CURRENT.format(state=state))
                self._image = str(sandbox.client.inspect_image(plan.tag)["Id"])  # type: ignore[no-untyped-call]
                sandbox.prewarm(self._image)
                self._sandbox = sandbox
            return self._sandbox, self._image

    def close(self) -> None:
        with self._lock:
            if self._sandbox is not None:
                self._sandbox.close()
                self._sandbox = None

    def engine_answers(self, timeout_s: float = 2.0) -> bool:
        """Whether the container engine answers now."""
        try:
            with engine_client(self.settings.docker_url, timeout_s):
                return True
        except Exception:
            return False

    def remove_leftovers(self) -> int:
        """Remove containers crashed graders left behind, and this process's own; how many."""
        with engine_client(self.settings.docker_url, ENGINE_TIMEOUT_S) as client:
            return len(reap(client)) + remove_own_containers(client, stopped_only=False)

    def remove_own(self, stopped_only: bool) -> int:
        """Remove this process's containers (only stopped ones: those an engine restart left)."""
        with engine_client(self.settings.docker_url, ENGINE_TIMEOUT_S) as client:
            return remove_own_containers(client, stopped_only)

    def periodic_reaper(self, interval_s: float = 60.0) -> PeriodicReaper:
        """A reaper, not yet started, that removes expired and orphaned containers every interval."""
        return PeriodicReaper(lambda: engine_client(self.settings.docker_url, ENGINE_TIMEOUT_S), interval_s)
