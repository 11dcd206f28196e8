"""Hints in two tiers: a learner sees a failing check's nudge at once, and its answer only once that
check has failed in GRADER_HELP_ANSWER_AFTER counted attempts at the exercise; staff see both."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from store.failed_checks import failed_checks
from store.models import Submission, utcnow
from tests.helpers.site import Browser, change_settings, graded

ANSWER = "THE-ANSWER: print(input())"


def _attempt(browser: Browser, session: Session) -> int:
    """A failed attempt of python/greet, graded as the worker leaves it, with a two-tier hint."""
    browser.get("/exercises/python/greet")
    response = browser.post("/exercises/python/greet/submit", {"file-0": "print('Hello')"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = browser.get("/exercises/python/greet").get_data(as_text=True)
    submission_id = int(page.split('Attempt <a href="/submissions/', 1)[1].split('"', 1)[0])
    submission = session.get(Submission, submission_id)
    assert submission is not None
    result = graded(False)
    for check in result["checks"]:  # type: ignore[attr-defined]
        check["hint_answer"] = ANSWER
    submission.status, submission.result, submission.failed_checks = "done", result, failed_checks(result)
    submission.score, submission.max_score = 0.0, 2.0
    submission.finished_at = utcnow()
    session.commit()
    return submission_id


def test_the_answer_comes_after_repeated_failures_and_staff_always_see_it(
    app: Flask, as_ann: Browser, as_ines: Browser, db_session: Session
) -> None:
    change_settings(app, submit_cooldown_s=0)
    first = _attempt(as_ann, db_session)
    shown = as_ann.get(f"/api/submissions/{first}").get_json()
    assert "Use print(" in shown["html"]  # the nudge
    assert ANSWER not in shown["html"] and ANSWER not in str(shown["result"])
    assert "more help will appear here" in shown["html"]
    assert ANSWER in as_ines.get(f"/api/submissions/{first}").get_json()["html"]
    _attempt(as_ann, db_session)
    third = _attempt(as_ann, db_session)
    answered = as_ann.get(f"/api/submissions/{third}").get_json()
    assert ANSWER in answered["html"] and "here is how to do it" in answered["html"]
    assert ANSWER not in str(as_ann.get(f"/api/submissions/{first}").get_json()["result"])  # not retold
