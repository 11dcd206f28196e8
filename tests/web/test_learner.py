"""The learner's pages: tracks, the exercise page, submitting, drafts, results and history."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.intake import MAX_FILE_BYTES
from store.models import AuditLog, Draft, Submission, utcnow
from tests.helpers.site import Browser, change_settings, graded, grading_queue_of


def _finish(session: Session, submission_id: int, passed: bool) -> None:
    submission = session.get(Submission, submission_id)
    assert submission is not None
    result = graded(passed)
    submission.status, submission.result = "done", result
    submission.score, submission.max_score = result["score"], result["max_score"]  # type: ignore[assignment]
    submission.finished_at = utcnow()
    session.commit()


def _submit(browser: Browser, code: str, key: str = "python/greet") -> int:
    browser.get(f"/exercises/{key}")
    response = browser.post(f"/exercises/{key}/submit", {"file-0": code})
    assert response.status_code == 302, response.get_data(as_text=True)
    return _latest_id(browser, key)


def _latest_id(browser: Browser, key: str) -> int:
    page = browser.get(f"/exercises/{key}").get_data(as_text=True)
    return int(page.split('Attempt <a href="/submissions/', 1)[1].split('"', 1)[0])


def test_home_lists_tracks_with_progress(as_ann: Browser) -> None:
    page = as_ann.get("/").get_data(as_text=True)
    assert "Python basics" in page and "Web pages" in page and "0 of 1 done" in page


def test_exercise_page_shows_sanitised_instructions_and_the_starter(as_ann: Browser) -> None:
    page = as_ann.get("/exercises/python/greet").get_data(as_text=True)
    assert "<h2>Greet the class</h2>" in page and page.count("<h1") == 1  # one h1: the page's own title
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert 'href="javascript' not in page
    assert 'print(&#34;Hello&#34;)' in page or "print(&quot;Hello&quot;)" in page


def test_unknown_exercise_is_404(as_ann: Browser) -> None:
    assert as_ann.get("/exercises/python/nope").status_code == 404


def test_submit_queues_audits_and_enqueues(app: Flask, as_ann: Browser, db_session: Session) -> None:
    queue = grading_queue_of(app)
    before = queue.pending()
    submission_id = _submit(as_ann, 'print("Hello, class!")\r\n')
    submission = db_session.get(Submission, submission_id)
    assert submission is not None and submission.status == "queued"
    assert submission.files == {"greet.py": 'print("Hello, class!")\n'}
    assert queue.pending() == before + 1
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "submission.created"))
    status = as_ann.get(f"/api/submissions/{submission_id}").get_json()
    assert status["status"] == "queued" and status["position"] == 1 and "number 1" in status["html"]


def test_refused_submission_stores_nothing(as_ann: Browser, db_session: Session) -> None:
    as_ann.get("/exercises/python/greet")
    response = as_ann.post("/exercises/python/greet/submit", {"file-0": "x" * (MAX_FILE_BYTES + 10)})
    assert response.status_code == 422
    assert "a file may be at most" in response.get_data(as_text=True)
    assert db_session.scalar(select(Submission)) is None


def test_cooldown_refuses_a_quick_second_submit(app: Flask, as_ann: Browser, db_session: Session) -> None:
    change_settings(app, submit_cooldown_s=60)
    _submit(as_ann, "print(1)")
    response = as_ann.post("/exercises/python/greet/submit", {"file-0": "print(2)"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "You can send again in" in page and "print(2)" in page  # the learner's code is kept
    assert len(db_session.scalars(select(Submission)).all()) == 1


def test_results_show_verdicts_hints_and_diffs_but_hide_hidden_checks(
    as_ann: Browser, as_ines: Browser, db_session: Session
) -> None:
    submission_id = _submit(as_ann, 'print("Hello")')
    _finish(db_session, submission_id, passed=False)
    data = as_ann.get(f"/api/submissions/{submission_id}").get_json()
    assert data["status"] == "done" and data["score"] == 0
    html = data["html"]
    assert "Not there yet" in html and "Use print(" in html and 'class="line expected"' in html
    assert "SECRET EXPECTATION" not in html and "SECRET EXPECTATION" not in str(data["result"])
    assert "Secret check" in html  # its title and verdict are shown
    staff = as_ines.get(f"/api/submissions/{submission_id}").get_json()
    assert "SECRET EXPECTATION" in staff["html"]


def test_progress_and_history_follow_attempts(as_ann: Browser, db_session: Session) -> None:
    first = _submit(as_ann, 'print("Hello")')
    _finish(db_session, first, passed=False)
    second = _submit(as_ann, 'print("Hello, class!")')
    _finish(db_session, second, passed=True)
    page = as_ann.get("/exercises/python/greet").get_data(as_text=True)
    assert "All checks passed!" in page and f"#{first}" in page and f"#{second}" in page
    assert "1 of 1 done" in as_ann.get("/").get_data(as_text=True)
    attempt = as_ann.get(f"/submissions/{first}").get_data(as_text=True)
    assert 'print(&#34;Hello&#34;)' in attempt and 'class="ln"' in attempt


def test_error_attempts_do_not_count_and_read_plainly(as_ann: Browser, db_session: Session) -> None:
    submission_id = _submit(as_ann, 'print("Hello, class!")')
    submission = db_session.get(Submission, submission_id)
    assert submission is not None
    submission.status, submission.counts, submission.error_message = "error", False, "engine down: socket"
    db_session.commit()
    data = as_ann.get(f"/api/submissions/{submission_id}").get_json()
    assert "does not count" in data["error"] and "socket" not in data["html"]
    assert "0 of 1 done" in as_ann.get("/").get_data(as_text=True)


def test_download_gives_the_files(as_ann: Browser) -> None:
    submission_id = _submit(as_ann, 'print("Hello")')
    response = as_ann.get(f"/submissions/{submission_id}/download")
    assert response.status_code == 200 and response.mimetype == "application/zip"


def test_draft_is_kept_and_reopened(as_ann: Browser, db_session: Session) -> None:
    as_ann.get("/exercises/web/page")
    files = {"file-0": "<h1>Welcome</h1>", "file-1": "let a = 1;"}
    response = as_ann.post("/exercises/web/page/draft", files, headers={"Accept": "application/json"})
    data = response.get_json()
    assert data["saved"] is True and "/p/" in data["preview_url"]
    assert db_session.get(Draft, (1, "web/page")) is not None
    assert "let a = 1;" in as_ann.get("/exercises/web/page").get_data(as_text=True)
    no_js = as_ann.post("/exercises/web/page/draft", {"file-0": "<h1>Again</h1>", "file-1": ""})
    assert no_js.status_code == 302 and no_js.headers["Location"].endswith("#preview")


def test_web_exercise_frames_the_preview_sandboxed(as_ann: Browser) -> None:
    page = as_ann.get("/exercises/web/page").get_data(as_text=True)
    assert '<iframe sandbox="allow-scripts allow-forms" src="http://localhost:8001/p/' in page
    assert "allow-same-origin" not in page
    assert "allow-same-origin" not in page


def test_a_queue_outage_does_not_lose_the_submission(app: Flask, as_ann: Browser,
                                                     db_session: Session) -> None:
    change_settings(app, queue_url="redis://127.0.0.1:1/0")  # nothing listens there: the queue is down
    submission_id = _submit(as_ann, 'print("Hello, class!")')
    submission = db_session.get(Submission, submission_id)
    assert submission is not None and submission.status == "queued"  # the workers' sweep finds it
