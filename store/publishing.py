"""Drafts and published versions of exercises.

What the exercises folder holds is a draft: instructors see it, try it as a learner and publish it.
Publishing keeps the exercise's files by their content (grader.versions) and numbers the version
(`ExerciseVersion`); learners see only published versions, and each attempt is graded on the version
it was sent on (`Submission.exercise_sha256`). After a changed exercise is published, the latest attempts
graded on an earlier version can be graded again on the new one, in place (store.regrades).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.catalog import Catalog, CatalogScan, Track
from grader.errors import ExerciseInvalid
from grader.exercise import Exercise
from grader.versions import VersionMissing, VersionStore
from store.models import ExerciseRow, ExerciseVersion, Submission, utcnow
from store.regrades import can_regrade, request_regrade

log = logging.getLogger(__name__)
VERSIONS_FOLDER = "exercise-versions"
NOTE_MAX = 500


def version_store(instance: Path) -> VersionStore:
    """Where a site keeps the versions of its exercises: in its instance folder (backed up with it)."""
    return VersionStore(instance / VERSIONS_FOLDER)


class PublishError(ValueError):
    """The exercise cannot be published; the message says why."""


def find_in(scan: CatalogScan, key: str) -> Exercise | None:
    """The loaded exercise `key` of a scan of the exercises folder, or None."""
    try:
        return scan.catalog.exercise(key)
    except KeyError:
        return None


def publish(session: Session, scan: CatalogScan, store: VersionStore | None, key: str,
            by_user_id: int | None, note: str = "") -> ExerciseVersion:
    """Publish the draft of `key` (the caller commits): keep its files, number the version, show it to
    learners.

    Raises:
        PublishError: no such exercise, it has problems, nothing changed, or its folder changed since
            it was read (read it again first).
    """
    row = session.scalar(select(ExerciseRow).where(ExerciseRow.key == key))
    if row is None:
        raise PublishError(f"{key} is not in the catalogue")
    if not row.valid:
        raise PublishError(f"{key} has problems: fix them before publishing it")
    if not row.draft:
        raise PublishError(f"{key} has no changes to publish: it is version {row.published_version}")
    exercise = find_in(scan, key)
    if exercise is None or exercise.sha256 != row.sha256:
        raise PublishError(f"{key} changed since the folder was read: read the exercises folder again")
    if store is not None:
        try:
            store.keep(exercise)
        except VersionMissing as error:
            raise PublishError(str(error)) from None
    return _record(session, row, exercise, by_user_id, note)


def _record(session: Session, row: ExerciseRow, exercise: Exercise, by_user_id: int | None,
            note: str) -> ExerciseVersion:
    last = session.scalar(select(func.max(ExerciseVersion.number)).where(ExerciseVersion.key == row.key))
    now = utcnow()
    version = ExerciseVersion(key=row.key, number=(last or 0) + 1, sha256=exercise.sha256,
                              title=exercise.title[:200], note=note.strip()[:NOTE_MAX], published_at=now,
                              published_by_id=by_user_id)
    session.add(version)
    row.published_sha256 = exercise.sha256
    row.published_version = version.number
    row.published_at = now
    session.flush()
    return version


def publish_drafts(session: Session, scan: CatalogScan, store: VersionStore | None, by_user_id: int | None,
                   note: str = "", keys: Iterable[str] | None = None) -> list[ExerciseVersion]:
    """Publish every sound draft (or those of `keys`), in teaching order; the caller commits."""
    wanted = set(keys) if keys is not None else None
    rows = session.scalars(select(ExerciseRow).order_by(ExerciseRow.position, ExerciseRow.key)).all()
    return [publish(session, scan, store, row.key, by_user_id, note)
            for row in rows if row.draft and (wanted is None or row.key in wanted)]


def keep_published(session: Session, scan: CatalogScan, store: VersionStore) -> list[ExerciseVersion]:
    """Make sure the files of every published version are kept (the caller commits).

    A version published before versions were kept (migration 0006) is kept from the exercises folder
    while it still holds it. When it does not (the folder was replaced before the site read it again),
    the folder's exercise is published, so that learners never lose an exercise they had.
    """
    made: list[ExerciseVersion] = []
    for row in session.scalars(select(ExerciseRow).where(ExerciseRow.published_sha256 != "")):
        if store.has(row.key, row.published_sha256):
            continue
        exercise = find_in(scan, row.key)
        if exercise is None:
            continue
        store.keep(exercise)
        if exercise.sha256 != row.published_sha256:
            log.warning("%s: version %d was not kept; the exercises folder's is published", row.key,
                        row.published_version)
            note = (f"Published by the site: the files of version {row.published_version} were not kept, "
                    "and the exercises folder had changed.")
            made.append(_record(session, row, exercise, None, note))
    return made


# ---- what learners see ----------------------------------------------------------------------------


def published_catalog(session: Session, scan: CatalogScan, store: VersionStore | None,
                      loaded: dict[tuple[str, str], Exercise]) -> tuple[Catalog, dict[str, str]]:
    """The catalogue learners see: the tracks of the exercises folder, each with the published version
    of its exercises, in the track's order; and, by key, why a published version could not be loaded.

    `loaded` caches versions loaded from the store, which never change, between calls.
    """
    published = select(ExerciseRow).where(ExerciseRow.published_sha256 != "")
    rows = {row.key: row for row in session.scalars(published)}
    unavailable: dict[str, str] = {}
    tracks: list[Track] = []
    for track in scan.catalog.tracks:
        on_disk = {exercise.slug: exercise for exercise in track.exercises}
        exercises: list[Exercise] = []
        for slug in track.order:
            row = rows.get(f"{track.name}/{slug}")
            if row is None:
                continue
            current = on_disk.get(slug)
            if current is not None and current.sha256 == row.published_sha256:
                exercises.append(current)
                continue
            cached = loaded.get((row.key, row.published_sha256))
            if cached is None:
                if store is None:
                    unavailable[row.key] = "its published version is not kept"
                    continue
                try:
                    cached = store.load(row.key, row.published_sha256, scan.catalog.root)
                except (VersionMissing, ExerciseInvalid) as error:
                    unavailable[row.key] = str(error)
                    continue
                loaded[(row.key, row.published_sha256)] = cached
            exercises.append(cached)
        if exercises:
            tracks.append(Track(track.name, track.title, track.description, track.order, track.requires,
                                tuple(exercises)))
    return Catalog(scan.catalog.root, tuple(tracks)), unavailable


# ---- versions on results, and grading again on a new version ----------------------------------------


@dataclass(frozen=True)
class VersionLabel:
    """How a result names the version it was graded on."""

    number: int | None
    """None: a version that was never published (a draft tried as a learner), or unknown."""
    current: int
    """The exercise's published version now (0: not published)."""

    @property
    def outdated(self) -> bool:
        return self.number is not None and self.current > self.number


def versions_of(session: Session, key: str) -> list[ExerciseVersion]:
    """Every published version of `key`, newest first."""
    query = select(ExerciseVersion).where(ExerciseVersion.key == key).order_by(ExerciseVersion.number.desc())
    return list(session.scalars(query))


def version_label(session: Session, submission: Submission) -> VersionLabel | None:
    """The version `submission` was graded on, as a number (None when there is no telling)."""
    sha = _graded_on(submission)
    row = session.scalar(select(ExerciseRow).where(ExerciseRow.key == submission.exercise_key))
    current = row.published_version if row is not None else 0
    if not sha:
        return None
    number = session.scalar(select(func.max(ExerciseVersion.number)).where(
        ExerciseVersion.key == submission.exercise_key, ExerciseVersion.sha256 == sha))
    return VersionLabel(number, current)


def outdated_latest_attempts(session: Session, key: str) -> list[Submission]:
    """Each learner's latest counted attempt at `key` that was graded on another version than the
    published one and can be graded again (previews left out)."""
    row = session.scalar(select(ExerciseRow).where(ExerciseRow.key == key))
    if row is None or not row.published:
        return []
    latest = (select(Submission.user_id, func.max(Submission.id).label("id"))
              .where(Submission.exercise_key == key, Submission.counts.is_(True),
                     Submission.preview.is_(False), Submission.status != "superseded")
              .group_by(Submission.user_id).subquery())
    attempts = session.scalars(select(Submission).join(latest, latest.c.id == Submission.id)
                               .order_by(Submission.id)).all()
    return [attempt for attempt in attempts if attempt.status == "done" and can_regrade(attempt)
            and _graded_on(attempt) != row.published_sha256]


def _graded_on(attempt: Submission) -> str:
    provenance = (attempt.result or {}).get("provenance") or {}
    return str(attempt.exercise_sha256 or provenance.get("exercise_sha256") or "")


def regrade_on_published(session: Session, attempts: Iterable[Submission], by_user_id: int | None,
                         reason: str) -> list[Submission]:
    """Queue `attempts` to be graded again, in place, on their exercise's published version; each keeps
    the grading it had in its history (the caller commits, then tells the workers)."""
    queued: list[Submission] = []
    published = {row.key: row.published_sha256 for row in session.scalars(select(ExerciseRow))}
    for attempt in attempts:
        sha = published.get(attempt.exercise_key) or None
        if can_regrade(attempt):
            request_regrade(session, attempt, by_user_id, reason, exercise_sha256=sha)
            queued.append(attempt)
    return queued
