"""The catalogue in the database: sync `exercises/` into `ExerciseRow`s (hash, position, validity),
and give each web process the loaded catalogue, reloaded when a sync changed it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from grader.catalog import CatalogScan, scan_catalog
from grader.exercise import Exercise
from store.models import ExerciseRow, utcnow


@dataclass(frozen=True)
class SyncReport:
    valid: int
    invalid: int
    removed: int


def sync_catalog(session: Session, root: Path) -> SyncReport:
    """Make the `exercises` table match the folder `root` (the caller commits).

    Valid exercises keep their teaching position; broken ones are kept with their problems so that
    instructors see them; rows whose folder is gone are removed (their submissions stay).

    Raises:
        ExerciseInvalid: `root` is not a folder.
    """
    scan = scan_catalog(root)
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
    invalid = sum(1 for fields in wanted.values() if not fields["valid"])
    return SyncReport(valid=len(wanted) - invalid, invalid=invalid, removed=len(gone))


class CatalogCache:
    """The loaded catalogue of one process, reloaded when the database says a sync happened since."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[Path, tuple[object, CatalogScan]] = {}

    def get(self, session: Session, root: Path) -> CatalogScan:
        stamp = session.execute(select(func.max(ExerciseRow.synced_at), func.count(ExerciseRow.id))).one()
        signature = tuple(stamp)
        with self._lock:
            cached = self._loaded.get(root)
            if cached is None or cached[0] != signature:
                cached = (signature, scan_catalog(root))
                self._loaded[root] = cached
            return cached[1]





def find_exercise(scan: CatalogScan, key: str) -> Exercise | None:
    try:
        return scan.catalog.exercise(key)
    except KeyError:
        return None
