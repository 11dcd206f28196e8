"""Fixtures for the site's tests: an app on a real, migrated SQLite file with the fixture catalogue,
users of every role, and browser-like clients logged in through the real form (CSRF included).

The migrated database with its users is made once per session and copied for each test: hashing
passwords is deliberately slow.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from config import Settings
from store.catalog_sync import sync_catalog
from store.db import make_engine, session_factory, upgrade_database
from tests.helpers.data import CATALOGS
from tests.helpers.site import PASSWORD, Browser, login
from web import create_app
from web.accounts import create_user

FIXTURES = CATALOGS / "site"
USERS = (("ann", "learner"), ("bob", "learner"), ("ines", "instructor"), ("ada", "admin"))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "grader.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        sync_catalog(session, FIXTURES)
        for username, role in USERS:
            create_user(session, username, username.title(), role, PASSWORD)
        session.commit()
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.for_tests(tmp_path, exercises=FIXTURES)


@pytest.fixture
def app(settings: Settings, template_db: Path) -> Flask:
    target = Path(settings.database_url.removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template_db, target)
    return create_app(settings)


@pytest.fixture
def db_session(app: Flask, settings: Settings) -> Iterator[Session]:
    with session_factory(make_engine(settings.database_url))() as session:
        yield session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def as_ann(app: Flask) -> Browser:
    return login(app.test_client(), "ann")


@pytest.fixture
def as_bob(app: Flask) -> Browser:
    return login(app.test_client(), "bob")


@pytest.fixture
def as_ines(app: Flask) -> Browser:
    return login(app.test_client(), "ines")


@pytest.fixture
def as_ada(app: Flask) -> Browser:
    return login(app.test_client(), "ada")
