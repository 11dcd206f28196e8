"""Where learners stand: every counted attempt as a small fact (no files, no result), and from those the
attempts and best score per (learner, exercise), for the learner's own track pages, the classroom view
and the grades export.

Attempts that ended in an infrastructure error never count. An instructor's changed score
(web.overrides) replaces the checks' score of that attempt. A re-grade (store.regrades) updates its
attempt in place: it is never an attempt of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from store.models import ExerciseRow, Submission
from web.overrides import current_scores


class CheckFailure(NamedTuple):
    """A check an attempt did not pass (store.failed_checks)."""

    id: str
    title: str
    status: str
    message: str
    hidden: bool

    @classmethod
    def from_json(cls, data: Any) -> CheckFailure | None:
        if not isinstance(data, dict) or "id" not in data:
            return None
        return cls(str(data["id"]), str(data.get("title") or data["id"]), str(data.get("status") or "fail"),
                   str(data.get("message") or ""), bool(data.get("hidden")))


class Attempt(NamedTuple):
    """One counted learner attempt, as the progress pages need it (a named tuple: a class's thousands
    are made on every refresh of the live classroom view)."""

    id: int
    user_id: int
    exercise_key: str
    status: str
    created_at: datetime
    score: float | None  # the score that counts: the instructor's when they changed it, else the checks'
    max_score: float | None
    overridden: bool
    failures: tuple[CheckFailure, ...]

    @property
    def graded(self) -> bool:
        return self.score is not None and self.max_score is not None

    @property
    def solved(self) -> bool:
        return self.score is not None and self.max_score is not None and self.score >= self.max_score > 0


def counted_attempts(session: Session, user_ids: Iterable[int],
                     since: datetime | None = None) -> list[Attempt]:
    """The counted attempts of `user_ids` (made at or after `since` when given), oldest first.

    A class's thousands of attempts are read as plain rows (no ORM objects): the live classroom view
    reads them again after every grading."""
    ids = list(user_ids)
    if not ids:
        return []
    changed = current_scores()
    query = (
        select(Submission.id, Submission.user_id, Submission.exercise_key, Submission.status,
               Submission.created_at, Submission.score, Submission.max_score, Submission.failed_checks,
               changed.c.score.label("changed"))
        .outerjoin(changed, changed.c.submission_id == Submission.id)
        .where(Submission.user_id.in_(ids), Submission.counts.is_(True))
        .order_by(Submission.created_at, Submission.id)
    )
    if since is not None:
        query = query.where(Submission.created_at >= since)
    return [
        Attempt(row.id, row.user_id, row.exercise_key, row.status, row.created_at,
                row.changed if row.changed is not None else row.score, row.max_score,
                row.changed is not None, _failures(row.failed_checks) if row.failed_checks else ())
        for row in session.connection().execute(query)
    ]


def times_failed(session: Session, submission: Submission) -> Counter[str]:
    """How many of the learner's counted attempts at this exercise, up to `submission`, failed each
    check (by check id)."""
    query = select(Submission.failed_checks).where(
        Submission.user_id == submission.user_id, Submission.exercise_key == submission.exercise_key,
        Submission.counts.is_(True), Submission.id <= submission.id,
    )
    counts: Counter[str] = Counter()
    for (stored,) in session.connection().execute(query):
        counts.update({failure.id for failure in _failures(stored)})
    return counts


def _failures(stored: Any) -> tuple[CheckFailure, ...]:
    parsed = (CheckFailure.from_json(entry) for entry in stored or ())
    return tuple(failure for failure in parsed if failure is not None)


@dataclass(frozen=True)
class Standing:
    attempts: int
    best: float | None
    max_score: float | None
    last_at: datetime | None
    overridden: bool = False  # the best score is one an instructor gave

    @property
    def solved(self) -> bool:
        return self.best is not None and self.max_score is not None and self.best >= self.max_score > 0

    @property
    def state(self) -> str:
        """'solved', 'started' or 'new': the word CSS and screen readers use for a grid cell."""
        return "solved" if self.solved else "started" if self.attempts else "new"


NOT_STARTED = Standing(0, None, None, None)


def standing_of(tries: Iterable[Attempt]) -> Standing:
    """One learner's standing on one exercise from their attempts at it."""
    count, best, maximum, last, overridden = 0, None, None, None, False
    for attempt in tries:
        count += 1
        last = attempt.created_at if last is None else max(last, attempt.created_at)
        if attempt.max_score is not None:
            maximum = attempt.max_score if maximum is None else max(maximum, attempt.max_score)
        if attempt.score is not None and (best is None or attempt.score > best
                                          or (attempt.score == best and attempt.overridden)):
            best, overridden = attempt.score, attempt.overridden
    return Standing(count, best, maximum, last, overridden) if count else NOT_STARTED


def by_learner_and_exercise(tries: Iterable[Attempt]) -> dict[tuple[int, str], list[Attempt]]:
    grouped: dict[tuple[int, str], list[Attempt]] = {}
    for attempt in tries:
        grouped.setdefault((attempt.user_id, attempt.exercise_key), []).append(attempt)
    return grouped


def standings(session: Session, user_ids: Iterable[int]) -> dict[tuple[int, str], Standing]:
    """Each (user id, exercise key) with at least one counted attempt."""
    grouped = by_learner_and_exercise(counted_attempts(session, user_ids))
    return {key: standing_of(tries) for key, tries in grouped.items()}


def catalogue_rows(session: Session, published_only: bool = True) -> list[ExerciseRow]:
    """The synced exercises in teaching order: those learners see (published), or every one."""
    query = select(ExerciseRow).order_by(ExerciseRow.position, ExerciseRow.key)
    if published_only:
        query = query.where(ExerciseRow.published_sha256 != "")
    return list(session.scalars(query))


def latest_submission(session: Session, user_id: int, key: str) -> Submission | None:
    query = (
        select(Submission)
        .where(Submission.user_id == user_id, Submission.exercise_key == key, Submission.preview.is_(False))
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def previous_attempt(session: Session, submission: Submission) -> Submission | None:
    """The learner's attempt at the same exercise sent just before `submission`."""
    query = (
        select(Submission)
        .where(Submission.user_id == submission.user_id, Submission.exercise_key == submission.exercise_key,
               (Submission.created_at < submission.created_at)
               | ((Submission.created_at == submission.created_at) & (Submission.id < submission.id)))
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def history(session: Session, user_id: int, key: str, limit: int = 50) -> list[Submission]:
    """The latest attempts, without their files and results (a list of links needs neither)."""
    query = (
        select(Submission)
        .options(defer(Submission.files), defer(Submission.result))
        .where(Submission.user_id == user_id, Submission.exercise_key == key, Submission.preview.is_(False))
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
