"""A worker killed with SIGKILL while it grades: after a restart the submission is graded exactly
once, and none of the dead worker's containers is left behind."""

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
    rows,
    sandbox_containers_of,
    service_env,
    submit,
    wait_until,
    write_exercises,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        yield sessions


def test_a_killed_workers_submission_is_graded_once_after_restart(tmp_path: Path, runner_image: str,
                                                                 sessions: sessionmaker[Session]) -> None:
    database, queue = f"sqlite:///{tmp_path / 'grader.db'}", f"sqlite:///{tmp_path / 'queue.db'}"
    env = service_env(tmp_path, database, queue, write_exercises(tmp_path / "exercises", slow_s=4.0))
    (ann,) = add_learners(sessions, 1)
    first = WorkerProcess(env, tmp_path / "first.log", slots=1).start()
    second = WorkerProcess(env, tmp_path / "second.log", slots=1)
    try:
        sid = submit(sessions, ann, queue_url=queue)
        wait_until(lambda: rows(sessions)[0].status == "running", 60, "the grading to start")
        wait_until(lambda: len(sandbox_containers_of([first.pid])) >= 2, 30,
                   "the grading container (and a ready one) to exist")
        first.kill()
        orphans = sandbox_containers_of([first.pid])
        assert orphans, "the killed worker left its containers (the restart must remove them)"
        assert rows(sessions)[0].status == "running"

        second.start()
        wait_until(lambda: rows(sessions)[0].status in ("done", "error"), 120, "the grading to end")
        assert not set(orphans) & set(sandbox_containers_of([first.pid])), "orphans removed at start"
    finally:
        first.stop()
        second.stop()

    (row,) = rows(sessions)
    assert (row.id, row.status, row.counts, row.attempts) == (sid, "done", True, 1)
    assert row.result is not None and row.result["status"] == "pass" and row.score == row.max_score
    assert str(second.pid) in (row.worker or "")
    assert graded_counts([first, second]) == {sid: 1}, "graded exactly once"
    assert sandbox_containers_of([first.pid, second.pid]) == [], "no container left"
