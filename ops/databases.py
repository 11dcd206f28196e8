"""The site's database as data to copy: SQLite through its online backup API (consistent while the
site runs), PostgreSQL through pg_dump and pg_restore, and row counts to check a copy by."""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, MetaData, func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ops.errors import BackupError
from store.db import make_engine

Kind = Literal["sqlite", "postgresql"]
PEOPLE_TABLES = ("users", "submissions")  # a database holding rows here holds people's work
SQLITE_MAGIC = b"SQLite format 3\x00"


def database_kind(url: str) -> Kind:
    backend = make_url(url).get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend  # type: ignore[return-value]
    raise BackupError(f"cannot back up a {backend} database: the grader backs up SQLite and PostgreSQL")


def sqlite_file(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up")
    return Path(path).resolve()


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_counts(path: Path) -> dict[str, int]:
    """Rows of every table of the SQLite file `path` (which must exist)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: connection.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]
                for name in names}


def sqlite_check(path: Path) -> dict[str, int]:
    """Open the copy at `path`, run SQLite's integrity check and count its rows.

    Raises:
        BackupError: the copy does not open or is damaged.
    """
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the SQLite copy {path.name} is damaged: {verdict}")
        return sqlite_counts(path)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"the SQLite copy {path.name} does not open: {error}") from None


def sqlite_copy(source: Path, dest: Path) -> None:
    """A consistent copy of the SQLite file `source`, made with SQLite's online backup API (the site
    may keep writing meanwhile), into `dest`, which is replaced."""
    with sqlite3.connect(source, timeout=30) as reader, sqlite3.connect(dest, timeout=30) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


def counts(url: str) -> dict[str, int] | None:
    """Rows of every table of the database at `url`; None when it does not exist yet."""
    if database_kind(url) == "sqlite":
        path = sqlite_file(url)
        return sqlite_counts(path) if path.exists() else None
    with connected(url) as connection:
        return _table_counts(connection)


@contextmanager
def connected(url: str) -> Iterator[Connection]:
    """A connection to the database at `url`; its failures become BackupErrors with a sentence.

    Raises:
        BackupError: the database cannot be reached or read.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    except SQLAlchemyError as error:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = getattr(error, "orig", None) or error
        raise BackupError(f"cannot use the database {shown}: {reason}") from None
    finally:
        engine.dispose()


def _table_counts(connection: Connection) -> dict[str, int]:
    names = sorted(inspect(connection).get_table_names())
    return {name: int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())
            for name in names}


def revision_of(found: dict[str, int] | None, url_or_path: str | Path) -> str | None:
    """The Alembic revision stored in a database (None: not migrated yet)."""
    if not found or "alembic_version" not in found:
        return None
    if isinstance(url_or_path, Path):
        with sqlite3.connect(f"file:{url_or_path}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    with connected(url_or_path) as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: on PATH, or where Debian's packages put them."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                                                   reverse=True)), None)
    if found is None:
        raise BackupError(f"{name} is not installed: install Debian's postgresql-client package")
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump and pg_restore, with the password in the environment (not in `ps`)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-1500:]}")
    return done.stdout


def pg_dump(url: str, dest: Path) -> dict[str, int]:
    """Dump the PostgreSQL database at `url` into `dest` (custom format), and count its rows in the
    same snapshot, so the counts are those of the dump."""
    uri, env = _libpq(url)
    with connected(url) as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            found = _table_counts(connection)
            _run([postgres_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                  "--no-privileges", f"--file={dest}", f"--dbname={uri}"], env, "pg_dump")
    return found


def pg_dump_tables(dump: Path) -> set[str]:
    """The tables whose rows the dump holds, read by pg_restore (which proves the dump is readable).

    Raises:
        BackupError: pg_restore cannot read the dump.
    """
    listing = _run([postgres_tool("pg_restore"), "--list", str(dump)], dict(os.environ), "pg_restore --list")
    return set(re.findall(r"^\d+; \d+ \d+ TABLE DATA \S+ (\S+) ", listing, flags=re.MULTILINE))


def pg_restore(url: str, dump: Path) -> None:
    """Replace every table of the database at `url` with the dump's."""
    with connected(url) as connection, connection.begin():
        existing = MetaData()
        existing.reflect(connection)
        existing.drop_all(connection)
    uri, env = _libpq(url)
    _run([postgres_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={uri}", str(dump)], env, "pg_restore")
