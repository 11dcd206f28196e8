"""Helpers for the site's tests: a browser-like test client that posts forms with their CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from service.queue import GradingQueue
from store.models import Submission, User, utcnow
from web import context

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@dataclass
class Browser:
    """A test client with one user's session, posting forms the way the browser does."""

    client: FlaskClient
    token: str = ""

    def get(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        response = self.client.get(url, **kwargs)
        if response.mimetype == "text/html" and CSRF.search(response.get_data(as_text=True)):
            self.token = csrf_from(response.get_data(as_text=True))
        return response

    def post(self, url: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        if not self.token:
            self.get("/login")
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Browser:
    browser = Browser(client)
    browser.get("/login")
    response = browser.post("/login", {"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    browser.get("/")
    return browser


DIFF = "Line 1 is different.\n  expected: 'Hello, class!'\n  yours:    'Hello'"


def graded(passed: bool, key: str = "python/greet") -> dict[str, object]:
    """A result (format 1) like the worker stores for the fixture exercise `python/greet`."""
    status = "pass" if passed else "fail"
    visible = {"id": "io-1", "title": "Says hello", "kind": "io", "status": status,
               "score": 1.0 if passed else 0.0, "max_score": 1.0, "hint": "Use print(\"Hello, class!\").",
               "message": "" if passed else "Your program's output is not what was expected.",
               "output": "" if passed else DIFF,
               "tests": [], "hidden": False}
    hidden = {**visible, "id": "io-2", "title": "Secret check", "hidden": True,
              "output": "" if passed else "SECRET EXPECTATION Hello, class!"}
    return {"format": 1, "exercise": key, "status": status, "score": 2.0 if passed else 0.0, "max_score": 2.0,
            "duration_s": 0.5, "checks": [visible, hidden], "provenance": None, "message": ""}


def graded_submission(session: Session, username: str, passed: bool) -> Submission:
    """A graded attempt of `python/greet` by `username`, as the worker leaves it."""
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    result = graded(passed)
    submission = Submission(user_id=user.id, exercise_key="python/greet", files={"greet.py": "print('<b>')"},
                            status="done", result=result, score=result["score"], max_score=2.0,
                            finished_at=utcnow())
    session.add(submission)
    session.commit()
    return submission


def settings_of(app: Flask) -> Settings:
    """The settings `app` was made with."""
    found: Settings = app.extensions[context.SETTINGS]
    return found


def change_settings(app: Flask, **changes: object) -> None:
    """Give `app` settings with `changes` from now on (the settings object itself is frozen)."""
    app.extensions[context.SETTINGS] = settings_of(app).but(**changes)


def grading_queue_of(app: Flask) -> GradingQueue:
    """The queue `app` puts submissions' tokens in."""
    with app.app_context():
        return context.grading_queue()
