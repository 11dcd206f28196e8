"""A container started and attached to, waiting for the stream of its one run."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any, Protocol

from docker import APIClient

from sandbox.limits import RunLimits


def hang_up(launched: Launched) -> None:
    """End the attach connection for real. `close()` alone keeps the descriptor open while
    docker-py's response object still refers to the socket, so the engine never sees the hang-up
    (under gVisor the kill then blocks until the API timeout)."""
    try:
        launched.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already disconnected
    launched.sock.close()
    launched.attached.close()


@dataclass
class Launched:
    """A started container whose entry waits for its stream; used for exactly one run."""

    container_id: str
    sock: socket.socket
    attached: Any
    """docker-py's wrapper of `sock`; it holds a reference that defers the real close."""
    started_at: float
    image: str
    limits: RunLimits


class Launcher(Protocol):
    """What the warm pool needs of a sandbox: start a container for a profile, and remove one."""

    @property
    def client(self) -> APIClient: ...

    def launch(
        self, image: str, limits: RunLimits, lifetime_s: float, prelaunch: tuple[str, ...] = (),
        warm: tuple[str, ...] = (),
    ) -> Launched: ...

    def discard(self, launched: Launched) -> None: ...
