"""The Docker engine stops and starts again while submissions are queued and being graded: every
one ends graded, none as the learner's failure. The engine is always left running."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers.machine import unavailable
from tests.helpers.service import (
    ROOT,
    WorkerProcess,
    add_learners,
    migrated,
    rows,
    sandbox_containers_of,
    service_env,
    submit,
    wait_until,
    write_exercises,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]
PID_FILE = Path("/var/run/docker.pid")


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        yield sessions


def engine_up() -> bool:
    return subprocess.run(["docker", "info"], capture_output=True, timeout=60).returncode == 0


def start_engine() -> None:
    subprocess.run([str(ROOT / "scripts" / "docker-up.sh")], check=True, timeout=120,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state == "Z"


@pytest.fixture
def engine_restarts(runner_image: str) -> Iterator[None]:
    """Make sure the engine is left running whatever happens in the test."""
    if os.geteuid() != 0 or not PID_FILE.exists():
        unavailable("stopping the engine needs root and a dockerd that writes /var/run/docker.pid")
    yield
    if not engine_up():
        start_engine()
    assert engine_up()


def stop_and_start_engine(down_s: float) -> None:
    pid = int(PID_FILE.read_text().strip())
    os.kill(pid, signal.SIGTERM)  # a clean stop: the engine stops every container it runs
    wait_until(lambda: gone(pid), 60, "dockerd to stop", 0.1)
    time.sleep(down_s)
    start_engine()


def test_an_engine_restart_during_grading_only_delays_it(tmp_path: Path, engine_restarts: None,
                                                        sessions: sessionmaker[Session]) -> None:
    database, queue = f"sqlite:///{tmp_path / 'grader.db'}", f"sqlite:///{tmp_path / 'queue.db'}"
    env = service_env(tmp_path, database, queue, write_exercises(tmp_path / "exercises", slow_s=1.5))
    learners = add_learners(sessions, 4)
    worker = WorkerProcess(env, tmp_path / "worker.log", slots=2).start()
    try:
        ids = [submit(sessions, learners[n % 4], queue_url=queue) for n in range(8)]
        wait_until(lambda: sum(row.status == "running" for row in rows(sessions)) == 2, 60, "two gradings")
        time.sleep(0.8)  # inside the learners' tests
        stop_and_start_engine(down_s=2.0)
        wait_until(lambda: all(row.status in ("done", "error") for row in rows(sessions)), 240,
                   "every submission to end")
    finally:
        worker.stop()
    ended = rows(sessions)
    assert [row.id for row in ended] == ids
    assert [(row.status, row.counts) for row in ended] == [("done", True)] * 8, worker.text()[-4000:]
    assert all(row.result and row.result["status"] == "pass" for row in ended), "no learner was failed"
    assert any(row.attempts > 0 for row in ended), "the engine stopped during a grading, which was retried"
    assert sandbox_containers_of([worker.pid]) == []
