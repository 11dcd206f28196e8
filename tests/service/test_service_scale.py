"""Several grading machines: two workers take from one Redis queue and write to one PostgreSQL
database (real servers, started here in temporary folders on free ports). Forty submissions from
ten learners: each graded exactly once, and no learner ever has two in flight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers.service import (
    WorkerProcess,
    add_learners,
    graded_counts,
    migrated,
    no_learner_overlaps,
    rows,
    sandbox_containers_of,
    service_env,
    submit,
    wait_until,
    write_exercises,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture
def sessions(postgres: str) -> Iterator[sessionmaker[Session]]:
    with migrated(postgres) as sessions:
        yield sessions


def test_two_workers_share_one_redis_queue_and_one_postgresql_database(
        tmp_path: Path, runner_image: str, postgres: str, redis_url: str,
        sessions: sessionmaker[Session]) -> None:
    env = service_env(tmp_path, postgres, redis_url, write_exercises(tmp_path / "exercises"))
    learners = add_learners(sessions, 10)
    workers = [WorkerProcess(env, tmp_path / f"machine{n}.log", slots=2) for n in (1, 2)]
    try:
        for worker in workers:
            worker.start()
        ids = [submit(sessions, learners[n % 10], queue_url=redis_url) for n in range(40)]
        wait_until(lambda: all(row.status in ("done", "error") for row in rows(sessions)), 300,
                   "forty submissions to be graded")
    finally:
        for worker in workers:
            worker.stop()
    ended = rows(sessions)
    assert [row.id for row in ended] == ids
    assert {(row.status, row.counts, row.attempts) for row in ended} == {("done", True, 0)}
    assert all(row.score == row.max_score for row in ended)
    assert graded_counts(workers) == dict.fromkeys(ids, 1), "each graded exactly once"
    assert all(worker.graded() for worker in workers), "both machines graded"
    no_learner_overlaps(ended)
    assert sandbox_containers_of([worker.pid for worker in workers]) == []
