"""`grader backup` and `grader restore`: back up, wipe, restore, and every account and attempt is back,
on SQLite and on a real PostgreSQL server; a restore over data needs --force; a damaged back-up is
refused; a back-up taken while the site writes is consistent."""

from __future__ import annotations

import re
import shutil
import sqlite3
import tarfile
import threading
from pathlib import Path

from sqlalchemy import MetaData

from config import Settings
from ops.backup import SiteData, create_backup, open_backup, prune_backups
from ops.backup_seal import existing_key
from store.db import make_engine, upgrade_database
from tests.helpers.ops import clean_env, grader
from tests.helpers.ops_site import ROWS, people_rows, seed_first_revision

SECRET = "s" * 48
PEOPLE = f"{len(ROWS['users'])} users, {len(ROWS['submissions'])} submissions"
Rows = dict[str, list[tuple[object, ...]]]
ADD_USER = ("INSERT INTO users (id, username, display_name, password_hash, role, active, session_version, "
            "created_at) VALUES (?, ?, '', '-', 'learner', 1, 1, '2026-01-05 09:30:00')")
ADD_ATTEMPT = ("INSERT INTO submissions (user_id, exercise_key, files, status, created_at, attempts, counts) "
               "VALUES (?, 'x/y', '{}', 'queued', '2026-01-05 09:30:00', 0, 1)")


def made_site(tmp_path: Path, url: str | None = None) -> tuple[dict[str, str], str]:
    """A site with ROWS in a database at the newest schema, a secret key and a queue file."""
    instance = tmp_path / "instance"
    instance.mkdir()
    url = url or f"sqlite:///{instance / 'grader.db'}"
    seed_first_revision(url)
    upgrade_database(url)
    (instance / "secret_key").write_text(SECRET)
    (instance / "secret_key").chmod(0o600)
    with sqlite3.connect(instance / "queue.db") as queue:
        queue.execute("CREATE TABLE task (id INTEGER PRIMARY KEY, data BLOB)")
        queue.execute("INSERT INTO task (data) VALUES (x'7b7d')")
    queue.close()
    env = clean_env(GRADER_INSTANCE=str(instance), GRADER_BACKUPS=str(tmp_path / "backups"))
    if not url.startswith("sqlite"):
        env["GRADER_DATABASE_URL"] = url
    return env, url


def backed_up(env: dict[str, str]) -> Path:
    done = grader("backup", env=env)
    assert done.returncode == 0, done.stderr
    assert PEOPLE in done.stdout and "The copy opened and was checked" in done.stdout, done.stdout
    return Path(done.stdout.split(":", 1)[0])


def restore_twice(env: dict[str, str], backup: Path, url: str, expected: Rows) -> None:
    """Restore onto the wiped site (no --force needed; --trust, since the wipe took the site's back-up
    key), then again over the data (refused, then forced)."""
    untrusted = grader("restore", str(backup), env=env)
    assert untrusted.returncode == 1 and "was not made by this site" in untrusted.stderr, untrusted.stderr
    assert "--trust" in untrusted.stderr
    done = grader("restore", str(backup), "--trust", env=env)
    assert done.returncode == 0, done.stderr
    assert people_rows(url) == expected
    refused = grader("restore", str(backup), "--trust", env=env)
    assert refused.returncode == 1
    assert "would replace:" in refused.stderr and f"({PEOPLE})" in refused.stderr, refused.stderr
    assert "--force" in refused.stderr
    forced = grader("restore", str(backup), "--force", "--trust", env=env)
    assert forced.returncode == 0, forced.stderr
    assert re.search(r"The current data is saved in .*before-restore\.tar\.gz", forced.stdout), forced.stdout
    assert people_rows(url) == expected


def test_backup_wipe_restore_on_sqlite(tmp_path: Path) -> None:
    env, url = made_site(tmp_path)
    expected = people_rows(url)
    backup = backed_up(env)
    instance = Path(env["GRADER_INSTANCE"])
    shutil.rmtree(instance)  # the disk is wiped
    restore_twice(env, backup, url, expected)
    assert (instance / "secret_key").read_text() == SECRET
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(instance / "queue.db") as queue:
        assert queue.execute("SELECT data FROM task").fetchall() == [(b"{}",)]
    queue.close()


def test_backup_wipe_restore_on_postgresql(tmp_path: Path, postgres: str) -> None:
    env, url = made_site(tmp_path, postgres)
    expected = people_rows(url)
    backup = backed_up(env)
    with tarfile.open(backup) as archive:
        assert "database.pgdump" in archive.getnames()
    engine = make_engine(url)
    wiped = MetaData()
    wiped.reflect(engine)
    wiped.drop_all(engine)  # every table is gone
    engine.dispose()
    shutil.rmtree(env["GRADER_INSTANCE"])
    restore_twice(env, backup, url, expected)


def test_a_changed_backup_is_refused(tmp_path: Path) -> None:
    env, _url = made_site(tmp_path)
    backup = backed_up(env)
    unpacked = tmp_path / "unpacked"
    with tarfile.open(backup) as archive:
        archive.extractall(unpacked, filter="data")
    (unpacked / "instance" / "secret_key").write_text("someone else's key" + "x" * 40)
    changed = tmp_path / "changed.tar.gz"
    with tarfile.open(changed, "w:gz") as archive:
        for path in sorted(unpacked.rglob("*")):
            archive.add(path, arcname=path.relative_to(unpacked).as_posix(), recursive=False)
    done = grader("restore", str(changed), "--force", env=env)
    assert done.returncode == 1
    assert "instance/secret_key was changed or damaged after the back-up was made" in done.stderr, done.stderr
    assert (Path(env["GRADER_INSTANCE"]) / "secret_key").read_text() == SECRET


def test_a_backup_taken_while_the_site_writes_is_consistent(tmp_path: Path) -> None:
    env, url = made_site(tmp_path)
    database = Path(env["GRADER_INSTANCE"]) / "grader.db"
    stop, writing = threading.Event(), threading.Event()

    def write() -> None:  # each transaction adds an account and its attempt: a copy holds both or neither
        with sqlite3.connect(database, timeout=30) as connection:
            n = 1000
            while not stop.is_set():
                with connection:
                    connection.execute(ADD_USER, (n, f"u{n}"))
                    connection.execute(ADD_ATTEMPT, (n,))
                writing.set()
                n += 1
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    writing.wait(30)
    try:
        path, info = create_backup(SiteData.from_settings(Settings.from_env(env)))
    finally:
        stop.set()
        writer.join()
    copied = open_backup(path, tmp_path / "unpacked", existing_key(Path(env["GRADER_INSTANCE"]))).counts
    assert copied["users"] - len(ROWS["users"]) == copied["submissions"] - len(ROWS["submissions"]) > 0
    assert copied == info.counts


def test_keep_deletes_only_the_oldest_dated_backups(tmp_path: Path) -> None:
    env, _url = made_site(tmp_path)
    backups = Path(env["GRADER_BACKUPS"])
    backups.mkdir()
    older = ["grader-backup-20261101-183000.tar.gz", "grader-backup-20261102-183000.tar.gz",
             "grader-backup-20261102-183000-2.tar.gz"]
    kept_anyway = ["grader-backup-20261001-120000-before-2026.10.tar.gz", "notes.txt"]
    for name in older + kept_anyway:
        (backups / name).write_bytes(b"old")
    done = grader("backup", "--keep", "2", env=env)
    assert done.returncode == 0, done.stderr
    newest = Path(done.stdout.split(":", 1)[0])
    assert sorted(path.name for path in backups.iterdir()) == sorted(
        [newest.name, "grader-backup-20261102-183000-2.tar.gz", *kept_anyway])
    assert "Deleted the older back-up grader-backup-20261101-183000.tar.gz." in done.stdout, done.stdout
    refused = grader("backup", "--keep", "0", env=env)
    assert refused.returncode == 2 and "--keep" in refused.stderr
    assert len(list(backups.iterdir())) == 4


def test_pruning_orders_by_date_then_by_number(tmp_path: Path) -> None:
    names = ["grader-backup-20261102-183000-10.tar.gz", "grader-backup-20261102-183000-9.tar.gz",
             "grader-backup-20261102-183000.tar.gz", "grader-backup-20261231-000000.tar.gz"]
    for name in names:
        (tmp_path / name).touch()
    deleted = prune_backups(tmp_path, keep=2)
    assert [path.name for path in deleted] == names[2:0:-1]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([names[0], names[3]])
