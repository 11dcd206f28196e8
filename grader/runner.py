"""The sandbox as grading uses it: connected on first need, with the current runner image."""

from __future__ import annotations

import threading

from grader.runner_image import runner_plan
from sandbox import Sandbox, SandboxSettings, SandboxUnavailable
from sandbox.images import image_status

IMAGE_NOT_CURRENT = (
    "The runner image is {state}: build it with `grader images build` (it takes about a minute and "
    "a half the first time, without internet)."
)


class SandboxRunner:
    """Opens the engine and finds the runner image only when a check first needs them, so that
    html and css checks grade with no engine at all. Thread-safe."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
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
