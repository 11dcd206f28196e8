"""A site's data as an older grader left it: a database at the first migration (0001) holding
accounts, a cohort, attempts with results, a draft and audit entries, written with 0001's columns
only, so the same rows can be read back after any later migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import MetaData, Table, insert, select

from store.db import alembic_config, make_engine

FIRST_REVISION = "0001"
AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
RESULT = {"format": 1, "exercise": "python/01-hello-world", "status": "pass", "score": 2, "max_score": 2,
          "checks": [{"id": "io-1", "title": "Says hello", "status": "pass", "score": 2, "max_score": 2}]}
ROWS: dict[str, list[dict[str, Any]]] = {
    "users": [
        {"id": n, "username": name, "display_name": name.title(), "password_hash": f"scrypt:hash-of-{name}",
         "role": role, "active": True, "session_version": 1, "created_at": AT, "last_login_at": None}
        for n, (name, role) in enumerate([("ada", "admin"), ("ines", "instructor"), ("ann", "learner"),
                                          ("bob", "learner")], start=1)],
    "cohorts": [{"id": 1, "name": "Tuesday group", "created_at": AT}],
    "cohort_members": [{"cohort_id": 1, "user_id": 3}, {"cohort_id": 1, "user_id": 4}],
    "submissions": [
        {"id": 1, "user_id": 3, "exercise_key": "python/01-hello-world",
         "files": {"hello.py": "print('hi')\n"}, "status": "done", "result": RESULT, "score": 2.0,
         "max_score": 2.0, "created_at": AT,
         "started_at": AT, "finished_at": AT, "attempts": 0, "worker": "old:1", "error_message": None,
         "counts": True, "regrade_of": None},
        {"id": 2, "user_id": 4, "exercise_key": "python/01-hello-world", "files": {"hello.py": "oops("},
         "status": "error", "result": None, "score": None, "max_score": None, "created_at": AT,
         "started_at": None, "finished_at": None, "attempts": 3, "worker": None,
         "error_message": "The Docker engine was not reachable", "counts": False, "regrade_of": None},
    ],
    "drafts": [{"user_id": 3, "exercise_key": "html/01-first-page", "files": {"index.html": "<h1>Hi</h1>"},
                "updated_at": AT}],
    "audit_log": [{"id": 1, "at": AT, "actor_id": 1, "action": "user.created", "target": "ann",
                   "detail": {"role": "learner"}, "ip": "10.0.0.7"}],
}


def seed_first_revision(url: str) -> None:
    """Make the database at `url` (empty) a 0001 database holding ROWS."""
    command.upgrade(alembic_config(url), FIRST_REVISION)
    engine = make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.begin() as connection:
            for name, rows in ROWS.items():
                connection.execute(insert(metadata.tables[name]), rows)
    finally:
        engine.dispose()


# Columns a later migration removed on purpose (0005: a re-grade is an attempt's history, not a row).
DROPPED = {"submissions": {"regrade_of"}}


def people_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ROWS's tables, as 0001's columns that every revision keeps, in key order."""
    engine = make_engine(url)
    try:
        found = {}
        with engine.connect() as connection:
            for name, rows in ROWS.items():
                table = Table(name, MetaData(), autoload_with=connection)
                columns = [table.c[column] for column in rows[0] if column not in DROPPED.get(name, ())]
                ordered = select(*columns).order_by(*[c for c in table.primary_key.columns])
                found[name] = [tuple(row) for row in connection.execute(ordered)]
        return found
    finally:
        engine.dispose()


def add_learner(url: str, username: str) -> None:
    """Work done on the site after an upgrade: one more account and one more attempt."""
    engine = make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.begin() as connection:
            user = {**ROWS["users"][3], "id": 99, "username": username, "display_name": username.title()}
            connection.execute(insert(metadata.tables["users"]), [user])
            attempt = {**ROWS["submissions"][0], "id": 99, "user_id": 99}
            connection.execute(insert(metadata.tables["submissions"]), [attempt])
    finally:
        engine.dispose()
