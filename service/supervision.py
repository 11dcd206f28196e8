"""What keeps a worker's grading honest over time: its heartbeat, the re-queueing of submissions
that dead workers (of any machine) left `running`, and tokens for waiting work nobody was told about.

A worker is named `host:boot:pid:nonce`: a worker of this host whose process is gone (or that ran
before the last boot) is dead at once; a worker of another machine is dead when its heartbeat is
older than `STALE_AFTER_S`.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from grader.runner import owner_gone, process_owner
from service.engine_watch import EngineWatch
from service.grading_job import GradingJob
from service.queue import GradingQueue
from service.scheduler import STALE_AFTER_S, Accept, claim_next, claimable
from store.changes import publish_attempt
from store.models import Submission, WorkerHeartbeat, utcnow

log = logging.getLogger(__name__)
HEARTBEAT_S = 2.0
RECOVER_EVERY = 3
"""Heartbeats between two rounds of re-queueing and token sweeping."""


def worker_name() -> str:
    return f"{process_owner()}:{secrets.token_hex(3)}"


def worker_gone(name: str, me: str) -> bool:
    """True when `name` is a worker process of this host that no longer runs."""
    owner, _, nonce = name.rpartition(":")
    my_owner, _, my_nonce = me.rpartition(":")
    if owner == my_owner:
        return nonce != my_nonce  # a process before this one had the same pid (a container's pid 1)
    return owner_gone(owner)


def requeue_abandoned(session: Session, me: str, mine: set[int],
                      stale_after_s: float = STALE_AFTER_S) -> list[int]:
    """Put back in the queue the submissions running on dead workers, and those of this worker that
    no slot holds (`mine`: the ones its slots hold). Each re-queue counts as a failed attempt."""
    now = utcnow()
    beats: dict[str, datetime] = {
        name: seen for name, seen in session.execute(select(WorkerHeartbeat.name, WorkerHeartbeat.seen_at))}

    def dead(worker: str) -> bool:
        seen = beats.get(worker)
        return worker_gone(worker, me) or seen is None or (now - seen).total_seconds() > stale_after_s

    def abandoned(sid: int, worker: str | None) -> bool:
        if worker == me:
            return sid not in mine
        return worker is None or dead(worker)

    requeued = []
    running = session.execute(select(Submission.id, Submission.worker, Submission.user_id)
                              .where(Submission.status == "running"))
    for sid, worker, user_id in running.all():
        if not abandoned(sid, worker):
            continue
        same_worker = Submission.worker.is_(None) if worker is None else Submission.worker == worker
        back = session.execute(
            update(Submission).where(Submission.id == sid, Submission.status == "running", same_worker)
            .values(status="queued", worker=None, attempts=Submission.attempts + 1,
                    error_message=f"graded again: the worker {worker} stopped while grading it")
            .execution_options(synchronize_session=False)
        )
        if back.rowcount == 1:  # type: ignore[attr-defined]
            requeued.append(sid)
            publish_attempt(session, sid, user_id)
    gone = [name for name in beats if name != me and dead(name)]
    if gone:
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name.in_(gone)))
    session.commit()
    if requeued:
        log.warning("re-queued submission(s) %s left running by stopped workers", requeued)
    return requeued


class Housekeeping:
    """The worker's background duties, every `HEARTBEAT_S` seconds, and the set of submissions its
    slots and its host lane hold, which only `grade_next` changes (under one lock with the claim, so
    none is mistaken for abandoned)."""

    def __init__(self, name: str, slots: int, sessions: sessionmaker[Session], queue: GradingQueue,
                 watch: EngineWatch) -> None:
        self.name, self.slots, self.sessions, self.queue, self.watch = name, slots, sessions, queue, watch
        self.started_at = utcnow()
        self._lock = threading.Lock()
        self._in_flight: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="housekeeping", daemon=True)

    def grade_next(self, job: GradingJob, accept: Accept | None = None) -> bool:
        """Claim the fairest waiting submission (of those `accept` takes, when given) and grade it to
        its end; False when none may start now. The claim and the in-flight set change under one lock,
        so the submission is never mistaken for abandoned; one given back because the worker is
        stopping gets a token, so that another worker takes it."""
        with self._lock, self.sessions() as session:
            claim = claim_next(session, self.name, accept)
            if claim is None:
                return False
            self._in_flight.add(claim.id)
        log.info("%s took submission %d", threading.current_thread().name, claim.id)
        outcome = "lost"
        try:
            outcome = job.run(claim)
        except Exception:  # the database went away mid-way: housekeeping re-queues it later
            log.exception("grading submission %d failed", claim.id)
        finally:
            with self._lock:
                self._in_flight.discard(claim.id)
        if outcome == "released":
            self.add_tokens(1)
        return True

    def start(self) -> None:
        self.beat()
        self.recover()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        try:
            with self.sessions() as session:
                session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == self.name))
                session.commit()
        except Exception as error:
            log.warning("could not remove this worker's heartbeat: %s", error)

    def beat(self) -> None:
        """Report this worker alive (never waits on the engine: a slow engine must not make a live
        worker look dead)."""
        with self._lock:
            busy = len(self._in_flight)
        with self.sessions() as session:
            row = session.get(WorkerHeartbeat, self.name)
            if row is None:
                row = WorkerHeartbeat(name=self.name, host=socket.gethostname(), started_at=self.started_at)
                session.add(row)
            row.slots, row.busy, row.seen_at = self.slots, busy, utcnow()
            row.engine_ok, row.image_current = self.watch.ok, self.watch.image_current
            row.detail = self.watch.detail
            session.commit()

    def recover(self) -> None:
        """Re-queue abandoned submissions, then make sure waiting work has tokens."""
        with self._lock, self.sessions() as session:
            requeued = requeue_abandoned(session, self.name, set(self._in_flight))
            busy = len(self._in_flight)
        if requeued or self.queue.pending() == 0:
            with self.sessions() as session:
                waiting = claimable(session)
            self.add_tokens(min(len(waiting), max(self.slots - busy, 0)), waiting)

    def add_tokens(self, count: int, hints: list[int] | None = None) -> None:
        for index in range(count):
            self.queue.token(hints[index] if hints and index < len(hints) else 0)

    def _loop(self) -> None:
        rounds = 0
        while not self._stop.wait(HEARTBEAT_S):
            rounds += 1
            try:
                self.beat()
                if rounds % RECOVER_EVERY == 0:
                    self.recover()
            except Exception:  # the database may be restarting: try again next round
                log.exception("worker housekeeping round failed")
