"""The schema: migrations create exactly the models' tables, run twice safely, and SQLite is tuned."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from store.db import make_engine, upgrade_database
from store.models import Base


def test_migrations_match_the_models_and_run_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'grader.db'}"
    upgrade_database(url)
    upgrade_database(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        tables = set(inspect(connection).get_table_names())
        assert tables >= {"users", "submissions", "audit_log", "exercises"}
    engine.dispose()


def test_sqlite_runs_in_wal_with_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
