"""The runner image of this grader: the sandbox's package list plus the in-container programs; and the
image work offline operations need (build, save, load, adopt), so that they never reach past the grader
into the sandbox layer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from docker import APIClient

import sandbox
from sandbox import SandboxError, SandboxUnavailable, image_transfer
from sandbox.engine import engine_client
from sandbox.images import (
    ImageInfo,
    ImagePlan,
    Progress,
    adopt_runner_image,
    build_runner_image,
    runner_image_plan,
)

__all__ = ["ImageEngine", "SandboxError", "SandboxUnavailable", "image_engine", "runner_plan"]

SANDBOX = Path(sandbox.__file__).resolve().parent
HARNESS = Path(__file__).resolve().parent / "harness"
NODE_SNAPSHOT = (
    "node --snapshot-blob /opt/harness/node.blob --build-snapshot /opt/harness/node_snapshot.js"
    " && node --snapshot-blob /opt/harness/node.blob -e 0"
)
"""Built into the image: the start-up snapshot the harness's Node.js programs start from
(grader/harness/node_snapshot.js says why), then started once to prove it loads."""


def runner_plan(root: Path | None = None) -> ImagePlan:
    """What the runner image holds: the Debian packages, the sandbox entry and the grading harness.
    Everything is read from the installed packages, so a wheel install builds the same image.

    Args:
        root: a folder holding the `sandbox` and `grader` packages to read instead of the installed
            ones, e.g. an unpacked wheel (a bundle's image must match the code it ships).
    """
    sandbox_dir = SANDBOX if root is None else root / "sandbox"
    harness = HARNESS if root is None else root / "grader" / "harness"
    return runner_image_plan(
        sandbox_dir / "image" / "packages.txt",
        {"/opt/sandbox": sandbox_dir / "incontainer", "/opt/harness": harness},
        commands=(NODE_SNAPSHOT,),
    )


class ImageEngine:
    """The container engine as offline operations use it for images: build the runner image, save
    images to an archive, load them back and adopt a loaded runner image. Open it with `image_engine`."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def build_runner(self, plan: ImagePlan, progress: Progress, mirror: str | None = None) -> ImageInfo:
        """Build the runner image of `plan` unless it is current (see sandbox.images)."""
        return build_runner_image(self._client, plan, progress=progress, mirror=mirror)

    def image_id(self, tag: str) -> str | None:
        return image_transfer.image_id(self._client, tag)

    def save(self, tags: list[str], out: Path) -> dict[str, str]:
        return image_transfer.save_images(self._client, tags, out)

    def load(self, source: IO[bytes] | Any) -> list[str]:
        return image_transfer.load_images(self._client, source)

    def adopt_runner(self, tag: str, content_hash: str) -> None:
        adopt_runner_image(self._client, tag, content_hash)


@contextmanager
def image_engine(docker_url: str | None = None, timeout_s: float = 900) -> Iterator[ImageEngine]:
    """The engine at `docker_url` (None: DOCKER_HOST or the default socket), for image work.

    Raises:
        SandboxUnavailable: the engine does not answer.
    """
    with engine_client(docker_url, timeout_s) as client:
        yield ImageEngine(client)
