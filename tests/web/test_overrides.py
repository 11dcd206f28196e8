"""Changing a score (web/overrides.py): who may, what it takes, where it shows and counts, and that
re-grades and the schema upgrade keep it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from store.db import alembic_config, make_engine, session_factory, upgrade_database
from store.models import AuditLog, GradeOverride, Submission, User, utcnow
from store.regrades import pending_regrade, settle_regrade
from tests.helpers.ops_site import people_rows, seed_first_revision
from tests.helpers.site import Browser, graded, graded_submission
from web.progress import standings

REASON = "The greeting was right; the test expected a different comma."


def _override(browser: Browser, submission_id: int, score: str, reason: str = REASON):  # type: ignore[no-untyped-def]
    browser.get(f"/submissions/{submission_id}")
    return browser.post(f"/teach/submissions/{submission_id}/override", {"score": score, "reason": reason})


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(GradeOverride)) or 0


def test_the_staff_page_of_an_attempt_offers_the_change(as_ines: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    page = as_ines.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert "Change the score" in page and f'action="/teach/submissions/{attempt.id}/override"' in page
    assert 'max="2"' in page and "From 0 to 2." in page


def test_a_changed_score_counts_in_the_grid_the_csv_and_the_learners_pages(
    as_ines: Browser, as_ann: Browser, db_session: Session
) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    graded_submission(db_session, "bob", passed=False)
    assert "0 of 1 done" in as_ann.get("/").get_data(as_text=True)
    response = _override(as_ines, attempt.id, "2")
    assert response.status_code == 302 and response.headers["Location"] == f"/submissions/{attempt.id}"

    grid = as_ines.get("/teach/?open=python").get_data(as_text=True)
    assert 'class="cell solved"' in grid and "Greet: 2 / 2" in grid and "(changed by an instructor)" in grid
    csv = as_ines.get("/teach/export.csv").get_data(as_text=True).splitlines()
    assert "ann,Ann,2,,,1,python/greet" in csv and "bob,Bob,0,,,0," in csv
    overview = as_ines.get(f"/teach/learners/{attempt.user_id}").get_data(as_text=True)
    assert "(changed by an instructor)" in overview and "(checks: 0 / 2)" in overview

    result = as_ann.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert f"Your instructor changed this score to <strong>2 / 2</strong>: {REASON}" in result
    assert "The checks gave 0 / 2." in result and "Change the score" not in result
    history = as_ann.get("/exercises/python/greet").get_data(as_text=True)
    assert '<span class="badge pass">2 / 2</span><span class="changed"' in history
    assert "1 of 1 done" in as_ann.get("/").get_data(as_text=True)
    data = as_ann.get(f"/api/submissions/{attempt.id}").get_json()
    assert data["override"] == {"score": 2.0, "reason": REASON, "attempt": attempt.id} and data["score"] == 0


def test_a_change_is_audited_the_newest_wins_and_it_can_be_removed(
    as_ines: Browser, as_ada: Browser, as_ann: Browser, db_session: Session
) -> None:
    attempt = graded_submission(db_session, "ann", passed=True)
    assert _override(as_ines, attempt.id, "1.5").status_code == 302
    assert _override(as_ines, attempt.id, "1", "Copied from a neighbour's screen.").status_code == 302
    entries = db_session.scalars(select(AuditLog).where(AuditLog.action == "grade.override")
                                 .order_by(AuditLog.id)).all()
    assert [(e.target, e.detail["old"], e.detail["new"]) for e in entries] == [
        (f"submission:{attempt.id}", 2.0, 1.5), (f"submission:{attempt.id}", 1.5, 1.0)]
    assert entries[0].detail["reason"] == REASON and entries[0].actor is not None
    assert entries[0].actor.username == "ines"
    assert "grade.override" in as_ada.get("/admin/audit").get_data(as_text=True)
    assert "1 / 2" in as_ann.get(f"/submissions/{attempt.id}").get_data(as_text=True)

    as_ines.get(f"/submissions/{attempt.id}")
    assert as_ines.post(f"/teach/submissions/{attempt.id}/override/remove").status_code == 302
    removed = db_session.scalar(select(AuditLog).where(AuditLog.action == "grade.override_removed"))
    assert removed is not None and (removed.detail["old"], removed.detail["new"]) == (1.0, 2.0)
    assert _count(db_session) == 3  # the history stays
    page = as_ann.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert "Your instructor" not in page and "2 / 2 points" in page
    assert "(changed by an instructor)" not in as_ines.get("/teach/").get_data(as_text=True)
    assert as_ines.post(f"/teach/submissions/{attempt.id}/override/remove").status_code == 404


def test_learners_cannot_change_scores(as_ann: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    as_ann.get(f"/submissions/{attempt.id}")
    assert as_ann.post(f"/teach/submissions/{attempt.id}/override",
                       {"score": "2", "reason": "I deserve it"}).status_code == 404
    assert as_ann.post(f"/teach/submissions/{attempt.id}/override/remove").status_code == 404
    assert _count(db_session) == 0


def test_a_learner_never_sees_another_learners_change(
    as_ines: Browser, as_bob: Browser, db_session: Session
) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    graded_submission(db_session, "bob", passed=False)
    _override(as_ines, attempt.id, "2")
    for url in (f"/submissions/{attempt.id}", f"/api/submissions/{attempt.id}"):
        assert as_bob.get(url).status_code == 404
    for url in ("/", "/exercises/python/greet"):
        page = as_bob.get(url).get_data(as_text=True)
        assert REASON not in page and "changed by an instructor" not in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(reason: str, as_ines: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    response = _override(as_ines, attempt.id, "2", reason)
    assert response.status_code == 422 and "Write why the score changes." in response.get_data(as_text=True)
    assert _count(db_session) == 0


@pytest.mark.parametrize("score", ["-1", "2.5", "nan", "inf", "two", ""])
def test_the_score_stays_between_0_and_the_max(score: str, as_ines: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    response = _override(as_ines, attempt.id, score)
    assert response.status_code == 422, score
    assert _count(db_session) == 0 and db_session.scalar(select(AuditLog).where(
        AuditLog.action == "grade.override")) is None


@pytest.mark.parametrize("score", ["0", "2", "0.5"])
def test_the_bounds_themselves_are_allowed(score: str, as_ines: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=True)
    assert _override(as_ines, attempt.id, score).status_code == 302
    assert db_session.scalar(select(GradeOverride.score)) == float(score)


def test_a_change_without_the_csrf_token_is_refused(as_ines: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    url = f"/teach/submissions/{attempt.id}/override"
    response = as_ines.client.post(url, data={"score": "2", "reason": "x"})
    assert response.status_code == 400 and _count(db_session) == 0


def test_only_a_graded_learner_attempt_takes_a_change(as_ines: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    queued = Submission(user_id=attempt.user_id, exercise_key="python/greet", files={}, status="queued")
    failed = Submission(user_id=attempt.user_id, exercise_key="python/greet", files={}, status="error",
                        counts=False)
    db_session.add_all([queued, failed])
    db_session.commit()
    for submission in (queued, failed):
        assert _override(as_ines, submission.id, "1").status_code == 404
        assert "Change the score" not in as_ines.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert _override(as_ines, 9999, "1").status_code == 404
    assert _count(db_session) == 0


def test_grading_again_keeps_the_change_and_shows_it(
    as_ines: Browser, as_ann: Browser, db_session: Session
) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    _override(as_ines, attempt.id, "2")
    as_ines.post(f"/teach/submissions/{attempt.id}/regrade", {"regrade-reason": "The checks changed"})
    db_session.expire_all()
    assert attempt.status == "queued" and attempt.regrade_requested_at is not None
    assert standings(db_session, [attempt.user_id])[(attempt.user_id, "python/greet")].solved  # meanwhile
    assert _override(as_ines, attempt.id, "1").status_code == 404  # not while it is being graded again
    waiting = as_ann.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert "Waiting to be graded again at your instructor’s request" in waiting and "2 / 2 points" in waiting

    regrade = pending_regrade(db_session, attempt.id)  # the worker grades it, as service.grading_job does
    assert regrade is not None
    settle_regrade(regrade, "done")
    attempt.status, attempt.result, attempt.score = "done", graded(False), 0.0
    attempt.regrade_requested_at, attempt.finished_at = None, utcnow()
    db_session.commit()

    assert standings(db_session, [attempt.user_id])[(attempt.user_id, "python/greet")].solved
    mine = as_ann.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert f"changed this score to <strong>2 / 2</strong>: {REASON}" in mine and "2 / 2 points" in mine
    assert "at your instructor’s request: The checks changed." in mine
    staff = as_ines.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert "Ines changed this score" in staff and "Change the score</button>" in staff
    assert "The checks changed" in staff and "Grading history" in staff


def test_the_upgrade_from_0001_keeps_every_row_and_adds_overrides(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'grader.db'}"
    seed_first_revision(url)
    before = people_rows(url)
    upgrade_database(url)
    assert people_rows(url) == before
    engine = make_engine(url)
    try:
        assert "grade_overrides" in inspect(engine).get_table_names()
        with session_factory(engine)() as session:
            ines = session.scalar(select(User).where(User.username == "ines"))
            assert ines is not None
            session.add(GradeOverride(submission_id=1, score=1.0, reason="kept", by_user_id=ines.id))
            session.commit()
            assert standings(session, [3])[(3, "python/01-hello-world")].best == 1.0
    finally:
        engine.dispose()
    command.downgrade(alembic_config(url), "0001")
    assert people_rows(url) == before
