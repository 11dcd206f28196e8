"""The instructor's pages: grid, a learner's work, re-grading, catalogue, CSV export, roster."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Cohort, Regrade, Submission, User
from tests.helpers.site import Browser, graded_submission


def test_grid_shows_each_learners_best_score(as_ines: Browser, db_session: Session) -> None:
    graded_submission(db_session, "ann", passed=False)
    graded_submission(db_session, "ann", passed=True)
    graded_submission(db_session, "bob", passed=False)
    page = as_ines.get("/teach/?open=python").get_data(as_text=True)
    assert "Ann" in page and "Bob" in page and "Greet" in page
    assert 'class="cell solved"' in page
    assert "Greet: 2 / 2, 2 attempts" in page and "Greet: 0 / 2, 1 attempt;" in page


def test_a_learners_code_is_escaped_with_line_numbers(as_ines: Browser, db_session: Session) -> None:
    submission = graded_submission(db_session, "ann", passed=False)
    overview = as_ines.get(f"/teach/learners/{submission.user_id}").get_data(as_text=True)
    assert f"#{submission.id}" in overview
    page = as_ines.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "print(&#39;&lt;b&gt;&#39;)" in page and 'id="line-greet.py-1" aria-hidden="true">1</span>' in page
    assert "<b>" not in page


def test_regrade_one_and_all(as_ines: Browser, db_session: Session) -> None:
    first = graded_submission(db_session, "ann", passed=False)
    second = graded_submission(db_session, "bob", passed=True)
    as_ines.get("/teach/catalogue")
    response = as_ines.post(f"/teach/submissions/{first.id}/regrade", {"regrade-reason": "A test was wrong"})
    assert response.status_code == 302
    db_session.expire_all()
    assert (first.status, first.regrade_requested_at is not None) == ("queued", True)
    assert first.result is not None and first.score == 0.0  # the old grading shows until the new one lands
    why = {"regrade-reason": "The exercise changed"}
    response = as_ines.post("/teach/exercises/python/greet/regrade", why)
    assert response.status_code == 302
    db_session.expire_all()
    assert second.status == "queued"  # the attempt already waiting is not queued twice
    reasons = db_session.scalars(select(Regrade.reason).order_by(Regrade.id)).all()
    assert reasons == ["A test was wrong", "The exercise changed"]
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 2  # no new attempts


def test_a_regrade_needs_a_reason(as_ines: Browser, db_session: Session) -> None:
    attempt = graded_submission(db_session, "ann", passed=False)
    as_ines.get(f"/submissions/{attempt.id}")
    response = as_ines.post(f"/teach/submissions/{attempt.id}/regrade", {"regrade-reason": "  "})
    assert response.status_code == 302 and response.headers["Location"].endswith("#regrade")
    page = as_ines.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert "write why this attempt is graded again" in page
    as_ines.post("/teach/exercises/python/greet/regrade", {"regrade-reason": ""})
    db_session.expire_all()
    assert attempt.status == "done" and db_session.scalar(select(func.count()).select_from(Regrade)) == 0


def test_catalogue_shows_validation_status_and_syncs(as_ines: Browser) -> None:
    page = as_ines.get("/teach/catalogue").get_data(as_text=True)
    assert "python/greet" in page and "Published" in page
    assert as_ines.post("/teach/catalogue/sync").status_code == 302


def test_csv_export_defuses_formulas(as_ines: Browser, db_session: Session) -> None:
    ann = db_session.scalar(select(User).where(User.username == "ann"))
    assert ann is not None
    ann.display_name = "=HYPERLINK(\"http://x\")"
    db_session.commit()
    graded_submission(db_session, "ann", passed=True)
    response = as_ines.get("/teach/export.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    header = "username,display_name,python/greet,flask/hello,web/page,solved,changed_by_instructor"
    assert text.splitlines()[0] == header
    assert "'=HYPERLINK" in text and "ann,\"'=HYPERLINK(\"\"http://x\"\")\",2,,,1," in text


def test_add_a_learner_shows_the_password_once(as_ines: Browser, db_session: Session) -> None:
    as_ines.get("/teach/learners")
    response = as_ines.post("/teach/learners", {"username": "Cara", "display_name": "Cara C", "cohort": "0"})
    assert response.status_code == 201 and "shown <strong>only this once</strong>" in response.get_data(True)
    assert db_session.scalar(select(User).where(User.username == "cara")) is not None
    assert "only this once" not in as_ines.get("/teach/learners").get_data(as_text=True)
    again = as_ines.post("/teach/learners", {"username": "cara", "display_name": "", "cohort": "0"})
    assert again.status_code == 422 and "already taken" in again.get_data(as_text=True)


def test_csv_import_is_all_or_nothing_and_fills_a_cohort(as_ines: Browser, db_session: Session) -> None:
    as_ines.get("/teach/learners")
    as_ines.post("/teach/cohorts", {"name": "Tuesday"})
    cohort = db_session.scalar(select(Cohort).where(Cohort.name == "Tuesday"))
    assert cohort is not None
    bad = io.BytesIO(b"username,display_name\ndan,Dan\nann,Ann again\n")
    response = as_ines.post("/teach/learners/import", {"file": (bad, "class.csv"), "cohort": str(cohort.id)},
                            content_type="multipart/form-data")
    assert response.status_code == 422 and "line 2" in response.get_data(as_text=True)
    assert db_session.scalar(select(User).where(User.username == "dan")) is None
    good = io.BytesIO(b"dan,Dan D\neve,Eve E\n")
    response = as_ines.post("/teach/learners/import", {"file": (good, "class.csv"), "cohort": str(cohort.id)},
                            content_type="multipart/form-data")
    assert response.status_code == 201
    db_session.expire_all()
    assert {u.username for u in cohort.members} == {"dan", "eve"}
    grid = as_ines.get(f"/teach/?cohort={cohort.id}").get_data(as_text=True)
    assert "Dan D" in grid and "Ann" not in grid


def test_instructors_reset_learners_only(as_ines: Browser, db_session: Session) -> None:
    ada = db_session.scalar(select(User).where(User.username == "ada"))
    ann = db_session.scalar(select(User).where(User.username == "ann"))
    assert ada is not None and ann is not None
    as_ines.get("/teach/learners")
    assert as_ines.post(f"/teach/learners/{ada.id}/reset-password").status_code == 404
    response = as_ines.post(f"/teach/learners/{ann.id}/reset-password")
    assert response.status_code == 200 and "only this once" in response.get_data(as_text=True)


def test_cohort_membership_changes(as_ines: Browser, db_session: Session) -> None:
    as_ines.get("/teach/learners")
    as_ines.post("/teach/cohorts", {"name": "Evening"})
    cohort = db_session.scalar(select(Cohort).where(Cohort.name == "Evening"))
    assert cohort is not None
    as_ines.post(f"/teach/cohorts/{cohort.id}/members", {"add": "bob"})
    db_session.expire_all()
    assert [u.username for u in cohort.members] == ["bob"]
    as_ines.post(f"/teach/cohorts/{cohort.id}/members", {"remove": str(cohort.members[0].id)})
    db_session.expire_all()
    assert cohort.members == []
