"""What the classroom view reads of a class, once per request: the learners (a cohort, or everyone),
the exercises by track, every counted attempt as a small fact (no code, no results), and the signs of
work in progress (drafts saved as learners type, logins). The grid, the needs-help rules, the
statistics and the weekly report are all computed from this one read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.catalog import CatalogScan
from store.models import Cohort, Draft, ExerciseRow, User, utcnow
from web.progress import Attempt, by_learner_and_exercise, catalogue_rows, counted_attempts


class UnknownCohort(LookupError):
    """No cohort has that id."""


def cohort_members(session: Session, cohort_id: int | None) -> tuple[Cohort | None, list[User]]:
    """The chosen cohort and its learners by username, or (None, every learner) when none is chosen.

    Raises:
        UnknownCohort: no cohort has the id `cohort_id`.
    """
    if cohort_id is None:
        query = select(User).where(User.role == "learner").order_by(User.username)
        return None, list(session.scalars(query))
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise UnknownCohort(cohort_id)
    return cohort, [user for user in cohort.members if user.role == "learner"]


@dataclass(frozen=True)
class Track:
    name: str
    title: str
    exercises: tuple[ExerciseRow, ...]


@dataclass(frozen=True)
class WorkStart:
    """When a learner began and last touched one exercise, from drafts (saved as they type)."""

    began: datetime
    touched: datetime


@dataclass(frozen=True)
class ClassActivity:
    cohort: Cohort | None
    learners: tuple[User, ...]
    tracks: tuple[Track, ...]
    attempts: tuple[Attempt, ...]  # oldest first
    drafts: dict[tuple[int, str], WorkStart]
    now: datetime
    cells: dict[tuple[int, str], list[Attempt]] = field(default_factory=dict)
    last_seen: dict[int, datetime] = field(default_factory=dict)

    @property
    def exercises(self) -> list[ExerciseRow]:
        return [exercise for track in self.tracks for exercise in track.exercises]

    def tries(self, user_id: int, key: str) -> list[Attempt]:
        """One learner's counted attempts at one exercise, oldest first."""
        return self.cells.get((user_id, key), [])

    def began(self, user_id: int, key: str) -> datetime | None:
        """When the learner started on the exercise: their first save or first attempt."""
        moments = [work.began for work in [self.drafts.get((user_id, key))] if work is not None]
        moments += [attempt.created_at for attempt in self.tries(user_id, key)[:1]]
        return min(moments) if moments else None

    def last_active(self, user_id: int) -> datetime | None:
        """The learner's latest sign of work: an attempt sent, a draft saved, or logging in."""
        return self.last_seen.get(user_id)


def load_class(session: Session, cohort_id: int | None, scan: CatalogScan | None = None,
               now: datetime | None = None) -> ClassActivity:
    """Everything the classroom view needs about the learners of `cohort_id` (everyone when None).

    Args:
        scan: the loaded catalogue, for the tracks' titles and order (the tracks' names otherwise).
    Raises:
        UnknownCohort: no cohort has the id `cohort_id`.
    """
    cohort, learners = cohort_members(session, cohort_id)
    ids = [user.id for user in learners]
    tries = counted_attempts(session, ids)
    drafts: dict[tuple[int, str], WorkStart] = {}
    if ids:
        rows = session.execute(select(Draft.user_id, Draft.exercise_key, Draft.created_at, Draft.updated_at)
                               .where(Draft.user_id.in_(ids)))
        drafts = {(row.user_id, row.exercise_key): WorkStart(row.created_at, row.updated_at) for row in rows}
    tracks = _tracks(catalogue_rows(session), scan)
    return ClassActivity(cohort, tuple(learners), tracks, tuple(tries), drafts, now or utcnow(),
                         by_learner_and_exercise(tries), _last_seen(learners, tries, drafts))


def _last_seen(learners: list[User], tries: list[Attempt],
               drafts: dict[tuple[int, str], WorkStart]) -> dict[int, datetime]:
    seen: dict[int, datetime] = {}

    def saw(user_id: int, moment: datetime | None) -> None:
        if moment is not None and (user_id not in seen or moment > seen[user_id]):
            seen[user_id] = moment

    for user in learners:
        saw(user.id, user.last_login_at)
    for attempt in tries:
        saw(attempt.user_id, attempt.created_at)
    for (user_id, _), work in drafts.items():
        saw(user_id, work.touched)
    return seen


def _tracks(rows: list[ExerciseRow], scan: CatalogScan | None) -> tuple[Track, ...]:
    titles = {track.name: track.title for track in scan.catalog.tracks} if scan is not None else {}
    grouped: dict[str, list[ExerciseRow]] = {}
    for row in rows:
        grouped.setdefault(row.track, []).append(row)
    return tuple(Track(name, titles.get(name, name), tuple(exercises)) for name, exercises in grouped.items())
