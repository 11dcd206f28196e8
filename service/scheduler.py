"""Which queued submission is graded next, and what the site shows about the queue.

Fairness, in one ordering used both to claim and to predict queue positions:
- a learner never has two submissions running (the claim is refused while one of theirs runs);
- round-robin across learners: the next claim goes to the learner whose last grading started
  longest ago (never-served learners first, by arrival), who then goes to the back of the line;
- within a learner, oldest first; re-grades (an instructor's, store.regrades) wait behind every
  learner's own work;
- a cooldown between one learner's submissions (the site refuses a submit while it runs).

The claim is atomic: a guarded UPDATE (still queued, and nothing of that learner running), taken
under a transaction-scoped advisory lock on PostgreSQL (where two concurrent claims of one learner's
two rows would otherwise both pass the guard); on SQLite the single writer gives the same.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import inf
from typing import Any

from sqlalchemy import exists, func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from store.changes import publish
from store.models import Submission, WorkerHeartbeat, utcnow

CLAIM_LOCK_KEY = 0x67726164  # "grad": the advisory lock that serialises claims on PostgreSQL
CLAIM_TRIES = 20
STALE_AFTER_S = 30.0
"""A worker whose heartbeat is older than this is dead: its running submissions are re-queued."""


@dataclass(frozen=True)
class Waiting:
    id: int
    user_id: int
    regrade: bool
    exercise_key: str = ""
    exercise_sha256: str = ""


Accept = Callable[[str, str], bool]
"""Whether a slot takes submissions to an exercise (key, version sha256; "" for the folder's)."""


@dataclass(frozen=True)
class Claim:
    """A submission a slot now owns: `worker` and `started_at` prove the ownership on every write."""

    id: int
    user_id: int
    exercise_key: str
    files: Mapping[str, Any]
    attempts: int
    worker: str
    started_at: datetime
    regrade: bool = False  # an instructor's re-grade of a graded attempt (store.regrades)
    exercise_sha256: str = ""  # the version to grade it on (grader.versions); empty: the folder's


@dataclass(frozen=True)
class WorkerInfo:
    name: str
    host: str
    slots: int
    busy: int
    started_at: datetime
    seen_at: datetime


def fair_order(waiting: Iterable[Waiting], last_started: Mapping[int, datetime | None],
               running_users: set[int]) -> list[int]:
    """The ids of `waiting` in the order one slot would claim them if nothing new arrived: each
    claim goes to the learner whose turn is oldest (never served, then served longest ago; a
    learner with one running counts as just served), who then goes to the back."""
    turn: dict[int, tuple[int, float]] = {}
    for item in waiting:
        started = last_started.get(item.user_id)
        turn[item.user_id] = (int(item.user_id in running_users), started.timestamp() if started else -inf)
    order: list[int] = []
    for regrades in (False, True):
        lanes: dict[int, deque[int]] = {}
        for item in sorted(waiting, key=lambda w: w.id):
            if item.regrade == regrades:
                lanes.setdefault(item.user_id, deque()).append(item.id)
        heap = [(turn[user], lane[0], user) for user, lane in lanes.items()]
        heapq.heapify(heap)
        while heap:
            _, _, user = heapq.heappop(heap)
            order.append(lanes[user].popleft())
            turn[user] = (2, float(len(order)))  # served now: behind everyone who has not been
            if lanes[user]:
                heapq.heappush(heap, (turn[user], lanes[user][0], user))
    return order


def _snapshot(session: Session) -> tuple[list[Waiting], dict[int, datetime | None], set[int]]:
    rows = session.execute(
        select(Submission.id, Submission.user_id, Submission.regrade_requested_at, Submission.exercise_key,
               Submission.exercise_sha256)
        .where(Submission.status == "queued")
    ).all()
    waiting = [Waiting(row.id, row.user_id, row.regrade_requested_at is not None, row.exercise_key,
                       row.exercise_sha256 or "") for row in rows]
    users = {item.user_id for item in waiting}
    running = set(session.scalars(select(Submission.user_id).where(Submission.status == "running")))
    last: dict[int, datetime | None] = {}
    if users:
        query = (select(Submission.user_id, func.max(Submission.started_at))
                 .where(Submission.user_id.in_(users)).group_by(Submission.user_id))
        last = {user: started for user, started in session.execute(query).all()}
    return waiting, last, running


def _claimable(session: Session, accept: Accept | None = None) -> tuple[list[int], dict[int, int]]:
    waiting, last, running = _snapshot(session)
    owner = {item.id: item.user_id for item in waiting}
    taken = {item.id for item in waiting if accept is None or accept(item.exercise_key, item.exercise_sha256)}
    order = fair_order(waiting, last, running)
    return [sid for sid in order if owner[sid] not in running and sid in taken], owner


def claimable(session: Session, accept: Accept | None = None) -> list[int]:
    """The queued submissions that may start now (their learner has none running; of those `accept`
    takes, when given), fairest first."""
    return _claimable(session, accept)[0]


def claim_next(session: Session, worker: str, accept: Accept | None = None) -> Claim | None:
    """Atomically mark the fairest claimable submission `running` for `worker` (of those `accept`
    takes, when given); None when no queued submission may start now. Commits."""
    for _ in range(CLAIM_TRIES):
        try:
            claim = _claim_once(session, worker, accept)
        except OperationalError:  # SQLite busy past its timeout, a dropped connection: look again
            session.rollback()
            time.sleep(0.05)
            continue
        if claim is not _TAKEN:
            return claim  # type: ignore[return-value]
    return None


_TAKEN = object()


def _claim_once(session: Session, worker: str, accept: Accept | None) -> Claim | None | object:
    """A claim, None (nothing claimable), or _TAKEN (another slot won the pick: look again)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK_KEY})
    candidates, owner = _claimable(session, accept)
    if not candidates:
        session.rollback()
        return None
    pick, started, other = candidates[0], utcnow(), aliased(Submission)
    claimed = session.execute(
        update(Submission)
        .where(Submission.id == pick, Submission.status == "queued",
               ~exists().where(other.user_id == owner[pick], other.status == "running"))
        .values(status="running", worker=worker, started_at=started, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return _TAKEN
    row = session.execute(
        select(Submission.exercise_key, Submission.files, Submission.attempts,
               Submission.regrade_requested_at, Submission.exercise_sha256).where(Submission.id == pick)
    ).one()
    # The learner's page shows "being graded now"; the classroom views do not tell waiting from being
    # graded, so they are not woken for it (store.changes.publish_attempt is for what they show).
    publish(session, f"submission:{pick}")
    session.commit()
    return Claim(pick, owner[pick], row.exercise_key, row.files or {}, row.attempts, worker, started,
                 row.regrade_requested_at is not None, row.exercise_sha256 or "")


def queue_position(session: Session, submission_id: int) -> int | None:
    """Where a queued submission stands (1: next to start); None when it is not waiting."""
    waiting, last, running = _snapshot(session)
    order = fair_order(waiting, last, running)
    return order.index(submission_id) + 1 if submission_id in order else None


def queue_depth(session: Session) -> int:
    """How many submissions wait to be graded."""
    count = session.scalar(select(func.count()).select_from(Submission).where(Submission.status == "queued"))
    return int(count or 0)


def cooldown_remaining(session: Session, user_id: int, cooldown_s: float) -> float:
    """Seconds before `user_id` may submit again (0.0: now), counted from their last submission (a
    re-grade grades an old one again: it is no submission), for a cooldown of `cooldown_s`."""
    last = session.scalar(select(func.max(Submission.created_at)).where(Submission.user_id == user_id))
    if last is None or cooldown_s <= 0:
        return 0.0
    return max(0.0, cooldown_s - (utcnow() - last).total_seconds())


def worker_status(session: Session, stale_after_s: float = STALE_AFTER_S) -> list[WorkerInfo]:
    """The workers alive now (heartbeat within `stale_after_s`), by host and name."""
    since = utcnow() - timedelta(seconds=stale_after_s)
    rows = session.scalars(
        select(WorkerHeartbeat).where(WorkerHeartbeat.seen_at >= since)
        .order_by(WorkerHeartbeat.host, WorkerHeartbeat.name)
    )
    return [WorkerInfo(r.name, r.host, r.slots, r.busy, r.started_at, r.seen_at) for r in rows]
