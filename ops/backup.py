"""`grader backup`: one file holding a consistent copy of the database and the instance folder's
files (secret key, queue), checked by opening the copy before the back-up is called done.

    grader-backup-<when>[-<label>].tar.gz   (mode 0600, in a 0700 folder: it holds the secret key)
        backup.json          format, when, grader version, database kind, revision, row counts, SHA-256s
        backup.json.hmac     the seal of backup.json with the site's back-up key (ops/backup_seal.py)
        database.sqlite3     SQLite: a copy made with the online backup API
        database.pgdump      PostgreSQL: pg_dump's custom format
        instance/...         every other file of the instance folder (SQLite files copied the same way),
                             but the back-up key; only plain names inside the instance folder
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from config import Settings
from grader import __version__
from ops import databases
from ops.backup_seal import SEAL, BackupKey, key_id_of, site_key
from ops.errors import BackupError
from ops.manifest import FileEntry
from ops.permissions import BACKUP_KEY_FILE, PRIVATE_FILE, make_private_folder
from ops.verify import safe_member_name, sha256_of

FORMAT = "grader-backup/1"
INFO = "backup.json"
SQLITE_COPY = "database.sqlite3"
PG_DUMP = "database.pgdump"
SIDE_FILES = ("-wal", "-shm", "-journal")
# grader-backup-<date>-<time>[-<n>].tar.gz: no label, so not the safety copy of an upgrade or restore
UNLABELLED = re.compile(r"grader-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar\.gz")
INSTANCE = "instance"
MAX_NAME = 255


class BackupUntrusted(BackupError):
    """The back-up's seal is missing or not this site's: restoring it needs --trust."""


def plain_name_problem(name: str) -> str | None:
    """Why `name` cannot be a file of a back-up (None: it can): the database copy, or a path of plain
    names (no `..`, `.`, empty part, backslash or control character) under `instance/`."""
    if name in (SQLITE_COPY, PG_DUMP):
        return None
    parts = name.split("/")
    if parts[0] != INSTANCE or len(parts) < 2:
        return "a back-up holds only the database and files of the instance folder"
    for part in parts[1:]:
        if part in ("", ".", "..") or "\\" in part or len(part) > MAX_NAME or not part.isprintable():
            return "only plain names inside the instance folder are restored"
    if parts[1:] == [BACKUP_KEY_FILE]:
        return "a back-up never holds the site's back-up key"
    return None


@dataclass(frozen=True)
class SiteData:
    """Where a site keeps its data: the instance folder, the database and the back-ups folder."""

    instance: Path
    database_url: str
    backups: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> SiteData:
        return cls(settings.instance, settings.database_url, settings.backups)

    def describe_database(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class BackupInfo:
    """What `backup.json` says of a back-up."""

    created: str
    grader_version: str
    database: str  # "sqlite" or "postgresql"
    revision: str | None
    counts: dict[str, int]
    files: dict[str, FileEntry]
    format: str = FORMAT

    def people(self) -> str:
        return describe_counts(self.counts)

    def to_bytes(self) -> bytes:
        return (json.dumps(asdict(self), indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes, source: Path) -> BackupInfo:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(f"{source} is a back-up of format {data.get('format')!r}, not {FORMAT!r}")
            files = {name: FileEntry(str(e["sha256"]), int(e["size"])) for name, e in data["files"].items()}
            return cls(str(data["created"]), str(data["grader_version"]), str(data["database"]),
                       data["revision"], {str(k): int(v) for k, v in data["counts"].items()}, files)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{source}: {INFO} is damaged ({error!r})") from None


def describe_counts(found: Mapping[str, int] | None) -> str:
    if not found:
        return "no tables yet"
    return ", ".join(f"{found.get(name, 0)} {name}" for name in databases.PEOPLE_TABLES)


def create_backup(site: SiteData, out: Path | None = None, label: str = "") -> tuple[Path, BackupInfo]:
    """Back up the site's database and instance folder into `out` (a file, or a folder to put it in;
    default: the back-ups folder), after checking that the database copy opens; sealed with the
    site's back-up key, readable by its owner only.

    Raises:
        BackupError: the database or a file could not be copied, or the copy does not open.
    """
    created = datetime.now(UTC).replace(microsecond=0)
    target = _target_path(out or site.backups, created, label)
    kind = databases.database_kind(site.database_url)
    key = site_key(site.instance)
    with tempfile.TemporaryDirectory(prefix=".grader-backup-", dir=target.parent) as scratch:
        work = Path(scratch)
        members: dict[str, Path] = {}
        skip: set[Path] = {site.backups, site.instance / BACKUP_KEY_FILE}
        if kind == "sqlite":
            source = databases.sqlite_file(site.database_url)
            if not source.exists():
                raise BackupError(f"there is no database to back up at {source}")
            databases.sqlite_copy(source, work / SQLITE_COPY)
            found = databases.sqlite_check(work / SQLITE_COPY)
            revision = databases.revision_of(found, work / SQLITE_COPY)
            members[SQLITE_COPY] = work / SQLITE_COPY
            skip |= {source, *(Path(f"{source}{side}") for side in SIDE_FILES)}
        else:
            found = databases.pg_dump(site.database_url, work / PG_DUMP)
            _check_dump(work / PG_DUMP, found)
            revision = databases.revision_of(found, site.database_url)
            members[PG_DUMP] = work / PG_DUMP
        members.update(_instance_files(site.instance, skip, work / "instance"))
        files = {}
        for name, path in members.items():
            with path.open("rb") as handle:
                files[name] = FileEntry(*sha256_of(handle))
        info = BackupInfo(created.isoformat(), __version__, kind, revision, found, files)
        draft = target.with_name(f".{target.name}.partial")
        draft.unlink(missing_ok=True)  # left by a crash: made again, private from its first byte
        os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE))
        try:
            with tarfile.open(draft, "w:gz", compresslevel=6) as archive:
                _add_bytes(archive, INFO, info.to_bytes(), created)
                _add_bytes(archive, SEAL, key.seal(info.to_bytes()), created)
                for name, path in members.items():
                    archive.add(path, arcname=name, recursive=False)
            os.replace(draft, target)
        finally:
            draft.unlink(missing_ok=True)
    return target, info


def _target_path(out: Path, created: datetime, label: str) -> Path:
    if out.suffixes[-2:] == [".tar", ".gz"]:
        if not out.parent.exists():
            make_private_folder(out.parent)
        return out
    make_private_folder(out)
    stem = f"grader-backup-{created:%Y%m%d-%H%M%S}" + (f"-{label}" if label else "")
    path, n = out / f"{stem}.tar.gz", 1
    while path.exists():
        n += 1
        path = out / f"{stem}-{n}.tar.gz"
    return path


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` unlabelled back-ups in `folder` (those `grader backup` makes
    on a schedule) and return what was deleted. Labelled ones (taken before an upgrade or a restore)
    are the way back from those, so they stay; so does any file not named like a back-up."""
    if keep < 1:
        raise BackupError("keep at least one back-up")
    dated = sorted(((match[1], int(match[2] or 1)), path) for path in folder.glob("grader-backup-*.tar.gz")
                   if (match := UNLABELLED.fullmatch(path.name)))
    stale = [path for _, path in dated[:-keep]]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _check_dump(dump: Path, found: dict[str, int]) -> None:
    listed = databases.pg_dump_tables(dump)
    absent = sorted(name for name, rows in found.items() if rows and name not in listed)
    if absent:
        raise BackupError(f"the dump does not hold the rows of {', '.join(absent)}")


def _instance_files(instance: Path, skip: set[Path], copies: Path) -> dict[str, Path]:
    """Every file of the instance folder except `skip`; SQLite files as consistent copies."""
    found: dict[str, Path] = {}
    if not instance.is_dir():
        return found
    sqlite_files = set()
    for path in sorted(instance.rglob("*")):
        if any(path == s or s in path.parents for s in skip) or not path.is_file() or path.is_symlink():
            continue
        name = f"{INSTANCE}/{path.relative_to(instance).as_posix()}"
        if plain_name_problem(name) is not None or path.name.startswith(f".{BACKUP_KEY_FILE}."):
            continue  # never restorable, or a key being made: not the site's data
        if databases.is_sqlite_file(path):
            sqlite_files.add(path)
            copy = copies / path.relative_to(instance)
            copy.parent.mkdir(parents=True, exist_ok=True)
            databases.sqlite_copy(path, copy)
            databases.sqlite_check(copy)
            copy.chmod(path.stat().st_mode & 0o777)
            found[name] = copy
        elif not any(str(path).endswith(side) and Path(str(path)[:-len(side)]) in sqlite_files
                     for side in SIDE_FILES):
            found[name] = path
    return found


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, when: datetime) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(when.timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def open_backup(path: Path, into: Path, key: BackupKey | None, *, trust: bool = False) -> BackupInfo:
    """Unpack the back-up at `path` into the folder `into`, check that it holds only plain names, that
    `key` (the site's back-up key) sealed it unless `trust`, every file's SHA-256, and that the
    database copy opens (and holds the rows it should).

    Raises:
        BackupUntrusted: not sealed with `key` (made by another site, or changed), and not `trust`.
        BackupError: the file is not a back-up, holds a name that is not plain, is damaged, or its
            database copy does not open.
    """
    try:
        with tarfile.open(path, "r:*") as archive:
            members = archive.getmembers()
            for member in members:
                name = member.name.rstrip("/")
                problem = None if name in (INFO, SEAL, INSTANCE) else plain_name_problem(name)
                if not (member.isfile() or member.isdir()) or not safe_member_name(name) or problem:
                    raise BackupError(f"{path} holds {member.name!r}, which a back-up never holds"
                                      + (f" ({problem})" if problem else "") + ": it was not restored")
            if hasattr(tarfile, "data_filter"):
                archive.extractall(into, members=members, filter="data")
            else:  # Python before 3.11.4 (Debian 12 has 3.11.2): the names were checked above
                archive.extractall(into, members=members)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a grader back-up, or is damaged ({error})") from None
    if not (into / INFO).is_file():
        raise BackupError(f"{path} is not a grader back-up (no {INFO})")
    raw = (into / INFO).read_bytes()
    info = BackupInfo.from_bytes(raw, path)
    for name in info.files:
        problem = plain_name_problem(name)
        if problem is not None:
            raise BackupError(f"{path}: {INFO} lists {name!r}, and {problem}: nothing was restored")
    seal = (into / SEAL).read_bytes() if (into / SEAL).is_file() else None
    if not trust and (key is None or seal is None or not key.opens(raw, seal)):
        raise BackupUntrusted(_untrusted(path, key, seal))
    for name, expected in info.files.items():
        unpacked = into / name
        if not unpacked.is_file():
            raise BackupError(f"{path}: {name} is missing")
        with unpacked.open("rb") as handle:
            if FileEntry(*sha256_of(handle)) != expected:
                raise BackupError(f"{path}: {name} was changed or damaged after the back-up was made")
    if info.database == "sqlite":
        if databases.sqlite_check(into / SQLITE_COPY) != info.counts:
            raise BackupError(f"{path}: the database copy does not hold the rows {INFO} lists")
    else:
        _check_dump(into / PG_DUMP, info.counts)
    return info


def _untrusted(path: Path, key: BackupKey | None, seal: bytes | None) -> str:
    if seal is None:
        why = "it carries no seal (made by a grader before seals, or unpacked and packed again)"
    elif key is None or key_id_of(seal) != key.key_id:
        why = (f"it was sealed by another site's key ({key_id_of(seal)}), or by this site before it lost its "
               f"back-up key")
    else:
        why = "its seal does not match its contents: it was changed after it was made"
    return (f"{path} was not made by this site: {why}. Restoring it replaces this site's accounts, work and "
            "secret key with whatever the file holds. If you know where it comes from and that nobody "
            "changed it since, run again with --trust.")
