"""One hardened, one-shot run: a fresh container, files in on stdin, output out, then removed."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait

from docker import APIClient
from docker.errors import APIError, NotFound

from sandbox.archive import build_payload
from sandbox.engine import connect, engine_errors
from sandbox.errors import SandboxError
from sandbox.hardening import PATH, container_config
from sandbox.launched import Launched, hang_up
from sandbox.limits import RunLimits
from sandbox.pool import WarmPool
from sandbox.reaper import owner_label, reap
from sandbox.settings import DEADLINE_LABEL, LABEL, OWNER_LABEL, SandboxSettings
from sandbox.spec import RunResult, RunSpec
from sandbox.stream import STDERR, STDOUT, CappedOutput, pump

log = logging.getLogger(__name__)
BASE_ENV = {"PATH": PATH, "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
KILL_GRACE_S = 5
"""How long after the deadline a container that was killed may take to be confirmed gone."""
SIGKILLED = 128 + 9
OOM_EVENT_GRACE_S = 0.2
"""How long a late OOM event may trail the exit of a container killed by SIGKILL."""
MAX_PENDING_REMOVALS = 4
"""Removals waiting off the critical path at most; past that a run removes its own container before it
returns, so a busy host slows the runs down rather than piling up containers."""
SETTLE_S = 120.0


class Sandbox:
    """Runs `RunSpec`s in hardened containers on one engine. Thread-safe: each thread gets its own
    engine connection. Removes leftovers of crashed graders when created and on `reap()`."""

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self._local = threading.local()
        self._clients: list[APIClient] = []  # every thread's connection, closed by close()
        self._clients_lock = threading.Lock()
        reap(self.client)  # connects now: an engine that is down is reported at start-up
        self._remover = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sandbox-remove")
        self._removals: dict[Future[None], str] = {}  # removals off the critical path: their container
        self._unremoved: set[str] = set()  # removals that failed, tried again by settle()
        self._removals_lock = threading.RLock()  # a finished removal's callback may run under it
        self._pool = (
            WarmPool(self, self.settings.pool_size, self.settings.pool_max_idle_s,
                     self.settings.pool_size_prelaunched)
            if self.settings.pool_size > 0
            else None
        )

    def close(self) -> None:
        """Remove the ready containers of the pool, if any, and finish pending removals."""
        if self._pool is not None:
            self._pool.close()
        self._remover.shutdown(wait=True)
        self.settle(SETTLE_S)
        with self._clients_lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    def prewarm(self, image: str, limits: RunLimits | None = None, prelaunch: tuple[str, ...] = (),
                warm: tuple[str, ...] = ()) -> None:
        """Keep containers for this image, limits, prelaunched helper and warm modules started ahead
        of need (when pooling is on)."""
        if self._pool is not None:
            self._pool.prewarm(image, limits or self.settings.limits, prelaunch, warm)

    @property
    def client(self) -> APIClient:
        client: APIClient | None = getattr(self._local, "client", None)
        if client is None:
            client = connect(self.settings.docker_url, self.settings.api_timeout_s)
            self._local.client = client
            with self._clients_lock:
                self._clients.append(client)
        return client

    def run(self, spec: RunSpec) -> RunResult:
        """Run `spec` in a fresh container and remove the container afterwards.

        Raises:
            SandboxUnavailable: the engine is down, or the image or runtime is missing.
            ValueError: the spec's files are unsafe paths.
        """
        env = {**BASE_ENV, **spec.env}
        payload = build_payload(spec.files, spec.command, env, spec.stdin, spec.as_grader)
        pool = self._pool
        launched = pool.take(spec.image, spec.limits, spec.prelaunch, spec.warm) if pool is not None else None
        if launched is None:
            launched = self.launch(spec.image, spec.limits, spec.limits.wall_s, spec.prelaunch, spec.warm)
            if pool is not None:
                pool.prewarm(spec.image, spec.limits, spec.prelaunch, spec.warm)
        try:
            result = self.execute(launched, payload, spec.limits, spec.done_marker)
        except BaseException:
            self.discard(launched)
            raise
        with self._removals_lock:
            later = result.done_early and len(self._removals) < MAX_PENDING_REMOVALS
            if later:  # still running: remove it off the critical path
                removal = self._remover.submit(self._discard_quietly, launched)
                self._removals[removal] = launched.container_id
                removal.add_done_callback(self._removal_done)
        if not later:
            self.discard(launched)
        return result

    def settle(self, timeout_s: float = SETTLE_S) -> set[str]:
        """Wait until every removal this sandbox started has finished, and try again the ones that
        failed; for a caller that needs the engine clean (a test's check, a shutdown).

        Returns:
            The ids of this sandbox's containers still not removed (empty when all went).
        """
        with self._removals_lock:
            pending = set(self._removals)
        wait(pending, timeout=max(timeout_s, 0.0))
        with self._removals_lock:
            failed, self._unremoved = set(self._unremoved), set()
        for container_id in failed:
            try:
                self._remove(container_id)
            except SandboxError as error:
                log.warning("could not remove sandbox %s: %s", container_id[:12], error)
                with self._removals_lock:
                    self._unremoved.add(container_id)
        with self._removals_lock:
            return self._unremoved | set(self._removals.values())

    def _removal_done(self, removal: Future[None]) -> None:
        with self._removals_lock:
            self._removals.pop(removal, None)

    def launch(
        self, image: str, limits: RunLimits, lifetime_s: float, prelaunch: tuple[str, ...] = (),
        warm: tuple[str, ...] = (),
    ) -> Launched:
        """Create, attach to and start a container whose entry then waits for its stream (with
        `prelaunch` started at once and a spawner importing `warm`, if given). `lifetime_s` bounds
        how long it may exist before the reaper may remove it."""
        labels = {
            LABEL: "1",
            DEADLINE_LABEL: str(int(time.time() + lifetime_s + 60)),
            OWNER_LABEL: owner_label(),
            "org.grader.run": uuid.uuid4().hex,
        }
        config = container_config(self.settings, limits, labels, image, prelaunch, warm)
        client = self.client
        with engine_errors(image=image, runtime=self.settings.runtime):
            container_id = client.create_container(**config)["Id"]
            attached = None
            try:
                attached = client.attach_socket(
                    container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
                )
                client.start(container_id)
            except BaseException:
                if attached is not None:  # e.g. an unknown runtime fails at start: do not leak the socket
                    getattr(attached, "_sock", attached).close()
                    attached.close()
                self._remove(container_id)
                raise
        sock = getattr(attached, "_sock", attached)
        return Launched(container_id, sock, attached, time.monotonic(), image, limits)

    def execute(
        self, launched: Launched, payload: bytes, limits: RunLimits, done_marker: bytes | None = None
    ) -> RunResult:
        """Deliver `payload` to a launched container and collect its run within `limits`."""
        output = CappedOutput(limits.output_bytes, done_marker)
        began = time.monotonic()
        timed_out = pump(launched.sock, payload, output, began + limits.wall_s)
        duration = time.monotonic() - began
        killed = timed_out or output.over_cap
        if killed or output.done:
            hang_up(launched)  # the engine blocks on a reader that stopped reading: hang up first
        exit_code, oom = (None, False) if output.done else self._finish(launched.container_id, kill=killed)
        return RunResult(
            exit_code=None if killed else exit_code,
            stdout=bytes(output.streams[STDOUT]),
            stderr=bytes(output.streams[STDERR]),
            timed_out=timed_out,
            oom_killed=oom,
            stdout_capped=output.capped[STDOUT],
            stderr_capped=output.capped[STDERR],
            duration_s=duration,
            done_early=output.done,
        )

    def discard(self, launched: Launched) -> None:
        """Close the stream and remove the container, whatever state it is in."""
        try:
            hang_up(launched)
        finally:
            self._remove(launched.container_id)

    def _discard_quietly(self, launched: Launched) -> None:
        try:
            self.discard(launched)
        except SandboxError as error:  # settle() tries again; the reaper removes it after its deadline
            log.warning("could not remove sandbox %s: %s", launched.container_id[:12], error)
            with self._removals_lock:
                self._unremoved.add(launched.container_id)

    def _finish(self, container_id: str, *, kill: bool) -> tuple[int | None, bool]:
        client = self.client
        with engine_errors():
            if kill:
                try:
                    client.kill(container_id)
                except APIError as error:  # already gone or already exited: nothing to kill
                    if error.status_code not in (404, 409):
                        raise
            status = client.wait(container_id, timeout=KILL_GRACE_S)
            exit_code = int(status["StatusCode"])
            oom = False
            if exit_code != 0:
                oom = bool(client.inspect_container(container_id)["State"].get("OOMKilled"))
            if exit_code == SIGKILLED and not (oom or kill):
                oom = self._oom_event_seen(container_id)
        return exit_code, oom

    def _oom_event_seen(self, container_id: str) -> bool:
        """Whether the engine recorded an OOM event for the container. Its OOMKilled flag is set
        only when that event arrives before the exit event; under gVisor it arrives after in a few
        percent of runs, and a memory bomb would then read as a plain crash."""
        events = self.client.events(  # type: ignore[call-overload]  # the engine takes fractional seconds
            since=f"{time.time() - 3600:.9f}",
            until=f"{time.time() + OOM_EVENT_GRACE_S:.9f}",
            filters={"container": container_id, "event": "oom"},
            decode=True,
        )
        try:
            return any(True for _ in events)
        finally:
            events.close()

    def _remove(self, container_id: str) -> None:
        with engine_errors():
            try:
                self.client.remove_container(container_id, force=True, v=True)
            except NotFound:
                pass

