"""Images in and out of this machine: `docker save` of several images into one archive (shared layers
stored once) and `docker load` from a stream, through the engine's API (offline bundles use both)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from docker import APIClient
from docker.errors import NotFound

from sandbox.engine import engine_errors
from sandbox.errors import SandboxError, SandboxUnavailable

CHUNK = 1024 * 1024


def image_id(client: APIClient, reference: str) -> str | None:
    """The id of the image `reference` (a tag), or None when it is not on this machine."""
    with engine_errors():
        try:
            return str(client.inspect_image(reference)["Id"])  # type: ignore[no-untyped-call]
        except NotFound:
            return None


def save_images(client: APIClient, tags: list[str], out: Path) -> dict[str, str]:
    """Write `docker save TAG...` to `out`.

    Returns:
        tag -> image id of every saved image.

    Raises:
        SandboxUnavailable: an image is not on this machine, or the engine is down.
    """
    ids = {}
    for tag in tags:
        found = image_id(client, tag)
        if found is None:
            raise SandboxUnavailable(f"the image {tag} is not on this machine: build it first")
        ids[tag] = found
    with engine_errors():
        # docker-py's get_image saves one image; the engine's endpoint takes several names.
        url = client._url("/images/get")  # type: ignore[attr-defined]
        response = client._get(url, params={"names": tags}, stream=True)  # type: ignore[attr-defined]
        client._raise_for_status(response)  # type: ignore[attr-defined]
        with out.open("wb") as handle:
            for chunk in response.iter_content(CHUNK):
                handle.write(chunk)
    return ids


class _Stream:
    """A file-like body that requests sends chunked (the engine reads `docker load` input as a stream)."""

    def __init__(self, source: IO[bytes] | Any) -> None:
        self._source = source

    def read(self, size: int = CHUNK) -> bytes:
        data: bytes = self._source.read(size)
        return data

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(CHUNK):
            yield chunk


def load_images(client: APIClient, source: IO[bytes] | Any) -> list[str]:
    """`docker load` the archive read from `source`.

    Returns:
        The lines the engine answered ("Loaded image: grader-runner:…").

    Raises:
        SandboxError: the engine refused the archive.
        SandboxUnavailable: the engine is down.
    """
    lines = []
    with engine_errors():
        for message in client.load_image(_Stream(source)):  # type: ignore[no-untyped-call]
            if "error" in message:
                raise SandboxError(f"Docker could not load the images: {message['error']}")
            text = str(message.get("stream", "")).strip()
            if text:
                lines.append(text)
    return lines
