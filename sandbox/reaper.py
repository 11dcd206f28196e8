"""Removing sandbox containers that outlived their run: after a grader crash, or a lost engine call.

Every sandbox container carries labels: `org.grader.sandbox`, a deadline (unix seconds) after which
it is certainly garbage, and its owner (host, boot, pid). A container is removed when its deadline
has passed, or when its owner is a process of this host and boot that no longer exists.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import requests
from docker import APIClient
from docker.errors import APIError, NotFound

from sandbox.settings import DEADLINE_LABEL, LABEL, OWNER_LABEL

log = logging.getLogger(__name__)


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return "unknown"


def owner_label(pid: int | None = None) -> str:
    return f"{socket.gethostname()}:{_boot_id()}:{pid or os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_orphan(owner: str) -> bool:
    """True when `owner` names a process of this host that is gone (or a previous boot)."""
    host, _, rest = owner.partition(":")
    boot, _, pid = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return boot != _boot_id() or not _pid_alive(int(pid))


def reap(client: APIClient, now: float | None = None, label: str = LABEL) -> list[str]:
    """Remove leftover sandbox containers (those labelled `label`); returns the ids removed."""
    now = time.time() if now is None else now
    removed = []
    for container in client.containers(all=True, filters={"label": label}):
        labels = container.get("Labels") or {}
        deadline = labels.get(DEADLINE_LABEL, "0")
        expired = not deadline.isdigit() or int(deadline) < now
        if expired or is_orphan(labels.get(OWNER_LABEL, "")):
            try:
                client.remove_container(container["Id"], force=True, v=True)
                removed.append(container["Id"])
            except NotFound:
                pass
            except (APIError, requests.RequestException) as error:  # busy engine: next round
                log.warning("could not remove leftover sandbox %s: %s", container["Id"][:12], error)
    if removed:
        log.info("removed %d leftover sandbox container(s)", len(removed))
    return removed


def remove_own_containers(client: APIClient, stopped_only: bool) -> int:
    """Remove this process's sandbox containers (only the stopped ones when `stopped_only`): after
    an engine restart, the containers it stopped mid-run are left behind with a live owner."""
    removed = 0
    for container in client.containers(all=True, filters={"label": f"{OWNER_LABEL}={owner_label()}"}):
        if stopped_only and container.get("State") not in ("exited", "dead"):
            continue
        try:
            client.remove_container(container["Id"], force=True, v=True)
            removed += 1
        except (NotFound, APIError):
            pass  # already going: the sandbox removes its own containers after each run
    return removed


class PeriodicReaper:
    """Calls `reap` every `interval_s` seconds in a daemon thread until `stop()`, each round with a
    client from `client_factory` that the round closes."""

    def __init__(self, client_factory: Callable[[], AbstractContextManager[APIClient]],
                 interval_s: float = 60.0) -> None:
        self._client_factory = client_factory
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sandbox-reaper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                with self._client_factory() as client:
                    reap(client)
            except Exception:  # the engine may be restarting; try again next round
                log.exception("sandbox reaper round failed")
