"""The catalogue in the database: sync `exercises/` into `ExerciseRow`s (hash, position, validity),
and give each web process the loaded catalogue (the folder's drafts, and the published versions
learners see), reloaded when a sync or a publication changed it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from grader.catalog import CatalogScan, scan_catalog
from grader.errors import ContentError
from grader.exercise import Exercise
from grader.versions import VersionStore
from store.models import ExerciseRow, ExerciseVersion, utcnow
from store.publishing import keep_published, publish_drafts, published_catalog


@dataclass(frozen=True)
class SyncReport:
    valid: int
    invalid: int
    removed: int
    drafts: int = 0
    """Sound exercises learners do not see yet: new, or changed since they were published."""
    published: int = 0
    """Versions published by this sync (all of a new site's exercises; see `sync_catalog`)."""


def sync_catalog(session: Session, root: Path, store: VersionStore | None = None, *,
                 publish_all: bool | None = None) -> SyncReport:
    """Make the `exercises` table match the folder `root` (the caller commits).

    Valid exercises keep their teaching position; broken ones are kept with their problems so that
    instructors see them; rows whose folder is gone are removed (their submissions stay). What is new
    or changed is a draft (store.publishing), except that a site reading its folder for the first time
    publishes every sound exercise (`publish_all`: None; True publishes every draft, False none).
    With `store`, the files of every published version are kept there.

    Raises:
        ExerciseInvalid: `root` is not a folder.
    """
    scan = scan_catalog(root)
    first_read = session.scalar(select(func.count(ExerciseRow.id))) == 0
    now = utcnow()
    wanted: dict[str, dict[str, object]] = {}
    for position, exercise in enumerate(scan.catalog.exercises()):
        wanted[exercise.key] = {
            "track": exercise.track, "slug": exercise.slug, "title": exercise.title,
            "sha256": exercise.sha256, "position": position, "valid": True, "problems": "",
        }
    for key, errors in scan.problems.items():
        if "/" in key:
            track, slug = key.split("/", 1)
            wanted[key] = {
                "track": track, "slug": slug, "title": slug, "sha256": "", "position": 10_000,
                "valid": False, "problems": "\n".join(str(e) for e in errors),
            }
    existing = {row.key: row for row in session.scalars(select(ExerciseRow))}
    for key, fields in wanted.items():
        row = existing.get(key) or ExerciseRow(key=key)
        for name, value in fields.items():
            setattr(row, name, value)
        row.synced_at = now
        session.add(row)
    gone = [key for key in existing if key not in wanted]
    if gone:
        session.execute(delete(ExerciseRow).where(ExerciseRow.key.in_(gone)))
    session.flush()
    published: list[ExerciseVersion] = []
    if store is not None:
        published += keep_published(session, scan, store)
    if publish_all or (publish_all is None and first_read):
        note = "Published when the site first read the exercises folder." if first_read else ""
        published += publish_drafts(session, scan, store, None, note)
    invalid = sum(1 for fields in wanted.values() if not fields["valid"])
    drafts = session.scalar(select(func.count(ExerciseRow.id)).where(
        ExerciseRow.valid.is_(True), ExerciseRow.sha256 != ExerciseRow.published_sha256)) or 0
    return SyncReport(valid=len(wanted) - invalid, invalid=invalid, removed=len(gone), drafts=drafts,
                      published=len(published))


class CatalogCache:
    """The loaded catalogue of one process, reloaded when the database says a sync or a publication
    happened since: the exercises folder as it is (`drafts`), and what learners see (`published`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[Path, tuple[object, CatalogScan]] = {}
        self._published: dict[Path, tuple[object, CatalogScan]] = {}
        self._versions: dict[tuple[str, str], Exercise] = {}

    @staticmethod
    def _signature(session: Session) -> tuple[object, ...]:
        return tuple(session.execute(select(
            func.max(ExerciseRow.synced_at), func.count(ExerciseRow.id), func.max(ExerciseRow.published_at),
            func.sum(ExerciseRow.published_version))).one())

    def get(self, session: Session, root: Path) -> CatalogScan:
        """The exercises folder as last read: every sound exercise, drafts included."""
        signature = self._signature(session)[:2]
        with self._lock:
            cached = self._loaded.get(root)
            if cached is None or cached[0] != signature:
                cached = (signature, scan_catalog(root))
                self._loaded[root] = cached
            return cached[1]

    def published(self, session: Session, root: Path, store: VersionStore | None) -> CatalogScan:
        """What learners see: the published version of each exercise, in the folder's teaching order.
        Its `problems` are the folder's, plus a published version that could not be loaded."""
        drafts = self.get(session, root)
        signature = (self._signature(session), id(drafts))
        with self._lock:
            cached = self._published.get(root)
            if cached is None or cached[0] != signature:
                catalog, unavailable = published_catalog(session, drafts, store, self._versions)
                problems = dict(drafts.problems)
                for key, why in unavailable.items():
                    problems[key] = (*problems.get(key, ()), ContentError(key, 0, 0, why))
                cached = (signature, CatalogScan(catalog, problems))
                self._published[root] = cached
            return cached[1]


def find_exercise(scan: CatalogScan, key: str) -> Exercise | None:
    try:
        return scan.catalog.exercise(key)
    except KeyError:
        return None
