"""The learner's workbench on the site's side: runs without grading (web/runs.py), answers for the page's
own scripts (JSON, and a session that ended), pushed results (web/events.py), and what results read."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config import Settings
from store.changes import publish
from store.models import Run, Submission, User, utcnow
from tests.helpers.data import CATALOGS
from tests.helpers.events import stream_events as events
from tests.helpers.site import Browser, change_settings, graded, login, settings_of
from web.render import checks_passed, line_links, line_references, markdown, score, seconds

JSON = {"Accept": "application/json"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The workbench's catalogue: a program, a Flask app and a page."""
    return Settings.for_tests(tmp_path, exercises=CATALOGS / "site")


def sent(browser: Browser, code: str = "print(1)") -> int:
    """Send `code` for python/greet the way the page's script does; the new submission's id."""
    browser.get("/exercises/python/greet")
    answer = post_json(browser, "/exercises/python/greet/submit", {"file-0": code})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return int(answer.get_json()["submission"])


def post_json(browser: Browser, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return browser.post(url, data, headers=JSON)


# ---------------------------------------------------------------- runs without grading

def test_a_run_is_queued_for_the_workers_and_shown_to_its_learner(as_ann: Browser,
                                                                 db_session: Session) -> None:
    as_ann.get("/exercises/python/greet")
    answer = post_json(as_ann, "/exercises/python/greet/run",
                       {"file-0": "print(input())", "stdin": "Ann\r\n"})
    assert answer.status_code == 200
    run = db_session.get(Run, answer.get_json()["run"])
    assert run is not None and run.status == "queued" and run.kind == "program"
    assert run.files == {"greet.py": "print(input())"} and run.request == {"stdin": "Ann\n"}
    assert "Starting your program" in answer.get_json()["state"]["html"]
    assert as_ann.get(f"/runs/{run.id}").get_json()["status"] == "queued"


def test_a_finished_run_shows_its_output_and_points_at_the_line(as_ann: Browser, db_session: Session) -> None:
    as_ann.get("/exercises/python/greet")
    run_id = post_json(as_ann, "/exercises/python/greet/run", {"file-0": "x"}).get_json()["run"]
    db_session.execute(update(Run).values(status="done", output={
        "status": "error", "exit_code": 1, "stdout": "<b>hi</b>\n", "duration_s": 0.2,
        "stderr": 'Traceback (most recent call last):\n  File "greet.py", line 1, in <module>\nNameError: x',
        "explanation": "Your code stopped with NameError in greet.py on line 1: name 'x' is not defined.",
        "file": "greet.py", "line": 1, "response": None}))
    db_session.commit()
    state = as_ann.get(f"/runs/{run_id}").get_json()
    assert state["marks"] == [{"file": "greet.py", "line": 1, "message": state["marks"][0]["message"]}]
    assert "&lt;b&gt;hi&lt;/b&gt;" in state["html"]  # the program's output is text, never markup
    assert 'class="line-link" href="#line-greet.py-1"' in state["html"]
    page = as_ann.get(f"/exercises/python/greet?run={run_id}").get_data(as_text=True)
    assert "It stopped with an error." in page and "NameError" in page  # without scripts, after the redirect


def test_runs_are_private(as_ann: Browser, as_bob: Browser) -> None:
    as_ann.get("/exercises/python/greet")
    run_id = post_json(as_ann, "/exercises/python/greet/run", {"file-0": "print(1)"}).get_json()["run"]
    assert as_bob.get(f"/runs/{run_id}").status_code == 404
    assert "print(1)" not in as_bob.get(f"/exercises/python/greet?run={run_id}").get_data(as_text=True)
    assert ("gone", {"topic": f"run:{run_id}"}) in events(as_bob, f"run:{run_id}")


def test_one_run_at_a_time_and_a_short_pause(app: Flask, as_ann: Browser, db_session: Session) -> None:
    as_ann.get("/exercises/python/greet")
    first = post_json(as_ann, "/exercises/python/greet/run", {"file-0": "print(1)"})
    again = post_json(as_ann, "/exercises/python/greet/run", {"file-0": "print(2)"})
    assert again.status_code == 429 and "has not finished yet" in again.get_json()["problems"][0]
    db_session.execute(update(Run).values(status="done", output={"status": "ok"}))
    db_session.commit()
    change_settings(app, run_cooldown_s=30)
    paused = post_json(as_ann, "/exercises/python/greet/run", {"file-0": "print(2)"})
    assert paused.status_code == 429
    assert "You can run it again in 30 seconds." in paused.get_json()["problems"][0]
    assert len(db_session.scalars(select(Run)).all()) == 1 and first.status_code == 200


def test_a_request_run_takes_a_method_a_path_and_form_fields(as_ann: Browser, db_session: Session) -> None:
    as_ann.get("/exercises/flask/hello")
    answer = post_json(as_ann, "/exercises/flask/hello/run", {
        "file-0": "app", "method": "POST", "path": "/greet",
        "form_fields": "name=Ann\n\ncolour = red=blue\n"})
    run = db_session.get(Run, answer.get_json()["run"])
    assert run is not None and run.kind == "request"
    assert run.request["form"] == {"name": "Ann", "colour": " red=blue"} and run.request["path"] == "/greet"
    bad = post_json(as_ann, "/exercises/flask/hello/run",
                    {"file-0": "app", "method": "GET", "path": "no slash"})
    assert bad.status_code == 422 and "starts with /" in bad.get_json()["problems"][0]


def test_a_page_has_no_run_button_but_a_console(as_ann: Browser) -> None:
    page = as_ann.get("/exercises/web/page").get_data(as_text=True)
    assert 'id="run-button"' not in page and 'id="page-console"' in page
    assert as_ann.post("/exercises/web/page/run", {"file-0": "<p>"}).status_code == 404


# ---------------------------------------------------------------- the page's scripts and an ended session

def test_an_ended_session_answers_the_pages_scripts_in_json(app: Flask, as_ann: Browser) -> None:
    as_ann.get("/exercises/python/greet")
    with as_ann.client.session_transaction() as session:
        session["seen"] = int(time.time()) - settings_of(app).idle_timeout_s - 1
    for action in ("draft", "submit", "run"):
        url = f"/exercises/python/greet/{action}"
        answer = post_json(as_ann, url, {"file-0": "print('typed')"})  # the page's token is now out of date
        assert answer.status_code == 401 and answer.get_json()["error"] == "logged-out", url
        assert "nothing you typed is lost" in answer.get_json()["message"]
    assert as_ann.client.get("/events?watch=submission:1").status_code == 401


def test_logging_in_again_in_place_gives_a_token_that_saves(as_ann: Browser, db_session: Session) -> None:
    user = db_session.scalar(select(User).where(User.username == "ann"))
    assert user is not None
    user.session_version += 1  # a password reset by the instructor
    db_session.commit()
    refused = post_json(as_ann, "/exercises/python/greet/draft", {"file-0": "print('typed')"})
    assert refused.status_code == 401
    token = as_ann.client.get("/login/token", headers=JSON).get_json()["csrf_token"]
    wrong = as_ann.client.post("/login", data={"csrf_token": token, "username": "ann", "password": "nope"},
                               headers=JSON)
    assert wrong.status_code == 400 and "do not match" in wrong.get_json()["error"]
    logged = as_ann.client.post("/login", data={"csrf_token": token, "username": "ann",
                                                "password": "correct horse battery"}, headers=JSON)
    assert logged.status_code == 200 and logged.get_json()["username"] == "ann"
    as_ann.token = logged.get_json()["csrf_token"]
    saved = post_json(as_ann, "/exercises/python/greet/draft", {"file-0": "print('typed')"})
    assert saved.status_code == 200 and saved.get_json()["saved_at"] > 0
    assert "print(&#39;typed&#39;)" in as_ann.get("/exercises/python/greet").get_data(as_text=True)


def test_send_answers_in_json_with_the_pending_result(as_ann: Browser, db_session: Session) -> None:
    as_ann.get("/exercises/python/greet")
    answer = post_json(as_ann, "/exercises/python/greet/submit", {"file-0": "print(1)"})
    data = answer.get_json()
    assert answer.status_code == 200 and data["state"]["status"] == "queued"
    assert db_session.get(Submission, data["submission"]) is not None
    assert "Waiting to be graded" in data["state"]["html"]


def test_a_wait_reads_as_a_person_says_it(app: Flask, as_ann: Browser) -> None:
    """The wait is said in whole seconds (the rounding itself: test_seconds_are_whole below); a long
    cooldown keeps this test off the clock."""
    change_settings(app, submit_cooldown_s=600)
    as_ann.get("/exercises/python/greet")
    as_ann.post("/exercises/python/greet/submit", {"file-0": "print(1)"})
    again = post_json(as_ann, "/exercises/python/greet/submit", {"file-0": "print(2)"})
    assert again.status_code == 429
    [problem] = again.get_json()["problems"]
    wait = r"You sent an attempt a moment ago\. You can send again in (600|599) seconds\."
    assert re.fullmatch(wait, problem)


# ---------------------------------------------------------------- pushed results

def test_a_graded_submission_is_pushed_to_the_waiting_page(app: Flask, as_ann: Browser,
                                                           db_session: Session) -> None:
    submission_id = sent(as_ann)

    def grade_soon() -> None:
        time.sleep(0.5)
        result = graded(passed=True)
        db_session.execute(update(Submission).where(Submission.id == submission_id).values(
            status="done", result=result, score=2.0, max_score=2.0, finished_at=utcnow()))
        publish(db_session, f"submission:{submission_id}")
        db_session.commit()

    worker = threading.Thread(target=grade_soon)
    started = time.monotonic()
    worker.start()
    found = events(as_ann, f"submission:{submission_id}")
    worker.join()
    assert time.monotonic() - started < 10  # pushed when it changed, not at the stream's end
    kinds = [kind for kind, _ in found]
    assert kinds == ["submission", "submission", "end"]
    first, last = found[0][1]["state"], found[1][1]["state"]  # type: ignore[index]
    assert first["status"] == "queued" and last["status"] == "done"
    assert "All checks passed!" in last["html"] and "2 of 2 checks passed" in last["html"]


def test_a_finished_topic_ends_the_stream_at_once(as_ann: Browser, db_session: Session) -> None:
    submission_id = sent(as_ann)
    db_session.execute(update(Submission).values(status="error", finished_at=utcnow()))
    db_session.commit()
    assert [kind for kind, _ in events(as_ann, f"submission:{submission_id}")] == ["submission", "end"]


def test_another_learners_submission_is_gone(as_ann: Browser, as_bob: Browser) -> None:
    submission_id = sent(as_ann)
    gone = ("gone", {"topic": f"submission:{submission_id}"})
    assert events(as_bob, f"submission:{submission_id}") == [gone, ("end", {})]


def test_unknown_topics_are_refused(as_ann: Browser) -> None:
    assert as_ann.client.get("/events?watch=secrets:1").status_code == 400
    assert as_ann.client.get("/events").status_code == 400
    many = "&".join(f"watch=run:{n}" for n in range(20))
    assert as_ann.client.get(f"/events?{many}").status_code == 400


def test_a_busy_process_answers_at_once_and_asks_to_come_back(app: Flask, as_ann: Browser,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream that held on would now hold for an hour (the test's timeout would end it): one that
    answers at all answered at once."""
    monkeypatch.setattr("web.events.STREAM_S", 3600.0)
    submission_id = sent(as_ann)
    slots = app.extensions["grader.events"].streams
    while slots.acquire(blocking=False):  # every stream slot of this process is taken
        pass
    response = as_ann.client.get(f"/events?watch=submission:{submission_id}", buffered=True)
    text = response.get_data(as_text=True)
    assert "event: submission" in text and "retry: 1500" in text


# ---------------------------------------------------------------- what results read

def test_scores_and_waits_read_as_people_write_them() -> None:
    assert score(2.8333, 4) == "2.8 / 4" and score(3.0, 4.0) == "3 / 4" and score(None, 4) == "–"
    assert seconds(0.2) == "1 second" and seconds(1.0) == "1 second" and seconds(2.01) == "3 seconds"
    result = {"checks": [{"status": "pass"}, {"status": "fail"}, {"status": "pass"}, {"status": "pass"}]}
    assert checks_passed(result) == "3 of 4 checks passed" and checks_passed({"checks": []}) == ""


def test_places_in_feedback_become_links_to_the_line() -> None:
    files = ["app.py", "templates/form.html"]
    text = ('Your code stopped with NameError in app.py on line 7: x. File "app.py", line 9 '
            "and templates/form.html:3")
    assert [(f, n) for _, _, f, n in line_references(text, files)] == [
        ("app.py", 7), ("app.py", 9), ("templates/form.html", 3)]
    assert line_references("in other.py on line 3", files) == []  # never a file that is not the learner's
    single = str(line_links("The <p> on line 4 is empty", ["index.html"]))
    assert single.startswith("The &lt;p&gt; <a class=\"line-link\" href=\"#line-index.html-4\"")


def test_instructions_repeat_no_h1() -> None:
    html = str(markdown("# Greet\n\nSay hi.\n\n## Your task\n\nDo it.", "Greet"))
    assert "<h1>" not in html and "Greet" not in html and "<h3>Your task</h3>" in html


def test_a_passed_result_links_to_the_next_exercise(as_ann: Browser, db_session: Session) -> None:
    as_ann.get("/exercises/python/greet")
    post_json(as_ann, "/exercises/python/greet/submit", {"file-0": "print(1)"})
    result = graded(passed=True)
    db_session.execute(update(Submission).values(status="done", result=result, score=2.0, max_score=2.0,
                                                 finished_at=utcnow()))
    db_session.commit()
    page = as_ann.get("/exercises/python/greet").get_data(as_text=True)
    assert 'href="/exercises/flask/hello">Next exercise: Hello app' in page


def test_the_learners_page_has_unique_ids(as_ines: Browser) -> None:
    page = as_ines.get("/teach/learners").get_data(as_text=True)
    ids = [chunk.split('"', 1)[0] for chunk in page.split(' id="')[1:]]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="import-cohort"' in page and 'id="import-cohort"' in page


def test_logging_in_again_in_place_is_throttled_like_the_form(app: Flask) -> None:
    browser = login(app.test_client(), "bob")
    token = browser.client.get("/login/token", headers=JSON).get_json()["csrf_token"]
    codes = [browser.client.post("/login", data={"csrf_token": token, "username": "ann", "password": "x"},
                                 headers=JSON).status_code for _ in range(7)]
    assert codes[-1] == 429
