"""Fair ordering, claims and queue positions (service/scheduler.py) on a real, migrated SQLite file."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from service.scheduler import (
    Waiting,
    claim_next,
    claimable,
    cooldown_remaining,
    fair_order,
    queue_depth,
    queue_position,
    worker_status,
)
from store.models import Submission, WorkerHeartbeat, utcnow
from store.regrades import request_regrade
from tests.helpers.service import add_learners, migrated, no_learner_overlaps, rows, submit

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        yield sessions


def finish(sessions: sessionmaker[Session], sid: int) -> None:
    with sessions() as session:
        session.execute(update(Submission).where(Submission.id == sid)
                        .values(status="done", finished_at=utcnow()))
        session.commit()


def claim(sessions: sessionmaker[Session], worker: str = "w") -> int | None:
    with sessions() as session:
        claimed = claim_next(session, worker)
    return claimed.id if claimed else None


def test_round_robin_across_learners_oldest_first_within_one() -> None:
    waiting = [Waiting(1, 10, False), Waiting(2, 10, False), Waiting(3, 10, False),
               Waiting(4, 20, False), Waiting(5, 20, False), Waiting(6, 30, False)]
    assert fair_order(waiting, {}, set()) == [1, 4, 6, 2, 5, 3]


def test_the_learner_served_least_recently_goes_first() -> None:
    waiting = [Waiting(1, 10, False), Waiting(2, 20, False), Waiting(3, 30, False)]
    last = {10: T0 + timedelta(seconds=5), 20: T0, 30: None}
    assert fair_order(waiting, last, set()) == [3, 2, 1]


def test_a_learner_with_a_submission_running_waits_behind_the_others() -> None:
    waiting = [Waiting(1, 10, False), Waiting(2, 20, False)]
    assert fair_order(waiting, {10: T0, 20: T0 + timedelta(seconds=9)}, running_users={10}) == [2, 1]


def test_regrades_wait_behind_every_learners_own_work() -> None:
    waiting = [Waiting(1, 10, True), Waiting(2, 10, True), Waiting(3, 20, False), Waiting(4, 10, False)]
    assert fair_order(waiting, {}, set()) == [3, 4, 1, 2]


def test_claims_follow_the_round_robin(sessions: sessionmaker[Session]) -> None:
    ann, bob, cy = add_learners(sessions, 3)
    a1, a2, a3, b1, b2, c1 = (submit(sessions, user) for user in (ann, ann, ann, bob, bob, cy))
    served = []
    while (sid := claim(sessions)) is not None:
        served.append(sid)
        finish(sessions, sid)
    assert served == [a1, b1, c1, a2, b2, a3]


def test_one_submission_in_flight_per_learner(sessions: sessionmaker[Session]) -> None:
    ann, bob = add_learners(sessions, 2)
    a1, a2 = submit(sessions, ann), submit(sessions, ann)
    assert claim(sessions) == a1
    assert claim(sessions) is None, "ann's second submission must wait for her first"
    b1 = submit(sessions, bob)
    assert claimable(sessions()) == [b1]
    assert claim(sessions) == b1
    finish(sessions, a1)
    assert claim(sessions) == a2


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_queue_positions_predict_the_claim_order(sessions: sessionmaker[Session], seed: int) -> None:
    rng = random.Random(seed)
    learners = add_learners(sessions, 6)
    for _ in range(4):  # history: some learners were served, at different times
        sid = submit(sessions, rng.choice(learners))
        claim(sessions)
        finish(sessions, sid)
    waiting = [submit(sessions, rng.choice(learners), regrade=rng.random() >= 0.8)
               for _ in range(25)]
    with sessions() as session:
        predicted = sorted(waiting, key=lambda sid: queue_position(session, sid) or 0)
        assert sorted(queue_position(session, sid) for sid in waiting) == list(range(1, 26))
        assert queue_depth(session) == 25
    served = []
    while (sid := claim(sessions)) is not None:
        served.append(sid)
        finish(sessions, sid)
    assert served == predicted


def test_positions_of_running_and_finished_submissions_are_none(sessions: sessionmaker[Session]) -> None:
    (ann,) = add_learners(sessions, 1)
    first, second = submit(sessions, ann), submit(sessions, ann)
    claim(sessions)
    with sessions() as session:
        assert queue_position(session, first) is None
        assert queue_position(session, second) == 1
        assert queue_depth(session) == 1


def test_concurrent_claims_never_give_a_learner_two_in_flight(sessions: sessionmaker[Session]) -> None:
    learners = add_learners(sessions, 4)
    ids = [submit(sessions, learners[n % 4]) for n in range(24)]
    claimed: list[int] = []
    lock = threading.Lock()

    def slot(name: str) -> None:
        while (sid := claim(sessions, name)) is not None:
            with lock:
                claimed.append(sid)
            time.sleep(0.01)
            finish(sessions, sid)

    threads = [threading.Thread(target=slot, args=(f"slot{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for _ in range(3):  # a slot may give up while a learner's last one runs: drain what is left
        while (sid := claim(sessions)) is not None:
            claimed.append(sid)
            finish(sessions, sid)
    assert sorted(claimed) == ids, "every submission claimed exactly once"
    no_learner_overlaps(rows(sessions))


def test_cooldown_counts_from_the_last_own_submission(sessions: sessionmaker[Session]) -> None:
    (ann,) = add_learners(sessions, 1)
    with sessions() as session:
        assert cooldown_remaining(session, ann, cooldown_s=30) == 0.0
    first = submit(sessions, ann)
    with sessions() as session:
        assert 29 < cooldown_remaining(session, ann, cooldown_s=30) <= 30
        assert cooldown_remaining(session, ann, cooldown_s=0) == 0.0
        session.execute(update(Submission).where(Submission.id == first)
                        .values(created_at=utcnow() - timedelta(seconds=40)))
        session.commit()
        assert cooldown_remaining(session, ann, cooldown_s=30) == 0.0
    with sessions() as session:
        attempt = session.get(Submission, first)
        assert attempt is not None
        attempt.status = "done"
        request_regrade(session, attempt, None, "the tests changed")
        session.commit()
        assert cooldown_remaining(session, ann, cooldown_s=30) == 0.0  # a re-grade is not a submission


def test_worker_status_lists_the_workers_alive(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        session.add_all([
            WorkerHeartbeat(name="a:1", host="a", slots=2, busy=1, seen_at=utcnow()),
            WorkerHeartbeat(name="b:2", host="b", slots=2, seen_at=utcnow() - timedelta(minutes=5)),
        ])
        session.commit()
        alive = worker_status(session)
    assert [(w.name, w.slots, w.busy) for w in alive] == [("a:1", 2, 1)]
