"""Writing exercises in the site (web/content_editor.py, grader/content_history.py): a new exercise,
saving a file with validation as file:line:col, the history in a real git repository of the folder,
restoring an earlier version, and every path kept inside its exercise."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.content_history import ContentHistory
from store.models import ExerciseRow
from tests.helpers.data import CATALOGS
from tests.helpers.site import Browser, change_settings

BASE = re.compile(r'name="base" value="([0-9a-f]{64})"')


@pytest.fixture
def folder(app: Flask, tmp_path: Path) -> Path:
    copy = tmp_path / "exercises"
    shutil.copytree(CATALOGS / "site", copy)
    change_settings(app, exercises=copy)
    return copy


def git_log(folder: Path) -> list[str]:
    done = subprocess.run(["git", "-c", f"safe.directory={folder}", "log", "--format=%an|%s"], cwd=folder,
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def open_file(browser: Browser, key: str, path: str) -> tuple[str, str]:
    page = browser.get(f"/teach/exercises/{key}/edit?file={path}").get_data(as_text=True)
    found = BASE.search(page)
    assert found, page
    return page, found.group(1)


def save(browser: Browser, key: str, path: str, text: str, base: str, message: str = "") -> object:
    return browser.post(f"/teach/exercises/{key}/edit", {"file": path, "text": text, "base": base,
                                                        "message": message})


def test_a_save_is_validated_kept_in_the_history_and_marked_on_its_line(
    folder: Path, as_ines: Browser, db_session: Session
) -> None:
    page, base = open_file(as_ines, "python/greet", "exercise.yaml")
    assert "title: Greet" in page and "No mistake" in page
    text = (folder / "python" / "greet" / "exercise.yaml").read_text()
    broken = text.replace("    stdout: \"Hello, class!\\n\"\n    match: trim\n    hint",
                          "    stdot: \"Hello, class!\\n\"\n    match: trim\n    hint", 1)
    assert broken != text
    done = save(as_ines, "python/greet", "exercise.yaml", broken, base, "A typo on purpose")
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert (folder / "python" / "greet" / "exercise.yaml").read_text() == broken
    page, base = open_file(as_ines, "python/greet", "exercise.yaml")
    line = broken.splitlines().index('    stdot: "Hello, class!\\n"') + 1
    assert f"exercise.yaml:{line}:5</code></a>: checks.0: unknown key &#39;stdot&#39;" in page
    assert f'"line": {line}' in page  # marked on its line in the editor
    assert "1 mistake" in page
    assert git_log(folder)[0] == "Ines|python/greet: A typo on purpose"
    db_session.expire_all()
    row = db_session.scalar(select(ExerciseRow).where(ExerciseRow.key == "python/greet"))
    assert row is not None and not row.valid and "stdot" in row.problems

    save(as_ines, "python/greet", "exercise.yaml", text, base)
    page, _ = open_file(as_ines, "python/greet", "exercise.yaml")
    assert "No mistake" in page and "stdot" not in page


def test_a_save_over_a_change_made_meanwhile_is_refused_and_keeps_the_text(
    folder: Path, as_ines: Browser
) -> None:
    _, base = open_file(as_ines, "python/greet", "instructions.md")
    (folder / "python" / "greet" / "instructions.md").write_text("Changed in the folder meanwhile.\n")
    refused = save(as_ines, "python/greet", "instructions.md", "My careful words.\n", base)
    assert refused.status_code == 409  # type: ignore[attr-defined]
    body = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "changed since you opened it" in body and "My careful words." in body
    instructions = (folder / "python" / "greet" / "instructions.md").read_text()
    assert instructions == "Changed in the folder meanwhile.\n"


def test_an_earlier_version_is_restored_as_one_more_change(folder: Path, as_ines: Browser,
                                                          db_session: Session) -> None:
    _, base = open_file(as_ines, "python/greet", "instructions.md")
    save(as_ines, "python/greet", "instructions.md", "Second wording.\n", base, "Reworded")
    _, base = open_file(as_ines, "python/greet", "instructions.md")
    save(as_ines, "python/greet", "instructions.md", "Third wording.\n", base, "Reworded again")
    as_ines.get("/teach/exercises/python/greet/edit")
    as_ines.post("/teach/exercises/python/greet/files", {"path": "tests/notes.txt"})
    assert (folder / "python" / "greet" / "tests" / "notes.txt").exists()

    history = ContentHistory(folder)
    changes = history.log("python/greet")
    assert [c.message for c in changes][:3] == [
        "python/greet: add tests/notes.txt", "python/greet: Reworded again", "python/greet: Reworded"]
    page = as_ines.get("/teach/exercises/python/greet/history").get_data(as_text=True)
    assert "Reworded again" in page and "Ines" in page
    wanted = changes[2]  # "Reworded"
    shown = as_ines.get(f"/teach/exercises/python/greet/history/{wanted.sha}?file=instructions.md")
    assert "Second wording." in shown.get_data(as_text=True)
    assert as_ines.post(f"/teach/exercises/python/greet/history/{wanted.sha}/restore").status_code == 302
    assert (folder / "python" / "greet" / "instructions.md").read_text() == "Second wording.\n"
    assert not (folder / "python" / "greet" / "tests" / "notes.txt").exists()  # added after: gone again
    latest = history.log("python/greet")
    assert latest[0].message.startswith("python/greet: restored as it was on")
    assert len(latest) == len(changes) + 1
    assert git_log(folder)[0].startswith("Ines|")
    assert as_ines.post(f"/teach/exercises/python/greet/history/{'0' * 40}/restore").status_code == 404


def test_a_new_exercise_is_made_sound_and_as_a_draft(folder: Path, as_ines: Browser, as_ann: Browser,
                                                      db_session: Session) -> None:
    page = as_ines.get("/teach/exercises/new").get_data(as_text=True)
    assert "A Flask app, asked over HTTP" in page
    made = as_ines.post("/teach/exercises/new", {"track": "python", "slug": "02-double", "title": "Double it",
                                                 "kind": "pytest"})
    assert made.status_code == 302 and made.location.endswith("/teach/exercises/python/02-double/edit")
    assert (folder / "python" / "02-double" / "solution" / "double.py").exists()
    assert "02-double" in (folder / "python" / "track.yaml").read_text()
    assert git_log(folder)[0] == "Ines|New exercise python/02-double (pytest)"
    db_session.expire_all()
    row = db_session.scalar(select(ExerciseRow).where(ExerciseRow.key == "python/02-double"))
    assert row is not None and row.valid and row.draft and not row.published
    assert as_ann.get("/exercises/python/02-double").status_code == 404
    again = as_ines.post("/teach/exercises/new", {"track": "python", "slug": "02-double", "title": "Again",
                                                  "kind": "io"})
    assert again.status_code == 422 and "exists already" in again.get_data(as_text=True)
    bad = as_ines.post("/teach/exercises/new", {"track": "../x", "slug": "y", "title": "T", "kind": "io"})
    assert bad.status_code == 422 and not (folder.parent / "x").exists()


@pytest.mark.parametrize("path", ["../../catalog.yaml", "/etc/passwd", "..",
                                  "solution/../../flask/hello/app.py", ".git/config", "a\\b",
                                  "tests/__pycache__/x.pyc"])
def test_every_path_stays_inside_its_exercise(folder: Path, as_ines: Browser, path: str) -> None:
    before = (folder / "catalog.yaml").read_text()
    assert as_ines.get(f"/teach/exercises/python/greet/edit?file={path}").status_code == 404
    as_ines.get("/teach/exercises/python/greet/edit")
    edit = {"file": path, "text": "x", "base": ""}
    assert as_ines.post("/teach/exercises/python/greet/edit", edit).status_code == 404
    assert as_ines.post("/teach/exercises/python/greet/files", {"path": path}).status_code in (404, 422)
    deleted = as_ines.post("/teach/exercises/python/greet/files/delete", {"path": path})
    assert deleted.status_code in (400, 404)
    assert (folder / "catalog.yaml").read_text() == before
    assert as_ines.get("/teach/exercises/..%2F..%2Fetc/x/edit").status_code == 404


def test_learners_reach_none_of_it(folder: Path, as_ann: Browser) -> None:
    for url in ("/teach/exercises/new", "/teach/exercises/python/greet/edit",
                "/teach/exercises/python/greet/history"):
        assert as_ann.get(url).status_code == 404
    as_ann.get("/")
    edit = {"file": "exercise.yaml", "text": "x"}
    assert as_ann.post("/teach/exercises/python/greet/edit", edit).status_code == 404
    assert "x" != (folder / "python" / "greet" / "exercise.yaml").read_text()[:1]


def test_the_exercise_yaml_cannot_be_removed(folder: Path, as_ines: Browser) -> None:
    as_ines.get("/teach/exercises/python/greet/edit")
    deleted = as_ines.post("/teach/exercises/python/greet/files/delete", {"path": "exercise.yaml"})
    assert deleted.status_code == 400
    assert (folder / "python" / "greet" / "exercise.yaml").exists()
    done = as_ines.post("/teach/exercises/python/greet/files/delete", {"path": "instructions.md"})
    assert done.status_code == 302 and not (folder / "python" / "greet" / "instructions.md").exists()
