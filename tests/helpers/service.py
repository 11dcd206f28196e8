"""Helpers for the grading service's tests: a small curriculum written on the fly, learners and
submissions in a real database, real `grader worker` processes, and real Redis and PostgreSQL
servers started in temporary folders on free ports."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from service.queue import make_queue
from store.db import make_engine, session_factory, upgrade_database
from store.models import Submission, User, utcnow

ROOT = Path(__file__).resolve().parents[2]
TWO_FER_YAML = """\
format: 1
title: Two-fer
summary: Build a sentence from an optional name.
runtime: python
files: [two_fer.py]
checks:
  - kind: pytest
    title: Unit tests
    tests: [tests/test_two_fer.py]
    points: 10
  - kind: io
    title: Greets Alice
    run: python3 two_fer.py
    stdin: "Alice\\n"
    stdout: "One for Alice, one for me.\\n"
    match: trim
    hidden: true
"""
TWO_FER_TESTS = """\
import time

from two_fer import two_fer


def test_no_name():
    time.sleep(SLOW_S)
    assert two_fer() == "One for you, one for me."


def test_a_name():
    assert two_fer("Alice") == "One for Alice, one for me."
"""
SOLUTION = 'def two_fer(name="you"):\n    return f"One for {name}, one for me."\n\n\n' \
    'if __name__ == "__main__":\n    print(two_fer(input().strip() or "you"))\n'
WRONG = 'def two_fer(name="you"):\n    return "One for you, one for me."\n'
GRADED = re.compile(r"submission (\d+) graded: (\w+)")


def write_exercises(root: Path, slow_s: float = 0.0) -> Path:
    """`python/two-fer` under `root` (its first test sleeps `slow_s` seconds); returns `root`."""
    folder = root / "python" / "two-fer"
    (folder / "tests").mkdir(parents=True, exist_ok=True)
    (folder / "solution").mkdir(exist_ok=True)
    (folder / "starter").mkdir(exist_ok=True)
    (folder / "starter" / "two_fer.py").write_text(WRONG)
    (folder / "exercise.yaml").write_text(TWO_FER_YAML)
    (folder / "instructions.md").write_text("Write `two_fer`.\n")
    (folder / "tests" / "test_two_fer.py").write_text(TWO_FER_TESTS.replace("SLOW_S", repr(slow_s)))
    (folder / "solution" / "two_fer.py").write_text(SOLUTION)
    return root


@contextmanager
def migrated(url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the database at `url`, brought to the newest schema; closed at the end."""
    upgrade_database(url)
    engine = make_engine(url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def add_learners(sessions: sessionmaker[Session], count: int) -> list[int]:
    with sessions() as session:
        users = [User(username=f"learner{n}", display_name=f"Learner {n}", password_hash="-")
                 for n in range(count)]
        session.add_all(users)
        session.commit()
        return [user.id for user in users]


def submit(sessions: sessionmaker[Session], user_id: int, text: str = SOLUTION,
           queue_url: str | None = None, regrade: bool = False) -> int:
    """Store a queued submission of two-fer and enqueue it, as the site does (`regrade`: as an
    instructor's re-grade of it waits)."""
    with sessions() as session:
        row = Submission(user_id=user_id, exercise_key="python/two-fer", files={"two_fer.py": text},
                         status="queued", regrade_requested_at=utcnow() if regrade else None)
        session.add(row)
        session.commit()
        sid = row.id
    if queue_url is not None:
        make_queue(queue_url).enqueue(sid)
    return sid


def rows(sessions: sessionmaker[Session]) -> list[Submission]:
    with sessions() as session:
        return list(session.query(Submission).order_by(Submission.id))


def wait_until(condition: Callable[[], object], timeout_s: float, what: str, step_s: float = 0.05) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(step_s)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class WorkerProcess:
    """A real `grader worker` (python -m service.worker) writing its log to `log`."""

    env: Mapping[str, str]
    log: Path
    slots: int = 2
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, ready_timeout_s: float = 120) -> WorkerProcess:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "worker", "--slots", str(self.slots)],
            env={**os.environ, **self.env}, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        handle.close()
        wait_until(lambda: "grading with" in self.text() or self.process.poll() is not None,  # type: ignore[union-attr]
                   ready_timeout_s, f"the worker to start (log {self.log})", 0.1)
        assert self.process.poll() is None, f"the worker exited:\n{self.text()[-3000:]}"
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def graded(self) -> Counter[int]:
        return Counter(int(match.group(1)) for match in GRADED.finditer(self.text()))

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout_s: float = 90) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def graded_counts(workers: Iterable[WorkerProcess]) -> Counter[int]:
    total: Counter[int] = Counter()
    for worker in workers:
        total.update(worker.graded())
    return total


def sandbox_containers_of(pids: Iterable[int]) -> list[str]:
    """Ids of sandbox containers owned by these processes of this host."""
    from sandbox.engine import engine_client
    from sandbox.settings import LABEL, OWNER_LABEL

    wanted = {str(pid) for pid in pids}
    found = []
    with engine_client(None, 30) as client:
        for container in client.containers(all=True, filters={"label": LABEL}):
            owner = (container.get("Labels") or {}).get(OWNER_LABEL, "")
            host, _, rest = owner.partition(":")
            if host == socket.gethostname() and rest.rpartition(":")[2] in wanted:
                found.append(container["Id"])
    return found


def no_learner_overlaps(submissions: Iterable[Submission]) -> None:
    """Assert from the database's timestamps that no learner ever had two submissions in flight."""
    spans: dict[int, list[tuple[float, float, int]]] = {}
    for row in submissions:
        assert row.started_at is not None and row.finished_at is not None, f"submission {row.id} unfinished"
        span = (row.started_at.timestamp(), row.finished_at.timestamp(), row.id)
        spans.setdefault(row.user_id, []).append(span)
    for user, items in spans.items():
        items.sort()
        for (_, end, first), (start, _, second) in zip(items, items[1:], strict=False):
            assert end <= start, f"learner {user}: submissions {first} and {second} were in flight together"


def service_env(tmp_path: Path, database_url: str, queue_url: str, exercises: Path) -> dict[str, str]:
    """The environment of a worker of one test's installation."""
    return {
        "GRADER_INSTANCE": str(tmp_path / "instance"),
        "GRADER_DATABASE_URL": database_url,
        "GRADER_QUEUE_URL": queue_url,
        "GRADER_EXERCISES": str(exercises),
        "GRADER_SECRET_KEY": "service-test-key-" + "x" * 32,
    }
