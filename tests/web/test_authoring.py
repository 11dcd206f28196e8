"""Drafts, publishing, versions on results, re-grading the latest attempts on a new version, and trying
an exercise as a learner (web/authoring.py), through the site's pages on a real SQLite database and a
copy of the fixture catalogue that the tests change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ExerciseRow, ExerciseVersion, Regrade, Submission, User, utcnow
from tests.helpers.data import CATALOGS
from tests.helpers.site import Browser, change_settings

HIDDEN_TEXT = "SECRET EXPECTATION"


@pytest.fixture
def folder(app: Flask, tmp_path: Path) -> Path:
    """A copy of the fixture catalogue the site reads from now on (the tests change it)."""
    copy = tmp_path / "exercises"
    shutil.copytree(CATALOGS / "site", copy)
    change_settings(app, exercises=copy)
    return copy


def retitle(folder: Path, key: str, title: str) -> None:
    path = folder / key / "exercise.yaml"
    text = path.read_text()
    line = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(line, f"title: {title}"))


def read_again(browser: Browser) -> None:
    browser.get("/teach/catalogue")
    assert browser.post("/teach/catalogue/sync").status_code == 302


def row(session: Session, key: str) -> ExerciseRow:
    session.expire_all()
    found = session.scalar(select(ExerciseRow).where(ExerciseRow.key == key))
    assert found is not None
    return found


def test_a_change_is_a_draft_only_instructors_see_until_published(
    folder: Path, as_ines: Browser, as_ann: Browser, db_session: Session
) -> None:
    read_again(as_ines)  # the site keeps the published files before the folder changes
    retitle(folder, "python/greet", "Greet, the new way")
    shutil.copytree(folder / "python" / "greet", folder / "python" / "greet-more")
    (folder / "python" / "track.yaml").write_text("title: Python basics\norder: [greet, greet-more]\n")
    read_again(as_ines)
    catalogue = as_ines.get("/teach/catalogue").get_data(as_text=True)
    assert "Changed" in catalogue and "New draft" in catalogue and "Publish all 2 drafts" in catalogue

    page = as_ann.get("/exercises/python/greet").get_data(as_text=True)
    assert "<h1>Greet</h1>" in page and "the new way" not in page
    assert as_ann.get("/exercises/python/greet-more").status_code == 404
    assert "greet-more" not in as_ann.get("/").get_data(as_text=True)
    assert as_ann.post("/teach/exercises/python/greet/publish").status_code == 404  # learners: no such page

    done = as_ines.post("/teach/exercises/python/greet/publish", {"note": "A clearer title."})
    assert done.status_code == 302 and done.location.endswith("/teach/exercises/python/greet/versions")
    assert "<h1>Greet, the new way</h1>" in as_ann.get("/exercises/python/greet").get_data(as_text=True)
    assert as_ann.get("/exercises/python/greet-more").status_code == 404  # still a draft
    version = db_session.scalar(select(ExerciseVersion).where(ExerciseVersion.key == "python/greet",
                                                              ExerciseVersion.number == 2))
    assert version is not None and version.note == "A clearer title."
    assert version.published_by is not None and version.published_by.username == "ines"

    as_ines.get("/teach/catalogue")
    as_ines.post("/teach/catalogue/publish")
    assert as_ann.get("/exercises/python/greet-more").status_code == 200


def test_learners_keep_the_published_version_while_the_draft_is_broken(
    folder: Path, as_ines: Browser, as_ann: Browser
) -> None:
    read_again(as_ines)  # keeps the published files before the folder changes
    (folder / "python" / "greet" / "exercise.yaml").write_text("format: 1\ntitle: Broken\n")
    read_again(as_ines)
    assert "Has problems" in as_ines.get("/teach/catalogue").get_data(as_text=True)
    page = as_ann.get("/exercises/python/greet").get_data(as_text=True)
    assert "<h1>Greet</h1>" in page
    sent = as_ann.post("/exercises/python/greet/submit", {"file-0": "print('Hello, class!')"})
    assert sent.status_code == 302


def test_an_attempt_is_pinned_to_the_version_the_learner_saw(
    folder: Path, as_ines: Browser, as_ann: Browser, db_session: Session
) -> None:
    read_again(as_ines)
    published = row(db_session, "python/greet").published_sha256
    retitle(folder, "python/greet", "Changed")
    read_again(as_ines)
    as_ann.get("/exercises/python/greet")
    as_ann.post("/exercises/python/greet/submit", {"file-0": "print('Hello, class!')"})
    attempt = db_session.scalars(select(Submission).order_by(Submission.id.desc())).first()
    assert attempt is not None
    assert attempt.exercise_sha256 == published != row(db_session, "python/greet").sha256


def graded(session: Session, username: str, sha: str, passed: bool = False) -> Submission:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    result = {"format": 1, "exercise": "python/greet", "status": "pass" if passed else "fail",
              "score": 2.0 if passed else 0.0, "max_score": 2.0, "duration_s": 0.1, "message": "",
              "provenance": {"exercise_sha256": sha, "image": "", "grader_version": "test"},
              "checks": [
                  {"id": "io-1", "title": "Says hello", "kind": "io", "status": "fail", "score": 0.0,
                   "max_score": 1.0, "message": "Your program's output is not what was expected.",
                   "hint": "Use print(\"Hello, class!\").", "output": "the difference", "tests": [],
                   "hidden": False},
                  {"id": "io-2", "title": "Secret check", "kind": "io", "status": "fail", "score": 0.0,
                   "max_score": 1.0, "message": HIDDEN_TEXT, "hint": "Think of everyone.",
                   "output": HIDDEN_TEXT, "tests": [], "hidden": True},
              ]}
    attempt = Submission(user_id=user.id, exercise_key="python/greet", files={"greet.py": "print('hi')"},
                         status="done", result=result, score=result["score"], max_score=2.0,
                         finished_at=utcnow(), exercise_sha256=sha)
    session.add(attempt)
    session.commit()
    return attempt


def test_results_show_their_version_and_a_change_offers_to_grade_the_latest_again(
    folder: Path, as_ines: Browser, as_ann: Browser, db_session: Session
) -> None:
    read_again(as_ines)
    first = row(db_session, "python/greet").published_sha256
    older = graded(db_session, "ann", first)
    latest = graded(db_session, "ann", first)
    graded(db_session, "bob", first)
    shown = as_ann.get(f"/submissions/{latest.id}").get_data(as_text=True)
    assert "Graded on version 1 of the exercise." in shown

    retitle(folder, "python/greet", "Greet v2")
    read_again(as_ines)
    as_ines.get("/teach/exercises/python/greet/versions")
    as_ines.post("/teach/exercises/python/greet/publish", {"note": "Fixed the hidden check."})
    page = as_ines.get("/teach/exercises/python/greet/versions").get_data(as_text=True)
    assert "2 learners' latest attempts were graded on an earlier version" in page
    assert "Fixed the hidden check." in page
    shown = as_ann.get(f"/submissions/{latest.id}").get_data(as_text=True)
    assert "Graded on version 1 of the exercise (the exercise is now at version 2)." in shown

    refused = as_ines.post("/teach/exercises/python/greet/regrade-latest", {"reason": ""})
    assert refused.status_code == 302 and db_session.get(Submission, latest.id).status == "done"  # type: ignore[union-attr]
    as_ines.post("/teach/exercises/python/greet/regrade-latest", {"reason": "The exercise changed."})
    db_session.expire_all()
    second = row(db_session, "python/greet").published_sha256
    again = db_session.get(Submission, latest.id)
    assert again is not None and again.status == "queued" and again.exercise_sha256 == second
    assert again.score == 0.0 and again.result is not None  # keeps its result until the new one lands
    assert db_session.get(Submission, older.id).exercise_sha256 == first  # type: ignore[union-attr]
    history = db_session.scalars(select(Regrade).where(Regrade.submission_id == latest.id)).one()
    assert history.reason == "The exercise changed." and history.previous_exercise_sha256 == first
    assert "learners' latest attempts" not in as_ines.get("/teach/exercises/python/greet/versions").get_data(
        as_text=True)


def test_an_instructor_tries_a_draft_as_a_learner(
    folder: Path, as_ines: Browser, as_ann: Browser, db_session: Session
) -> None:
    read_again(as_ines)
    (folder / "python" / "greet" / "wrong" / "shouts").mkdir(parents=True)
    (folder / "python" / "greet" / "wrong" / "shouts" / "greet.py").write_text("print('HELLO')\n")
    retitle(folder, "python/greet", "Greet, drafted")
    read_again(as_ines)
    page = as_ines.get("/teach/exercises/python/greet/preview").get_data(as_text=True)
    assert "Greet, drafted" in page and "as a learner would see it" in page
    assert "Send wrong/shouts" in page and "Send the solution" in page
    assert as_ann.get("/teach/exercises/python/greet/preview").status_code == 404

    sent = as_ines.post("/teach/exercises/python/greet/preview", {"sample": "wrong/shouts"})
    assert sent.status_code == 302
    attempt = db_session.scalars(select(Submission).order_by(Submission.id.desc())).first()
    assert attempt is not None and attempt.preview and attempt.files == {"greet.py": "print('HELLO')\n"}
    assert attempt.exercise_sha256 == row(db_session, "python/greet").sha256  # the draft, not v1
    assert attempt.exercise_sha256 != row(db_session, "python/greet").published_sha256

    # The worker grades it; its result shows as a learner would see it: hidden details redacted, hints.
    result = graded(db_session, "ines", attempt.exercise_sha256).result
    attempt.result, attempt.status, attempt.score, attempt.max_score = result, "done", 0.0, 2.0
    db_session.commit()
    shown = as_ines.get(f"/teach/exercises/python/greet/preview?attempt={attempt.id}").get_data(as_text=True)
    assert "Secret check" in shown and HIDDEN_TEXT not in shown and "only its verdict is shown" in shown
    assert "Think of everyone." in shown and "Use print" in shown
    assert "(hidden from learners)" not in shown
    assert "Graded on a draft of the exercise" in shown

    # It is never one of the instructor's attempts at the exercise, nor a learner's to re-grade.
    history = as_ines.get("/exercises/python/greet").get_data(as_text=True)
    assert f"#{attempt.id}" not in history
    as_ines.post("/teach/exercises/python/greet/publish")
    versions = as_ines.get("/teach/exercises/python/greet/versions").get_data(as_text=True)
    assert "latest attempts" not in versions


def test_a_preview_sends_the_editors_files_checked_like_a_learners(
    folder: Path, as_ines: Browser, db_session: Session
) -> None:
    read_again(as_ines)
    as_ines.get("/teach/exercises/python/greet/preview?version=published")
    sent = as_ines.post("/teach/exercises/python/greet/preview",
                        {"version": "published", "file-0": "x" * 300_000})
    assert sent.status_code == 302
    assert "Not sent" in as_ines.get(sent.location).get_data(as_text=True)
    assert as_ines.post("/teach/exercises/python/greet/preview", {"sample": "../../etc"}).status_code == 400
    as_ines.post("/teach/exercises/python/greet/preview", {"version": "published", "file-0": "print(1)\r\n"})
    attempt = db_session.scalars(select(Submission).order_by(Submission.id.desc())).first()
    assert attempt is not None and attempt.preview and attempt.files == {"greet.py": "print(1)\n"}
    assert attempt.exercise_sha256 == row(db_session, "python/greet").published_sha256
