"""Grading one claimed submission (service/grading_job.py) and re-queueing abandoned ones
(service/supervision.py), with the grading itself replaced: these tests are about what happens to the
submission row when the infrastructure fails, not about grading."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

import service.grading_job
from grader.result import CheckResult, Result
from sandbox.reaper import owner_label
from service.grading_job import GradingJob, RetryPolicy
from service.scheduler import Claim, claim_next
from service.supervision import requeue_abandoned, worker_gone
from store.changes import changes_after
from store.models import Cohort, Regrade, Submission, User, WorkerHeartbeat, utcnow
from store.regrades import request_regrade
from tests.helpers.service import add_learners, migrated, submit, write_exercises

FAST = RetryPolicy(attempts=3, first_delay_s=0.0)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        yield sessions


@pytest.fixture
def exercises(tmp_path: Path) -> Path:
    return write_exercises(tmp_path / "exercises")


class Script:
    """Stands in for grade_submission: returns the scripted results in turn."""

    def __init__(self, *statuses: str) -> None:
        self.statuses = list(statuses)
        self.calls = 0

    def __call__(self, exercise: Any, files: Any, runner: Any) -> Result:
        status = self.statuses[min(self.calls, len(self.statuses) - 1)]
        self.calls += 1
        score = {"pass": 11.0, "fail": 1.0}.get(status, 0.0)
        return Result(exercise.key, status, score, 11.0, 0.1,  # type: ignore[arg-type]
                      message="The Docker engine is not reachable" if status == "error" else "")


@pytest.fixture
def claimed(sessions: sessionmaker[Session]) -> Claim:
    (ann,) = add_learners(sessions, 1)
    submit(sessions, ann)
    with sessions() as session:
        claim = claim_next(session, "host:boot:1:abc")
    assert claim is not None
    return claim


class Harness:
    def __init__(self, sessions: sessionmaker[Session], exercises: Path, claim: Claim,
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.sessions, self.exercises, self.claim, self.monkeypatch = sessions, exercises, claim, monkeypatch

    def run(self, script: Script, *, disturbed: bool = False, policy: RetryPolicy = FAST,
            stopping: bool = False, exercises: Path | None = None) -> str:
        self.monkeypatch.setattr(service.grading_job, "grade_submission", script)
        flag = threading.Event()
        if stopping:
            flag.set()
        job = GradingJob(self.sessions, None, exercises or self.exercises, policy, flag,  # type: ignore[arg-type]
                         lambda since: disturbed)
        return job.run(self.claim)

    def row(self) -> Submission:
        with self.sessions() as session:
            found = session.get(Submission, self.claim.id)
            assert found is not None
            return found


@pytest.fixture
def harness(sessions: sessionmaker[Session], exercises: Path, claimed: Claim,
            monkeypatch: pytest.MonkeyPatch) -> Harness:
    return Harness(sessions, exercises, claimed, monkeypatch)


def test_an_engine_failure_is_retried_and_then_graded(harness: Harness) -> None:
    assert harness.run(Script("error", "error", "pass")) == "done"
    done = harness.row()
    assert (done.status, done.score, done.attempts, done.counts) == ("done", 11.0, 2, True)
    assert done.error_message is None
    assert done.result is not None and done.result["status"] == "pass"


def test_after_the_last_attempt_it_ends_as_error_that_does_not_count(harness: Harness) -> None:
    script = Script("error")
    assert harness.run(script) == "error"
    ended = harness.row()
    assert script.calls == FAST.attempts
    assert (ended.status, ended.counts, ended.attempts) == ("error", False, FAST.attempts)
    assert "after 3 attempts" in (ended.error_message or "")
    assert "Docker engine is not reachable" in (ended.error_message or "")


def test_a_fail_graded_across_an_engine_restart_is_graded_again(harness: Harness) -> None:
    script = Script("fail")
    assert harness.run(script, disturbed=True) == "error"
    assert script.calls == FAST.attempts, "never stored as the learner's fail"
    assert harness.row().counts is False


def test_a_pass_is_kept_even_across_an_engine_restart(harness: Harness) -> None:
    assert harness.run(Script("pass"), disturbed=True) == "done"


def test_a_missing_exercise_ends_in_error_at_once(harness: Harness, tmp_path: Path) -> None:
    script = Script("pass")
    assert harness.run(script, exercises=tmp_path / "empty") == "error"
    assert script.calls == 0
    assert "cannot be loaded" in (harness.row().error_message or "")


def test_a_stopping_worker_gives_the_submission_back(harness: Harness) -> None:
    slow = RetryPolicy(attempts=5, first_delay_s=30)
    assert harness.run(Script("error"), policy=slow, stopping=True) == "released"
    back = harness.row()
    assert (back.status, back.worker, back.attempts) == ("queued", None, 1)


def test_a_slot_whose_claim_was_taken_away_writes_nothing(harness: Harness) -> None:
    with harness.sessions() as session:  # presumed dead, re-queued and claimed by another worker meanwhile
        session.execute(update(Submission).where(Submission.id == harness.claim.id).values(worker="other:1"))
        session.commit()
    assert harness.run(Script("fail")) == "lost"
    assert harness.row().result is None


@pytest.fixture
def running(sessions: sessionmaker[Session]) -> Iterator[dict[str, int]]:
    """Submissions running on: this worker (held by a slot, or not), a dead local worker, a live and
    a silent worker of another machine."""
    me = f"{owner_label()}:mine01"
    dead_local = f"{owner_label(pid=2 ** 22 + 1)}:gone01"  # above pid_max: no such process
    learners = add_learners(sessions, 5)
    workers = {"held": me, "dropped": me, "dead_local": dead_local, "live_remote": "far:b:7:aa",
               "silent_remote": "gone:b:8:bb"}
    ids = {}
    with sessions() as session:
        for user, (label, worker) in zip(learners, workers.items(), strict=True):
            sub = Submission(user_id=user, exercise_key="python/two-fer", files={}, status="running",
                             worker=worker, started_at=utcnow())
            session.add(sub)
            session.flush()
            ids[label] = sub.id
        session.add_all([
            WorkerHeartbeat(name=me, host="here", seen_at=utcnow()),
            WorkerHeartbeat(name="far:b:7:aa", host="far", seen_at=utcnow()),
            WorkerHeartbeat(name="gone:b:8:bb", host="gone", seen_at=utcnow() - timedelta(minutes=2)),
        ])
        session.commit()
    yield ids | {"me": me}  # type: ignore[operator]


def status_of(sessions: sessionmaker[Session], sid: int) -> tuple[str, str | None, int]:
    with sessions() as session:
        found = session.get(Submission, sid)
        assert found is not None
        return found.status, found.worker, found.attempts


def test_abandoned_submissions_are_requeued_and_others_left_alone(
        sessions: sessionmaker[Session], running: dict[str, Any]) -> None:
    with sessions() as session:
        requeued = requeue_abandoned(session, running["me"], mine={running["held"]})
    assert sorted(requeued) == sorted([running["dropped"], running["dead_local"], running["silent_remote"]])
    for label in ("held", "live_remote"):
        assert status_of(sessions, running[label])[0] == "running"
    back = status_of(sessions, running["dead_local"])
    assert back == ("queued", None, 1)
    with sessions() as session:
        assert session.get(WorkerHeartbeat, "gone:b:8:bb") is None, "a dead worker's heartbeat is forgotten"


def cohort_changes(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return [topic for _, topic in changes_after(session, 0) if topic.startswith("cohort:")]


def in_cohort(sessions: sessionmaker[Session], user_id: int, name: str = "Tuesday") -> int:
    with sessions() as session:
        cohort = Cohort(name=name)
        cohort.members.append(session.get_one(User, user_id))
        session.add(cohort)
        session.commit()
        return cohort.id


def test_every_end_and_requeue_reaches_the_learners_classroom_views(
        sessions: sessionmaker[Session], harness: Harness) -> None:
    cohort = in_cohort(sessions, harness.claim.user_id)
    assert cohort_changes(sessions) == []  # claiming it changed nothing the classroom view shows
    assert harness.run(Script("error")) == "error"  # could not be graded
    assert cohort_changes(sessions) == [f"cohort:{cohort}", "cohort:all"]
    with sessions() as session:
        session.execute(update(Submission).values(status="running", worker="gone:b:8:bb"))
        session.commit()
        assert requeue_abandoned(session, "here:b:1:aa", mine=set()) == [harness.claim.id]
    assert cohort_changes(sessions) == [f"cohort:{cohort}", "cohort:all"] * 2


def test_a_stopping_workers_release_and_staffs_own_attempts(sessions: sessionmaker[Session],
                                                            harness: Harness) -> None:
    slow = RetryPolicy(attempts=5, first_delay_s=30)
    assert harness.run(Script("error"), policy=slow, stopping=True) == "released"
    assert cohort_changes(sessions) == ["cohort:all"]  # back in the queue
    with sessions() as session:
        session.execute(update(User).values(role="instructor"))
        session.commit()
        claim = claim_next(session, "host:boot:1:abc")
    assert claim is not None
    harness.claim = claim
    assert harness.run(Script("pass")) == "done"
    assert cohort_changes(sessions) == ["cohort:all"]  # an instructor's own attempt is in no class view


def test_an_earlier_process_with_this_pid_counts_as_gone() -> None:
    me = f"{owner_label()}:aaaaaa"
    assert worker_gone(f"{owner_label()}:bbbbbb", me)
    assert not worker_gone(me, me)
    assert not worker_gone("another-host:boot:1:cccccc", me)


@pytest.fixture
def regrade_claim(sessions: sessionmaker[Session], harness: Harness) -> Claim:
    """The claimed submission graded once (1 of 11 points), then queued again by an instructor."""
    assert harness.run(Script("fail")) == "done"
    with sessions() as session:
        attempt = session.get(Submission, harness.claim.id)
        assert attempt is not None
        request_regrade(session, attempt, None, "The tests were wrong")
        session.commit()
        claim = claim_next(session, "host:boot:1:abc")
    assert claim is not None and claim.id == harness.claim.id and claim.regrade
    harness.claim = claim
    return claim


def test_a_regrade_replaces_the_result_and_keeps_the_old_one(harness: Harness, regrade_claim: Claim) -> None:
    assert harness.run(Script("pass")) == "done"
    row = harness.row()
    assert (row.status, row.score, row.counts, row.regrade_requested_at) == ("done", 11.0, True, None)
    assert row.failed_checks == []
    with harness.sessions() as session:
        (history,) = session.scalars(select(Regrade)).all()
        topics = [topic for _, topic in changes_after(session, 0)]
        assert session.scalar(select(func.count()).select_from(Submission)) == 1  # no new attempt
    assert (history.state, history.reason, history.previous_score, history.previous_status) == (
        "done", "The tests were wrong", 1.0, "done")
    assert history.previous_result is not None and history.previous_result["score"] == 1.0
    attempt = f"submission:{regrade_claim.id}"
    assert topics == [attempt,  # claimed: the learner's page only (the classroom views do not show it)
                      attempt, "cohort:all",  # graded
                      attempt, "cohort:all",  # queued again by the instructor
                      attempt,  # claimed
                      attempt, "cohort:all"]  # graded again


def test_a_regrade_that_cannot_be_graded_gives_the_attempt_its_grading_back(
        harness: Harness, regrade_claim: Claim) -> None:
    assert harness.run(Script("error")) == "error"
    row = harness.row()
    assert (row.status, row.counts, row.regrade_requested_at, row.error_message) == ("done", True, None, None)
    with harness.sessions() as session:
        (history,) = session.scalars(select(Regrade)).all()
    assert history.state == "error" and "Could not be graded after 3 attempts" in history.message
    assert history.previous_finished_at is not None
    assert (row.result, row.score, row.finished_at) == (
        history.previous_result, 1.0, history.previous_finished_at)


def test_a_grading_end_names_its_failed_checks(harness: Harness) -> None:
    def failing(exercise: Any, files: Any, runner: Any) -> Result:
        checks = tuple(CheckResult(f"c{n}", f"Check {n}", "io", status, 0.0, 1.0)  # type: ignore[arg-type]
                       for n, status in enumerate(("pass", "fail", "timeout")))
        return Result(exercise.key, "fail", 1.0, 3.0, 0.1, checks)

    assert harness.run(failing) == "done"  # type: ignore[arg-type]
    failed = [(check["id"], check["status"]) for check in harness.row().failed_checks]
    assert failed == [("c1", "fail"), ("c2", "timeout")]
