"""The site's database sessions: one scoped session per request thread, removed when it ends."""

from __future__ import annotations

from functools import cache

from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from store.db import make_engine, session_factory


@cache
def _shared_engine(url: str) -> Engine:
    return make_engine(url)


def init_app(app: Flask, database_url: str) -> None:
    """Give `app` a scoped session (one per request thread), removed when the request ends."""
    engine = _shared_engine(database_url)
    sessions = scoped_session(session_factory(engine))
    app.extensions["grader_db"] = sessions

    @app.teardown_appcontext
    def _remove_session(_error: BaseException | None) -> None:
        sessions.remove()


def engine(app: Flask) -> Engine:
    """The engine of `app`'s database (for threads of its own, like web/events.py's watcher)."""
    sessions: scoped_session[Session] = app.extensions["grader_db"]
    bind = sessions.session_factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def db() -> Session:
    """The current request's database session."""
    sessions: scoped_session[Session] = current_app.extensions["grader_db"]
    return sessions()


def session_maker() -> sessionmaker[Session]:
    """Sessions of the app's engine that outlive the request's own: for a response that streams."""
    sessions: scoped_session[Session] = current_app.extensions["grader_db"]
    return sessions.session_factory
