"""A learner's fair share of the grading machines: one waiting attempt at a time (a newer one replaces
it, and the older one is shown as replaced, never graded), and a cap on attempts in 24 hours that an
instructor sets per cohort. On a real, migrated SQLite database, through the real forms."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.scheduler import claim_next, claimable
from store.models import Cohort, Submission, User
from tests.helpers.site import Browser, change_settings

PAGE = "/exercises/python/greet"


def send(browser: Browser, text: str = "print('Hello, class!')\n"):  # type: ignore[no-untyped-def]
    browser.get(PAGE)
    return browser.post(f"{PAGE}/submit", {"file-0": text})


def attempts(session: Session, username: str) -> list[Submission]:
    session.expire_all()
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    query = select(Submission).where(Submission.user_id == user.id).order_by(Submission.id)
    return list(session.scalars(query))


def test_a_newer_attempt_replaces_the_one_still_waiting(as_ann: Browser, db_session: Session) -> None:
    """Before: every click queued one more grading (only a 3-second cooldown between them)."""
    for n in range(4):
        assert send(as_ann, f"print({n})\n").status_code == 302
    rows = attempts(db_session, "ann")
    assert [row.status for row in rows] == ["superseded"] * 3 + ["queued"]
    newest = rows[-1]
    assert [row.superseded_by for row in rows] == [row.id for row in rows[1:]] + [None]
    assert not any(row.counts for row in rows[:-1])
    assert claimable(db_session) == [newest.id]
    claim = claim_next(db_session, "test-worker")  # what a worker grades
    assert claim is not None and claim.id == newest.id and claim.files == {"greet.py": "print(3)\n"}
    assert claim_next(db_session, "test-worker") is None  # nothing else of hers is ever graded


def test_a_replaced_attempt_is_shown_as_such(as_ann: Browser, db_session: Session) -> None:
    send(as_ann, "print(1)\n")
    sent = send(as_ann, "print(2)\n")
    assert sent.status_code == 302
    first, second = attempts(db_session, "ann")
    history = as_ann.get(PAGE).get_data(as_text=True)
    assert f"Your earlier attempt #{first.id} was still waiting" in history
    assert "Replaced before grading" in history
    page = as_ann.get(f"/submissions/{first.id}").get_data(as_text=True)
    assert "Not graded: replaced by a newer attempt." in page and f"#{second.id}" in page
    assert "data-poll" not in page  # finished: the page stops asking
    api = as_ann.get(f"/api/submissions/{first.id}").get_json()
    assert api["status"] == "superseded" and api["superseded_by"] == second.id


def test_an_attempt_being_graded_is_not_replaced(as_ann: Browser, db_session: Session) -> None:
    send(as_ann, "print(1)\n")
    claim = claim_next(db_session, "test-worker")
    assert claim is not None
    send(as_ann, "print(2)\n")
    assert [row.status for row in attempts(db_session, "ann")] == ["running", "queued"]


def test_an_instructors_regrade_is_neither_replaced_nor_counted(app: Flask, as_ann: Browser, as_ines: Browser,
                                                                 db_session: Session) -> None:
    change_settings(app, daily_attempts=2)
    send(as_ann)
    first = attempts(db_session, "ann")[0]
    db_session.execute(update(Submission).values(status="done"))
    db_session.commit()
    as_ines.get(f"/submissions/{first.id}")
    regraded = as_ines.post(f"/teach/submissions/{first.id}/regrade", {"regrade-reason": "Fixed the tests."})
    assert regraded.status_code == 302
    assert send(as_ann).status_code == 302  # her new attempt does not replace the instructor's re-grade
    rows = attempts(db_session, "ann")
    assert [(row.status, row.regrade_requested_at is not None) for row in rows] == [
        ("queued", True), ("queued", False)]
    refused = send(as_ann)
    assert refused.status_code == 429 and "sent 2 attempts in the last 24 hours" in refused.get_data(True)


def test_the_site_caps_attempts_in_24_hours(app: Flask, as_ann: Browser, as_bob: Browser,
                                            db_session: Session) -> None:
    change_settings(app, daily_attempts=3)
    assert [send(as_ann).status_code for _ in range(3)] == [302] * 3
    refused = send(as_ann, "print('kept')\n")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "You have sent 3 attempts in the last 24 hours" in page and "You can send again in" in page
    assert "print(&#39;kept&#39;)" in page  # her code is still in the editor
    assert len(attempts(db_session, "ann")) == 3
    assert send(as_bob).status_code == 302  # a classmate's budget is their own
    # an attempt sent more than 24 hours ago leaves the window
    oldest = attempts(db_session, "ann")[0]
    oldest.created_at = oldest.created_at - timedelta(hours=25)
    db_session.commit()
    assert send(as_ann).status_code == 302


def test_attempts_that_could_not_be_graded_do_not_count(app: Flask, as_ann: Browser,
                                                        db_session: Session) -> None:
    change_settings(app, daily_attempts=1)
    send(as_ann)
    db_session.execute(update(Submission).values(status="error", counts=False))
    db_session.commit()
    assert send(as_ann).status_code == 302


def test_an_instructor_sets_a_cohorts_cap(app: Flask, as_ann: Browser, as_bob: Browser, as_ines: Browser,
                                          db_session: Session) -> None:
    change_settings(app, daily_attempts=1)
    as_ines.get("/teach/learners")
    as_ines.post("/teach/cohorts", {"name": "Tuesday"})
    cohort = db_session.scalar(select(Cohort).where(Cohort.name == "Tuesday"))
    assert cohort is not None
    as_ines.post(f"/teach/cohorts/{cohort.id}/members", {"add": "ann"})
    for wrong in ("0", "-3", "many", "99999"):
        as_ines.post(f"/teach/cohorts/{cohort.id}/daily-attempts", {"daily_attempts": wrong})
        db_session.expire_all()
        assert db_session.get(Cohort, cohort.id).daily_attempts is None  # type: ignore[union-attr]
    done = as_ines.post(f"/teach/cohorts/{cohort.id}/daily-attempts", {"daily_attempts": "3"})
    assert done.status_code == 302
    assert 'value="3"' in as_ines.get("/teach/learners").get_data(as_text=True)
    assert [send(as_ann).status_code for _ in range(4)] == [302, 302, 302, 429]
    assert [send(as_bob).status_code for _ in range(2)] == [302, 429]  # not in the cohort: the site's cap
    as_ines.post(f"/teach/cohorts/{cohort.id}/daily-attempts", {"daily_attempts": ""})  # back to the site's
    db_session.expire_all()
    assert db_session.get(Cohort, cohort.id).daily_attempts is None  # type: ignore[union-attr]


def test_a_learner_cannot_set_a_cap(as_ann: Browser, as_ines: Browser, db_session: Session) -> None:
    as_ines.get("/teach/learners")
    as_ines.post("/teach/cohorts", {"name": "Tuesday"})
    cohort = db_session.scalar(select(Cohort).where(Cohort.name == "Tuesday"))
    assert cohort is not None
    refused = as_ann.post(f"/teach/cohorts/{cohort.id}/daily-attempts", {"daily_attempts": "9999"})
    assert refused.status_code == 404
