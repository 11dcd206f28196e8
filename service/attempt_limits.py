"""How many attempts one learner may have waiting, and send in a day: the class's fair share of the
grading machines, beyond the scheduler's round-robin (service/scheduler.py).

- At most one of a learner's own attempts at an exercise waits at a time: a newer one at the same
  exercise replaces it. The older row is kept, marked `superseded` (with the newer one's id), and is
  never graded nor counted. Attempts at different exercises are all graded (the scheduler's round-robin
  keeps one learner's several exercises from holding up the class).
- At most a cap of attempts in any 24 hours: the strictest cap set on one of the learner's cohorts by
  an instructor, else the site's (GRADER_DAILY_ATTEMPTS; 0: no cap). Re-grades are the instructor's
  and count for neither; attempts that could not be graded (engine down) do not count either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.models import Cohort, Submission, cohort_members, utcnow

DAY = timedelta(hours=24)


@dataclass(frozen=True)
class DailyLimitReached:
    cap: int
    again_at: datetime  # when the oldest attempt of the window leaves it

    def sentence(self, now: datetime | None = None) -> str:
        minutes = max(1, int(((self.again_at - (now or utcnow())).total_seconds() + 59) // 60))
        wait = f"{minutes} minutes" if minutes < 120 else f"{minutes // 60} hours"
        return (f"You have sent {self.cap} attempts in the last 24 hours, the most your instructor allows. "
                f"You can send again in {wait}. Your work is saved: keep improving it meanwhile.")


def supersede_waiting(session: Session, newer: Submission) -> list[int]:
    """Mark the learner's other waiting attempts at the same exercise `superseded` by `newer` (the
    caller commits); only rows still queued change, so one a worker claimed meanwhile is graded as usual,
    and an attempt waiting for an instructor's re-grade is the instructor's, never replaced."""
    waiting = list(session.scalars(
        select(Submission.id).where(Submission.user_id == newer.user_id,
                                    Submission.exercise_key == newer.exercise_key,
                                    Submission.status == "queued", Submission.regrade_requested_at.is_(None),
                                    Submission.id != newer.id)))
    if waiting:
        session.execute(
            update(Submission)
            .where(Submission.id.in_(waiting), Submission.status == "queued")
            .values(status="superseded", superseded_by=newer.id, counts=False, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return waiting


def daily_cap(session: Session, user_id: int, site_cap: int) -> int | None:
    """The learner's cap on attempts in 24 hours (None: no cap)."""
    caps = list(session.scalars(
        select(Cohort.daily_attempts).join(cohort_members, cohort_members.c.cohort_id == Cohort.id)
        .where(cohort_members.c.user_id == user_id, Cohort.daily_attempts.is_not(None))))
    if caps:
        return min(cap for cap in caps if cap is not None)
    return site_cap if site_cap > 0 else None


def daily_limit_reached(session: Session, user_id: int, site_cap: int) -> DailyLimitReached | None:
    """Whether the learner has used their attempts of the last 24 hours (None: they may send one)."""
    cap = daily_cap(session, user_id, site_cap)
    if cap is None:
        return None
    since = utcnow() - DAY
    counted = select(Submission.created_at).where(
        Submission.user_id == user_id, Submission.status != "error", Submission.created_at >= since)
    used = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    if used < cap:
        return None
    if cap <= 0:
        return DailyLimitReached(cap, utcnow() + DAY)
    # a place frees up when the cap-th newest attempt leaves the window
    newest = counted.order_by(Submission.created_at.desc()).offset(cap - 1).limit(1)
    return DailyLimitReached(cap, (session.scalar(newest) or utcnow()) + DAY)
