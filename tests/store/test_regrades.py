"""Re-grades stay the instructor's (store/regrades.py): asking for one, and migration 0005, which folds
the re-grade rows of older versions (new `submissions` rows with `regrade_of`) into their attempts'
history, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import MetaData, insert, inspect, select
from sqlalchemy.orm import Session

from service.scheduler import claim_next
from store.changes import changes_after
from store.db import alembic_config, make_engine, session_factory
from store.models import GradeOverride, Regrade, Submission, User
from store.regrades import can_regrade, request_regrade
from tests.helpers.service import add_learners, migrated

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _result(score: float, failed: tuple[str, ...] = ()) -> dict[str, Any]:
    checks = [{"id": check, "title": f"Check {check}", "status": "fail" if check in failed else "pass",
               "message": f"{check} is not right" if check in failed else "", "hidden": check == "c2"}
              for check in ("c1", "c2")]
    return {"format": 1, "status": "pass" if score == 2 else "fail", "score": score, "max_score": 2.0,
            "checks": checks}


def _attempt(sid: int, user: int, minutes: int, status: str = "done", score: float | None = 0.0,
             failed: tuple[str, ...] = ("c1",), regrade_of: int | None = None,
             error: str | None = None) -> dict[str, Any]:
    at = AT + timedelta(minutes=minutes)
    graded = status == "done"
    return {"id": sid, "user_id": user, "exercise_key": "python/greet", "files": {"greet.py": f"# {sid}"},
            "status": status, "result": _result(score or 0.0, failed) if graded else None,
            "score": score if graded else None, "max_score": 2.0 if graded else None, "created_at": at,
            "started_at": at if status != "queued" else None,
            "finished_at": at + timedelta(seconds=2) if status in ("done", "error") else None,
            "attempts": 0, "worker": None, "error_message": error, "counts": status != "error",
            "regrade_of": regrade_of}


ROWS: dict[str, list[dict[str, Any]]] = {
    "users": [{"id": n, "username": name, "display_name": name.title(), "password_hash": "-", "role": role,
               "active": True, "session_version": 1, "created_at": AT, "last_login_at": None}
              for n, (name, role) in enumerate([("ines", "instructor"), ("ann", "learner"),
                                                ("bob", "learner"), ("cy", "learner")], start=1)],
    "submissions": [
        _attempt(1, 2, 0),                                         # Ann's attempt: 0 / 2
        _attempt(2, 3, 1, failed=("c2",)),                         # Bob's attempt, failing the hidden check
        _attempt(3, 4, 2, status="error", error="engine down"),    # Cy's: could not be graded
        _attempt(4, 2, 10, score=2.0, failed=(), regrade_of=1),    # Ann's re-graded: 2 / 2
        _attempt(5, 2, 20, status="error", error="The Docker engine was not reachable", regrade_of=1),
        _attempt(6, 3, 30, status="queued", regrade_of=2),         # Bob's re-grade, still waiting
        _attempt(7, 4, 40, score=1.0, failed=("c1",), regrade_of=3),  # Cy's, from "grade all again"
    ],
    "grade_overrides": [{"id": 1, "submission_id": 1, "score": 1.5, "reason": "close enough", "by_user_id": 1,
                         "at": AT}],
    "audit_log": [
        {"id": 1, "at": AT + timedelta(minutes=10), "actor_id": 1, "action": "submission.regrade",
         "target": "submission:1", "detail": {"new": 4}, "ip": ""},
        {"id": 2, "at": AT + timedelta(minutes=39), "actor_id": 1, "action": "exercise.regrade",
         "target": "python/greet", "detail": {"count": 1}, "ip": ""},
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'grader.db'}"
    return str(request.getfixturevalue("postgres"))


@pytest.fixture
def upgraded(database: str) -> Iterator[Session]:
    """A database of revision 0002 holding ROWS, upgraded to the newest revision."""
    command.upgrade(alembic_config(database), "0002")
    engine = make_engine(database)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        for name, rows in ROWS.items():
            connection.execute(insert(metadata.tables[name]), rows)
    engine.dispose()
    command.upgrade(alembic_config(database), "head")
    engine = make_engine(database)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def _history(session: Session, attempt: int) -> list[Regrade]:
    return list(session.scalars(select(Regrade).where(Regrade.submission_id == attempt).order_by(Regrade.id)))


def test_old_regrade_rows_become_their_attempts_history(upgraded: Session) -> None:
    session = upgraded
    assert list(session.scalars(select(Submission.id).order_by(Submission.id))) == [1, 2, 3]
    ann = session.get(Submission, 1)
    assert ann is not None
    assert (ann.status, ann.score, ann.counts, ann.failed_checks) == ("done", 2.0, True, [])
    assert ann.result is not None and ann.result["score"] == 2.0
    graded, failed = _history(session, 1)
    assert (graded.state, graded.by_user_id, graded.previous_score, graded.requested_at) == (
        "done", 1, 0.0, AT + timedelta(minutes=10))
    assert [c["id"] for c in graded.previous_failed_checks] == ["c1"]
    assert (failed.state, failed.message, failed.previous_score) == (
        "error", "The Docker engine was not reachable", 2.0)
    assert session.scalar(select(GradeOverride.submission_id)) == 1  # the override stays on the attempt


def test_a_waiting_regrade_stays_waiting_on_the_attempt(upgraded: Session) -> None:
    session = upgraded
    bob = session.get(Submission, 2)
    assert bob is not None
    assert (bob.status, bob.regrade_requested_at) == ("queued", AT + timedelta(minutes=30))
    assert bob.result is not None and bob.score == 0.0  # its grading shows until the new one lands
    failed = [(c["id"], c["hidden"], c["message"]) for c in bob.failed_checks]
    assert failed == [("c2", True, "c2 is not right")]
    (pending,) = _history(session, 2)
    assert (pending.state, pending.by_user_id, pending.previous_status) == ("pending", None, "done")
    claim = claim_next(session, "host:boot:1:abc")
    assert claim is not None and claim.id == 2 and claim.regrade


def test_who_asked_is_found_for_a_whole_exercise_regraded(upgraded: Session) -> None:
    cy = upgraded.get(Submission, 3)
    assert cy is not None
    assert (cy.status, cy.score, cy.counts, cy.error_message) == ("done", 1.0, True, None)
    (row,) = _history(upgraded, 3)
    assert (row.state, row.by_user_id, row.previous_status) == ("done", 1, "error")
    assert not row.previous_counts
    assert row.previous_error_message == "engine down"


def test_the_downgrade_keeps_every_attempt_with_its_grading(database: str, upgraded: Session) -> None:
    upgraded.close()
    command.downgrade(alembic_config(database), "0002")
    engine = make_engine(database)
    try:
        columns = {column["name"] for column in inspect(engine).get_columns("submissions")}
        assert "regrade_of" in columns and "failed_checks" not in columns
        assert "regrades" not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            table = MetaData()
            table.reflect(connection, only=["submissions"])
            rows = connection.execute(select(table.tables["submissions"]).order_by("id")).mappings().all()
        assert [(row["id"], row["status"], row["score"]) for row in rows] == [
            (1, "done", 2.0), (2, "done", 0.0), (3, "done", 1.0)]
    finally:
        engine.dispose()


def test_asking_for_a_regrade_queues_the_attempt_and_keeps_its_grading(tmp_path: Path) -> None:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions, sessions() as session:
        (ann,) = add_learners(sessions, 1)
        attempt = Submission(user_id=ann, exercise_key="python/two-fer", files={}, status="done",
                             result=_result(0.0, ("c1",)), score=0.0, max_score=2.0, finished_at=AT,
                             failed_checks=[{"id": "c1"}], attempts=2)
        session.add(attempt)
        session.commit()
        ines = session.get(User, ann)
        assert ines is not None and can_regrade(attempt)
        row = request_regrade(session, attempt, ann, "  The test was wrong  ")
        session.commit()
        assert (attempt.status, attempt.attempts, attempt.score) == ("queued", 0, 0.0)
        assert not can_regrade(attempt)
        with pytest.raises(ValueError, match="being graded already"):
            request_regrade(session, attempt, ann, "again")
        assert (row.reason, row.state, row.previous_finished_at, row.previous_failed_checks) == (
            "The test was wrong", "pending", AT, [{"id": "c1"}])
        topics = [topic for _, topic in changes_after(session, 0)]
        assert topics == [f"submission:{attempt.id}", "cohort:all"]  # its page, and the classroom views
        waiting = Submission(user_id=ann, exercise_key="python/two-fer", files={}, status="queued")
        assert not can_regrade(waiting)
