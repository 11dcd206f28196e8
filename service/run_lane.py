"""The run lane: a worker's own slot(s) for learners' runs without grading (grader.tryout), apart from
the grading slots, so that a Run never waits behind a burst of submissions.

The `runs` table is the queue: the site adds a row (status `queued`); a lane thread claims the oldest
with a guarded UPDATE, runs it, stores its output and publishes `run:<id>` on the change feed, which
the learner's page is waiting on (web/events.py). An idle lane looks for work every `POLL_S`.
A run whose worker stopped is ended as an error after `STALE_AFTER_S`: the learner just runs again.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from grader.errors import ExerciseInvalid
from grader.intake import SubmissionRejected
from grader.runner import SandboxRunner
from grader.tryout import TryoutUnavailable, run_program, try_request
from service.grading_job import exercise_for_key
from store.changes import publish
from store.models import Run, utcnow

log = logging.getLogger(__name__)
POLL_S = 0.1
STALE_AFTER_S = 180.0
COULD_NOT_RUN = ("Your program could not be run just now because of a problem with the grading machine, "
                 "not with your code. Try again in a moment.")


class RunLane:
    """`slots` threads that run queued runs until `stopping` is set."""

    def __init__(self, sessions: sessionmaker[Session], runner: SandboxRunner, exercises: Path, name: str,
                 slots: int, stopping: threading.Event) -> None:
        self.sessions = sessions
        self.runner = runner
        self.exercises = exercises.resolve()
        self.name = name
        self.stopping = stopping
        self._polls = 0
        self.threads = [threading.Thread(target=self._loop, name=f"run-lane-{i}", daemon=True)
                        for i in range(slots)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self, timeout_s: float) -> None:
        for thread in self.threads:
            thread.join(timeout_s)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                worked = self.run_next()
            except Exception:  # the database went away: look again later
                log.exception("the run lane failed")
                worked = False
            if not worked:
                self.stopping.wait(POLL_S)

    def run_next(self) -> bool:
        """Claim and run the oldest queued run; False when there was none."""
        claimed = self._claim()
        if claimed is None:
            return False
        run_id, values = claimed
        try:
            output, status = self._execute(values), "done"
        except (ExerciseInvalid, TryoutUnavailable, ValueError, SubmissionRejected) as error:
            log.warning("run %d could not run: %s", run_id, error)
            problems = getattr(error, "problems", None)
            message = " ".join(problems) if problems else COULD_NOT_RUN
            output, status = {"status": "error", "explanation": message}, "error"
        self._finish(run_id, status, output)
        return True

    def _claim(self) -> tuple[int, dict[str, Any]] | None:
        with self.sessions() as session:
            self._polls += 1
            if self._polls % 100 == 1:  # every ten seconds or so
                self._end_stale(session)
            for _ in range(5):
                pick = session.scalar(select(Run.id).where(Run.status == "queued").order_by(Run.id).limit(1))
                if pick is None:
                    session.rollback()
                    return None
                try:
                    claimed = session.execute(
                        update(Run).where(Run.id == pick, Run.status == "queued")
                        .values(status="running", worker=self.name, started_at=utcnow())
                        .execution_options(synchronize_session=False))
                except OperationalError:  # SQLite busy: look again
                    session.rollback()
                    continue
                if claimed.rowcount != 1:  # type: ignore[attr-defined]
                    session.rollback()
                    continue
                row = session.execute(select(Run.exercise_key, Run.kind, Run.files, Run.request)
                                      .where(Run.id == pick)).one()
                publish(session, f"run:{pick}")
                session.commit()
                return pick, {"exercise": row.exercise_key, "kind": row.kind, "files": row.files or {},
                              "request": row.request or {}}
        return None

    def _execute(self, values: dict[str, Any]) -> dict[str, Any]:
        exercise = exercise_for_key(self.exercises, str(values["exercise"]))
        files = {str(path): str(text).encode() for path, text in values["files"].items()}
        request = values["request"]
        if values["kind"] == "request":
            form = {str(k): str(v) for k, v in (request.get("form") or {}).items()}
            method, path = str(request.get("method", "GET")), str(request.get("path", "/"))
            output = try_request(exercise, files, method, path, form, self.runner)
        else:
            output = run_program(exercise, files, str(request.get("stdin", "")), self.runner)
        return output.to_json()

    def _finish(self, run_id: int, status: str, output: dict[str, Any]) -> None:
        with self.sessions() as session:
            session.execute(update(Run).where(Run.id == run_id, Run.worker == self.name)
                            .values(status=status, output=output, finished_at=utcnow())
                            .execution_options(synchronize_session=False))
            publish(session, f"run:{run_id}")
            session.commit()

    def _end_stale(self, session: Session) -> None:
        """End runs that a stopped worker left running (or nobody took) long ago."""
        horizon = utcnow() - timedelta(seconds=STALE_AFTER_S)
        stale = list(session.scalars(select(Run.id).where(Run.status.in_(("queued", "running")),
                                                          Run.created_at < horizon)))
        if not stale:
            return
        session.execute(update(Run).where(Run.id.in_(stale))
                        .values(status="error", finished_at=utcnow(),
                                output={"status": "error", "explanation": COULD_NOT_RUN})
                        .execution_options(synchronize_session=False))
        publish(session, *(f"run:{run_id}" for run_id in stale))
        session.commit()
