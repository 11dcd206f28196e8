"""`grader restore`: put a back-up's database and instance files back, after checking the back-up
(sealed by this site, unless --trust; plain names only, each inside the instance folder), saying what
it replaces, and (when the site already holds people's work) only with --force, saving the current
data first. Restored files are private like the rest of the data (ops/permissions.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from ops import databases
from ops.backup import (
    PG_DUMP,
    SQLITE_COPY,
    BackupInfo,
    SiteData,
    create_backup,
    describe_counts,
    open_backup,
)
from ops.backup_seal import existing_key
from ops.errors import BackupError
from ops.permissions import PRIVATE_FILE, PRIVATE_FOLDER, SECRET_FILE, make_private_folder, shared_with_group
from ops.running import refuse_while_running
from store.db import alembic_config


class RestoreRefused(BackupError):
    """The site holds data the restore would replace, and --force was not given."""


@dataclass(frozen=True)
class RestoreReport:
    info: BackupInfo
    replaced: list[str]
    saved_first: Path | None
    counts: dict[str, int]


def what_it_replaces(site: SiteData, info: BackupInfo, unpacked: Path) -> tuple[list[str], bool]:
    """Sentences naming what the restore would overwrite, and whether that includes people's work."""
    current = databases.counts(site.database_url)
    replaced = []
    if current:
        replaced.append(f"the database {site.describe_database()} ({describe_counts(current)})")
    for name in sorted(info.files):
        if name.startswith("instance/"):
            existing = site.instance / name.removeprefix("instance/")
            if existing.is_file() and existing.read_bytes() != (unpacked / name).read_bytes():
                replaced.append(f"{existing}")
    holds_work = any((current or {}).get(table, 0) for table in databases.PEOPLE_TABLES)
    return replaced, holds_work


def restore_backup(site: SiteData, path: Path, *, force: bool, trust: bool = False, save_first: bool = True,
                   say: Callable[[str], None] = lambda message: None) -> RestoreReport:
    """Replace the site's database and instance files with the back-up at `path`.

    Args:
        force: replace a database that holds accounts or attempts (otherwise refused).
        trust: restore a back-up this site did not seal (another site's, or this one's from before
            it lost its back-up key): whoever made the file decides the site's accounts and secret key.
        save_first: back up the current data before replacing it (when it holds any).

    Raises:
        RestoreRefused: the site holds people's work and `force` is False; the message lists it.
        BackupUntrusted: the back-up is not sealed by this site and `trust` is False.
        BackupError: the back-up is damaged, holds a name that is not plain or lands outside the
            instance folder, is of another kind of database, or was made by a newer grader.
    """
    make_private_folder(site.instance)
    make_private_folder(site.backups)
    with tempfile.TemporaryDirectory(prefix=".grader-restore-", dir=site.backups) as scratch:
        unpacked = Path(scratch)
        info = open_backup(path, unpacked, existing_key(site.instance), trust=trust)
        targets = _instance_targets(site, info, path)
        say(f"The back-up of {info.created} (grader {info.grader_version}) opens: {info.people()}.")
        kind = databases.database_kind(site.database_url)
        if info.database != kind:
            raise BackupError(f"{path} holds a {info.database} database, and this site uses {kind} "
                              f"({site.describe_database()}): restore it on a site of the same kind")
        _check_revision(info, path)
        refuse_while_running(site.database_url)
        replaced, holds_work = what_it_replaces(site, info, unpacked)
        if holds_work and not force:
            listing = "".join(f"\n  - {item}" for item in replaced)
            raise RestoreRefused(f"Restoring {path} would replace:{listing}\nwith the back-up of "
                                 f"{info.created} ({info.people()}). Run again with --force to do it; the "
                                 f"current data is saved to {site.backups} first.")
        saved = None
        if save_first and holds_work:
            saved, _ = create_backup(site, label="before-restore")
            say(f"The current data is saved in {saved}.")
        if kind == "sqlite":
            target = databases.sqlite_file(site.database_url)
            target.parent.mkdir(parents=True, exist_ok=True)
            databases.sqlite_copy(unpacked / SQLITE_COPY, target)
            os.chmod(target, _file_mode(site, target))
        else:
            databases.pg_restore(site.database_url, unpacked / PG_DUMP)
        _restore_instance_files(site, targets, unpacked)
        after = databases.counts(site.database_url) or {}
        wrong = sorted(name for name, rows in info.counts.items() if after.get(name) != rows)
        if wrong:
            raise BackupError(f"after the restore, the rows of {', '.join(wrong)} differ from the back-up's "
                              f"(saved first: {saved})")
    return RestoreReport(info, replaced, saved, after)


def _check_revision(info: BackupInfo, path: Path) -> None:
    if info.revision is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    if info.revision not in {revision.revision for revision in scripts.walk_revisions()}:
        raise BackupError(f"{path} was made by a newer grader (database revision {info.revision}, unknown to "
                          "this one): install that version first, then restore")


def _instance_targets(site: SiteData, info: BackupInfo, path: Path) -> dict[str, Path]:
    """Where each instance file of the back-up goes, all checked before anything is written: inside
    the instance folder once symbolic links are followed, and never in the back-ups folder."""
    instance, backups = site.instance.resolve(), site.backups.resolve()
    targets = {}
    for name in sorted(info.files):
        if not name.startswith("instance/"):
            continue
        target = site.instance / name.removeprefix("instance/")
        real = target.resolve()
        if not real.is_relative_to(instance) or real == instance or real.is_relative_to(backups):
            raise BackupError(f"{path}: {name} would be written to {real}, outside the instance folder "
                              f"{instance}: nothing was restored")
        targets[name] = target
    return targets


def _file_mode(site: SiteData, target: Path) -> int:
    """Private (0600), or the site's group's too (0660) where the administrator shares the instance
    folder with it; the secret key is always the owner's alone."""
    shared = shared_with_group(site.instance) and target.name != SECRET_FILE
    return PRIVATE_FILE | (0o060 if shared else 0)


def _restore_instance_files(site: SiteData, targets: dict[str, Path], unpacked: Path) -> None:
    for name, target in targets.items():
        source = unpacked / name
        for folder in reversed(target.relative_to(site.instance).parents[:-1]):
            if not (site.instance / folder).is_dir():
                (site.instance / folder).mkdir(mode=PRIVATE_FOLDER)
        if databases.is_sqlite_file(source):
            databases.sqlite_copy(source, target)
            os.chmod(target, _file_mode(site, target))
        else:
            draft = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(source, draft)
            os.chmod(draft, _file_mode(site, target))
            os.replace(draft, target)
