"""Where learners stand: attempts and best score per (learner, exercise), for the learner's own
track pages, the instructor's grid and the grades export. Attempts that ended in an infrastructure
error never count, and neither do instructor re-grades; an instructor's changed score (web.overrides)
replaces the checks' score of that attempt and of its re-grades."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, defer

from store.models import ExerciseRow, Submission
from web.overrides import current_scores


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


def standings(session: Session, user_ids: Iterable[int]) -> dict[tuple[int, str], Standing]:
    """Each (user id, exercise key) with at least one counted submission."""
    ids = list(user_ids)
    if not ids:
        return {}
    learner_attempt = case((Submission.regrade_of.is_(None), 1), else_=0)
    changed = current_scores()
    query = (
        select(
            Submission.user_id,
            Submission.exercise_key,
            func.sum(learner_attempt),
            func.max(func.coalesce(changed.c.score, Submission.score)),
            func.max(Submission.max_score),
            func.max(Submission.created_at),
            func.max(changed.c.score),
        )
        .outerjoin(changed, changed.c.submission_id == func.coalesce(Submission.regrade_of, Submission.id))
        .where(Submission.user_id.in_(ids), Submission.counts.is_(True))
        .group_by(Submission.user_id, Submission.exercise_key)
    )
    return {
        (user_id, key): Standing(int(attempts or 0), best, maximum, last,
                                 best_changed is not None and best is not None and best_changed >= best)
        for user_id, key, attempts, best, maximum, last, best_changed in session.execute(query)
    }


def catalogue_rows(session: Session, valid_only: bool = True) -> list[ExerciseRow]:
    """The synced exercises in teaching order."""
    query = select(ExerciseRow).order_by(ExerciseRow.position, ExerciseRow.key)
    if valid_only:
        query = query.where(ExerciseRow.valid.is_(True))
    return list(session.scalars(query))


def latest_submission(session: Session, user_id: int, key: str) -> Submission | None:
    query = (
        select(Submission)
        .where(Submission.user_id == user_id, Submission.exercise_key == key)
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def history(session: Session, user_id: int, key: str, limit: int = 50) -> list[Submission]:
    """The latest attempts, without their files and results (a list of links needs neither)."""
    query = (
        select(Submission)
        .options(defer(Submission.files), defer(Submission.result))
        .where(Submission.user_id == user_id, Submission.exercise_key == key)
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
