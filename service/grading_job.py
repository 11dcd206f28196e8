"""Grading one claimed submission to its end: graded, or failed for reasons that are never the
learner's, after bounded retries with backoff.

Every write is guarded by the claim (`worker` and `started_at` still ours, status still
`running`): a slot whose submission was taken away (its worker was presumed dead and the
submission re-queued) can never overwrite the grading of another slot.

An instructor's re-grade (store.regrades) ends the same way, except that when it cannot be graded the
attempt gets back the grading it had: an engine failure never takes a learner's result away. Every
change of status is published to the change feed (store.changes) for the learner's page and the
classroom views (web/events.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from grader.errors import ExerciseInvalid
from grader.exercise import Exercise, load_exercise
from grader.grading import grade_submission
from grader.intake import SubmissionRejected
from grader.result import Result
from grader.runner import SandboxRunner
from grader.versions import VersionMissing, VersionStore
from service.scheduler import Claim
from store.changes import publish_attempt
from store.failed_checks import failed_checks
from store.models import Submission, utcnow
from store.regrades import pending_regrade, restored_grading, settle_regrade

log = logging.getLogger(__name__)
Outcome = str  # "done" | "error" | "released" | "lost"


@dataclass(frozen=True)
class RetryPolicy:
    """attempts: gradings tried before the submission ends as `error` (crashed workers count too);
    the wait before retry n is first_delay_s * 2**(n-1), at most max_delay_s."""

    attempts: int = 6
    first_delay_s: float = 1.0
    max_delay_s: float = 30.0

    def delay(self, failed: int) -> float:
        return float(min(self.first_delay_s * 2 ** max(failed - 1, 0), self.max_delay_s))


def exercise_for_key(exercises: Path, key: str) -> Exercise:
    """The exercise `track/slug` of the curriculum folder `exercises` (resolved).

    Raises:
        ValueError: `key` does not name a folder of the curriculum.
        ExerciseInvalid: the exercise does not load.
    """
    track, _, slug = key.partition("/")
    folder = (exercises / track / slug).resolve()
    if not track or not slug or "/" in slug or folder.parent.parent != exercises:
        raise ValueError(f"{key!r} is not an exercise key")
    return load_exercise(folder, exercises)


class GradingJob:
    """Grades the submissions one worker process claims. Thread-safe: one call per slot.

    `engine_disturbed(since)` says whether the engine was unreachable at any moment after the
    monotonic time `since`: a failing result graded across an engine restart is graded again,
    since a container killed by the engine looks like a learner's program that died.
    """

    def __init__(self, sessions: sessionmaker[Session], runner: SandboxRunner, exercises: Path,
                 policy: RetryPolicy, stopping: threading.Event,
                 engine_disturbed: Callable[[float], bool] = lambda since: False,
                 versions: VersionStore | None = None) -> None:
        self.sessions = sessions
        self.runner = runner
        self.exercises = exercises.resolve()
        self.versions = versions
        self.policy = policy
        self.stopping = stopping
        self.engine_disturbed = engine_disturbed

    def run(self, claim: Claim) -> Outcome:
        failed = claim.attempts
        message = "the worker grading it stopped"
        while True:
            if failed >= self.policy.attempts:
                return self._end_in_error(claim, failed, f"Could not be graded after {failed} attempts; "
                                          f"the last problem: {message}")
            try:
                exercise = self.exercise(claim.exercise_key, claim.exercise_sha256)
                files = {path: str(text).encode() for path, text in claim.files.items()}
            except VersionMissing as error:
                return self._end_in_error(claim, failed, f"The version of {claim.exercise_key} this attempt "
                                          f"is graded on cannot be found, so nothing was graded: {error}")
            except (ExerciseInvalid, ValueError) as error:
                return self._end_in_error(claim, failed, f"The exercise {claim.exercise_key} cannot be "
                                          f"loaded, so nothing was graded: {error}")
            began = time.monotonic()
            try:
                result = grade_submission(exercise, files, self.runner)
            except SubmissionRejected as error:
                return self._end_in_error(claim, failed, "The exercise no longer accepts these files "
                                          f"(it changed after the submission): {error}")
            except Exception as error:  # our bug, not the learner's: retried, then reported
                log.exception("grading submission %d raised", claim.id)
                message = f"{type(error).__name__}: {error}"
            else:
                if result.status == "pass" or (result.status == "fail" and not self.engine_disturbed(began)):
                    return self._finish(claim, failed, result)
                message = result.message if result.status == "error" else (
                    "the container engine restarted while this submission was graded")
            failed += 1
            log.warning("submission %d: attempt %d failed (%s)", claim.id, failed, message)
            if not self._write(claim, attempts=failed, error_message=f"retrying: {message}"[:2000]):
                return "lost"
            if failed < self.policy.attempts and self.stopping.wait(self.policy.delay(failed)):
                return self._release(claim)

    def exercise(self, key: str, sha256: str = "") -> Exercise:
        """The version `sha256` of `key` (kept, or still the folder's); the folder's when none is named
        (attempts made before versions were kept)."""
        if sha256 and self.versions is not None:
            return self.versions.load(key, sha256, self.exercises)
        return exercise_for_key(self.exercises, key)

    def _finish(self, claim: Claim, attempts: int, result: Result) -> Outcome:
        data = result.to_json()
        owned = self._write(
            claim, ended="done", status="done", result=data, score=result.score, max_score=result.max_score,
            failed_checks=failed_checks(data), finished_at=utcnow(), attempts=attempts, error_message=None,
            counts=True, regrade_requested_at=None,
        )
        if not owned:
            return "lost"
        log.info("submission %d graded: %s %s/%s in %.2f s (attempt %d)", claim.id, result.status,
                 result.score, result.max_score, result.duration_s, attempts + 1)
        return "done"

    def _end_in_error(self, claim: Claim, attempts: int, message: str) -> Outcome:
        owned = self._write(claim, ended="error", status="error", finished_at=utcnow(), attempts=attempts,
                            error_message=message[:2000], counts=False)
        if not owned:
            return "lost"
        if claim.regrade:
            log.error("submission %d could not be graded again (it keeps its grading): %s", claim.id, message)
        else:
            log.error("submission %d could not be graded: %s", claim.id, message)
        return "error"

    def _release(self, claim: Claim) -> Outcome:
        """Give the submission back to the queue (this worker is stopping)."""
        owned = self._write(claim, status="queued", worker=None)
        log.info("submission %d given back to the queue: this worker is stopping", claim.id)
        return "released" if owned else "lost"

    def _write(self, claim: Claim, ended: str | None = None, **values: Any) -> bool:
        """Update the submission if this claim still owns it; False when it no longer does.

        `ended` ("done" or "error") marks the end of the grading: a re-grade is settled (one that could
        not be graded restores the attempt's earlier grading). A change of status (ended, or given back
        to the queue) is published for the learner's page and the classroom views.
        """
        message = str(values.get("error_message") or "")
        with self.sessions() as session:
            regrade = pending_regrade(session, claim.id) if ended and claim.regrade else None
            if regrade is not None and ended == "error":
                values = {**values, **restored_grading(regrade)}
            changed = session.execute(
                update(Submission)
                .where(Submission.id == claim.id, Submission.status == "running",
                       Submission.worker == claim.worker, Submission.started_at == claim.started_at)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            owned = changed.rowcount == 1  # type: ignore[attr-defined]
            if not owned:
                session.rollback()
            else:
                if "status" in values:
                    publish_attempt(session, claim.id, claim.user_id)
                if regrade is not None:
                    settle_regrade(regrade, "done" if ended == "done" else "error", message)
            session.commit()
        if not owned:
            log.warning("submission %d is no longer this slot's (re-queued elsewhere): result dropped",
                        claim.id)
            return False
        return True
