"""A learner moved here from another site: they set their own password before anything else, and
their attempts say where they were graded."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from ops.transfer import export_learner
from ops.transfer_import import ImportOptions, import_transfer
from store.models import PasswordChangeRequired, Submission, User
from store.site_key import site_key
from tests.helpers.site import Browser, login
from tests.helpers.transfer import make_site, seed_learner

NEW_PASSWORD = "my own password 42"


def moved_in(tmp_path: Path, settings: Settings, db_session: Session) -> str:
    """Move `zoe` from another site into the app's database; her one-time password."""
    other = make_site(tmp_path / "other")
    seed_learner(other, "zoe")
    key = site_key(other.instance)
    with other.session() as session:
        path, _ = export_learner(session, "zoe", key, "Northside Workshop", tmp_path)
    own = site_key(settings.instance)
    report = import_transfer(db_session, path.read_bytes(), path.name, [key.public], own.public,
                             own.fingerprint, ImportOptions())
    db_session.commit()
    assert report.created and report.password
    return report.password


def test_a_moved_learner_sets_a_new_password_first(
    app: Flask, settings: Settings, db_session: Session, tmp_path: Path
) -> None:
    password = moved_in(tmp_path, settings, db_session)
    browser = login(app.test_client(), "zoe", password)
    home = browser.client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/account/password"
    assert browser.client.get("/portfolio/").status_code == 302
    assert browser.client.get("/api/submissions/1").status_code == 403
    page = browser.get("/account/password").get_data(as_text=True)
    assert "Choose your own password before you go on" in page
    form = {"current": password, "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    changed = browser.post("/account/password", form)
    assert changed.status_code == 302
    zoe = db_session.scalar(select(User).where(User.username == "zoe"))
    assert zoe is not None and db_session.get(PasswordChangeRequired, zoe.id) is None
    assert browser.client.get("/").status_code == 200
    assert login(app.test_client(), "zoe", NEW_PASSWORD).client.get("/").status_code == 200


def test_moved_attempts_say_where_they_were_graded(
    app: Flask, settings: Settings, db_session: Session, tmp_path: Path, as_ines: Browser
) -> None:
    moved_in(tmp_path, settings, db_session)
    zoe = db_session.scalar(select(User).where(User.username == "zoe"))
    assert zoe is not None
    attempt = db_session.scalars(select(Submission).where(Submission.user_id == zoe.id)).first()
    assert attempt is not None
    page = as_ines.get(f"/submissions/{attempt.id}").get_data(as_text=True)
    assert "Graded at Northside Workshop; moved here" in page
    overview = as_ines.get(f"/teach/learners/{zoe.id}").get_data(as_text=True)
    assert overview.count("(graded at Northside Workshop)") == 2  # graded, and could not be graded
    mine = as_ines.get(f"/teach/learners/{db_session.scalar(select(User.id).where(User.username == 'ann'))}")
    assert "graded at" not in mine.get_data(as_text=True)
