"""Upgrading a site from a bundle: an older release with data in a database at an older migration
becomes the bundle's release with every row kept and the migrations applied; a migration that fails
puts the database back; `grader bundle rollback` returns to the older release and its data."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from ops.backup import open_backup
from ops.backup_seal import existing_key
from ops.layout import ReleaseRecord, Site
from store.db import alembic_config, make_engine, session_factory, upgrade_database
from store.models import WorkerHeartbeat
from tests.helpers.ops import BuiltBundle, clean_env, debian_python
from tests.helpers.ops_site import ROWS, add_learner, people_rows, seed_first_revision

pytestmark = [pytest.mark.docker, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
OLDER = "0.0.9-20260101-000000"


def older_site(prefix: Path) -> Site:
    """A site as an older grader left it: its release is this development environment (standing in
    for an older version's), its curriculum a copy of exercises/."""
    site = Site(prefix)
    site.write_scaffolding()
    folder = site.release_dir(OLDER)
    shutil.copytree(ROOT / "exercises", folder / "exercises")
    (folder / "venv").symlink_to(Path(sys.prefix))
    site.write_record(ReleaseRecord(OLDER, "0.0.9", "2026-01-01T00:00:00+00:00", None, None))
    site.switch_to(OLDER)
    return site


def site_command(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    """The site's own command, as the IT officer types it."""
    return subprocess.run([str(site.command), *args], env=clean_env(), capture_output=True, text=True,
                          timeout=900)


def install(site: Site, bundle: BuiltBundle) -> subprocess.CompletedProcess[str]:
    return site_command(site, "bundle", "install", str(bundle.path), "--python", debian_python(),
                        "--trust", str(bundle.public_key), "--skip-doctor")


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


@dataclass(frozen=True)
class Upgraded:
    site: Site
    url: str
    before: dict[str, list[tuple[Any, ...]]]
    output: str


@pytest.fixture(scope="module")
def upgraded(bundle: BuiltBundle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upgraded]:
    site = older_site(tmp_path_factory.mktemp("upgrade") / "grader")
    url = f"sqlite:///{site.prefix / 'instance' / 'grader.db'}"
    seed_first_revision(url)
    before = people_rows(url)
    done = install(site, bundle)
    assert done.returncode == 0, done.stdout + done.stderr
    yield Upgraded(site, url, before, done.stdout)


def test_an_upgrade_keeps_every_row_and_applies_the_migrations(upgraded: Upgraded) -> None:
    site, url = upgraded.site, upgraded.url
    assert people_rows(url) == upgraded.before
    with sqlite3.connect(site.prefix / "instance" / "grader.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        synced = connection.execute("SELECT count(*) FROM exercises WHERE valid").fetchone()[0]
    assert synced == len(list((site.current / "exercises").glob("*/*/exercise.yaml")))
    release = site.current_release()
    assert release is not None and release != OLDER
    record = site.read_record(release)
    assert record is not None and record.previous == OLDER and record.backup is not None
    backup_info = open_backup(Path(record.backup), site.prefix / "unpacked-backup",
                              existing_key(site.prefix / "instance"))
    assert backup_info.revision == "0001" and backup_info.counts["users"] == len(ROWS["users"])
    assert f"revision 0001 -> {head_revision()}" in upgraded.output
    assert json.loads((site.current / "manifest.json").read_text())["grader_version"] in release


def test_a_rollback_returns_to_the_older_release_and_its_data(upgraded: Upgraded) -> None:
    site, url = upgraded.site, upgraded.url
    add_learner(url, "carl")  # done on the new release, after the upgrade
    refused = site_command(site, "bundle", "rollback")
    assert refused.returncode == 1
    assert f"to {OLDER}" in refused.stderr and "5 users, 3 submissions" in refused.stderr, refused.stderr
    assert "--force" in refused.stderr and site.current_release() != OLDER
    done = site_command(site, "bundle", "rollback", "--force", "--skip-doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert site.current_release() == OLDER
    assert people_rows(url) == upgraded.before  # carl is gone: the database is as before the upgrade
    saved = sorted((site.prefix / "backups").glob("*-before-restore.tar.gz"))
    key = existing_key(site.prefix / "instance")
    assert saved
    assert open_backup(saved[-1], site.prefix / "saved", key).counts["users"] == len(ROWS["users"]) + 1


def test_a_failed_migration_puts_the_database_back(bundle: BuiltBundle, tmp_path: Path) -> None:
    site = older_site(tmp_path / "grader")
    database = site.prefix / "instance" / "grader.db"
    database.parent.mkdir()
    with sqlite3.connect(database) as connection:  # a table in the way of the first migration
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT)")
        connection.execute("INSERT INTO users VALUES (1, 'kept')")
    done = install(site, bundle)
    assert done.returncode == 1
    assert "The database migrations of" in done.stderr and "was put back from" in done.stderr, done.stderr
    assert f"The site still runs {OLDER}" in done.stderr
    assert site.current_release() == OLDER
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"users"} and connection.execute("SELECT * FROM users").fetchall() == [(1, "kept")]


def test_an_upgrade_waits_until_the_site_is_stopped(bundle: BuiltBundle, tmp_path: Path) -> None:
    site = older_site(tmp_path / "grader")
    url = f"sqlite:///{site.prefix / 'instance' / 'grader.db'}"
    seed_first_revision(url)
    upgrade_database(url)
    with session_factory(make_engine(url))() as session:  # a grading worker that beat just now
        session.add(WorkerHeartbeat(name="here:1:2:abc", host="here"))
        session.commit()
    done = install(site, bundle)
    assert done.returncode == 1 and "The site is running" in done.stderr and "stop it first" in done.stderr
    assert site.current_release() == OLDER and not list(site.venvs.iterdir())
