"""The run lane (service/run_lane.py): learners' runs without grading, on the real engine, apart from
grading, each ending with its output stored and `run:<id>` published for the learner's page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from grader.runner import SandboxRunner
from sandbox import Sandbox, SandboxSettings, SandboxUnavailable
from service.run_lane import COULD_NOT_RUN, RunLane
from store.changes import changes_after
from store.models import Run, utcnow
from tests.helpers.data import CATALOGS
from tests.helpers.service import add_learners, migrated, wait_until

SITE = CATALOGS / "site"


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        yield sessions


def queue_run(sessions: sessionmaker[Session], user_id: int, key: str, kind: str, files: dict[str, str],
              request: dict[str, object]) -> int:
    with sessions() as session:
        run = Run(user_id=user_id, exercise_key=key, kind=kind, files=files, request=request)
        session.add(run)
        session.commit()
        return run.id


def stored(sessions: sessionmaker[Session], run_id: int) -> Run:
    with sessions() as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run


@pytest.mark.docker
def test_a_queued_run_is_run_and_published(sessions: sessionmaker[Session], runner_image: str) -> None:
    learner = add_learners(sessions, 1)[0]
    run_id = queue_run(sessions, learner, "python/greet", "program",
                       {"greet.py": "print('Hi', input())\n"}, {"stdin": "Ann\n"})
    runner = SandboxRunner(SandboxSettings())
    lane = RunLane(sessions, runner, SITE, "test-worker", 1, threading.Event())
    try:
        assert lane.run_next() is True
        assert lane.run_next() is False  # nothing else waits
    finally:
        runner.close()
    run = stored(sessions, run_id)
    assert run.status == "done" and run.output is not None
    assert run.output["stdout"] == "Hi Ann\n" and run.output["status"] == "ok"
    with sessions() as session:
        assert [topic for _, topic in changes_after(session, 0)] == [f"run:{run_id}", f"run:{run_id}"]


@pytest.mark.docker
def test_the_lane_threads_serve_runs_until_stopped(sessions: sessionmaker[Session],
                                                   runner_image: str) -> None:
    learners = add_learners(sessions, 2)
    runner = SandboxRunner(SandboxSettings())
    stopping = threading.Event()
    lane = RunLane(sessions, runner, SITE, "test-worker", 1, stopping)
    lane.start()
    try:
        ids = [queue_run(sessions, user, "python/greet", "program", {"greet.py": f"print({n})\n"}, {})
               for n, user in enumerate(learners)]
        wait_until(lambda: all(stored(sessions, i).status == "done" for i in ids), 60, "both runs to finish")
        assert [stored(sessions, i).output["stdout"] for i in ids] == ["0\n", "1\n"]  # type: ignore[index]
    finally:
        stopping.set()
        lane.join(10)
        runner.close()


def test_a_run_of_an_unknown_exercise_ends_in_words(sessions: sessionmaker[Session]) -> None:
    learner = add_learners(sessions, 1)[0]
    run_id = queue_run(sessions, learner, "python/gone", "program", {"x.py": "print(1)"}, {})
    lane = RunLane(sessions, SandboxRunner(SandboxSettings()), SITE, "test-worker", 1, threading.Event())
    assert lane.run_next() is True
    run = stored(sessions, run_id)
    assert run.status == "error" and run.output == {"status": "error", "explanation": COULD_NOT_RUN}


def test_runs_a_stopped_worker_left_behind_end_as_errors(sessions: sessionmaker[Session]) -> None:
    learner = add_learners(sessions, 1)[0]
    run_id = queue_run(sessions, learner, "python/greet", "program", {"greet.py": "print(1)"}, {})
    with sessions() as session:
        session.execute(update(Run).values(status="running", worker="gone:1",
                                           created_at=utcnow() - timedelta(minutes=10)))
        session.commit()
    lane = RunLane(sessions, SandboxRunner(SandboxSettings()), SITE, "test-worker", 1, threading.Event())
    assert lane.run_next() is False
    run = stored(sessions, run_id)
    assert run.status == "error" and run.output is not None
    assert "try again" in run.output["explanation"].lower()
    with sessions() as session:
        assert session.scalar(select(Run.finished_at).where(Run.id == run_id)) is not None


class EngineDown(SandboxRunner):
    """A runner whose engine does not answer."""

    def get(self) -> tuple[Sandbox, str]:
        raise SandboxUnavailable("cannot connect to the container engine")


def test_a_run_when_the_engine_is_down_says_it_is_not_the_learners_fault(
        sessions: sessionmaker[Session]) -> None:
    learner = add_learners(sessions, 1)[0]
    run_id = queue_run(sessions, learner, "python/greet", "program", {"greet.py": "print(1)"}, {})
    lane = RunLane(sessions, EngineDown(SandboxSettings()), SITE, "test-worker", 1, threading.Event())
    assert lane.run_next() is True
    run = stored(sessions, run_id)
    assert run.status == "error" and run.output == {"status": "error", "explanation": COULD_NOT_RUN}
    assert "not with your code" in COULD_NOT_RUN
