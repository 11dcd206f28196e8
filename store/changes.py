"""The change feed: "this topic changed", one row per change, so that the site's processes learn of
work other processes finished (a worker graded a submission) with one cheap query for all of them.

Writers call `publish` inside the transaction that makes the change; readers (web/events.py) ask
for the rows after the last id they saw. Topics are `kind:key` strings:

- `submission:<id>`: a submission's status or result changed (its learner's page shows it);
- `run:<id>`: a run without grading changed;
- `cohort:<id>` and `cohort:all`: a learner's attempt changed in a way the classroom view shows (sent,
  graded, could not be graded, queued again, re-graded, its score changed by an instructor), for each
  cohort of the learner and for the view of every learner (`publish_attempt`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import Change, User, cohort_members, utcnow

KEEP = 5000
"""Rows kept: a reader that fell further behind than this re-reads the state it watches anyway."""


def publish(session: Session, *topics: str) -> None:
    """Record that `topics` changed (the caller commits, with the change itself)."""
    rows = [Change(topic=topic[:120]) for topic in topics]
    session.add_all(rows)
    session.flush()
    if any(row.id % 500 == 0 for row in rows):  # now and then, not on every write
        session.execute(delete(Change).where(Change.id <= max(row.id for row in rows) - KEEP))


def publish_attempt(session: Session, submission_id: int, user_id: int) -> None:
    """Record that a learner's attempt changed: its own topic, and the classroom views that show it (the
    cohorts of its learner, and everyone's). Staff's own attempts are in no classroom view."""
    publish(session, f"submission:{submission_id}", *cohort_topics(session, user_id))


def cohort_topics(session: Session, user_id: int) -> list[str]:
    """The topics of the classroom views that show the learner `user_id` (none for staff)."""
    if session.scalar(select(User.role).where(User.id == user_id)) != "learner":
        return []
    cohorts = session.scalars(select(cohort_members.c.cohort_id).where(cohort_members.c.user_id == user_id)
                              .order_by(cohort_members.c.cohort_id))
    return [*(f"cohort:{cohort}" for cohort in cohorts), "cohort:all"]


def newest_id(session: Session) -> int:
    """The id of the newest change (0: none yet)."""
    return int(session.scalar(select(func.max(Change.id))) or 0)


def version_of(session: Session, topic: str) -> str:
    """A version of `topic` to compare with one read before: it differs whenever a change of `topic` was
    published in between, even one that committed after a newer one (its row is counted)."""
    query = select(func.count(), func.max(Change.id)).where(Change.topic == topic)
    count, newest = session.execute(query).one()
    return f"{int(newest or 0)}.{int(count)}"


def changes_after(session: Session, after: int, limit: int = 1000, lookback: int = 0,
                  late_s: float = 0.0) -> list[tuple[int, str]]:
    """(id, topic) of the changes after id `after`, oldest first; with those of the last `late_s` seconds
    among the `lookback` ids up to `after`. Ids are handed out before commit: on PostgreSQL a change can
    commit after a newer one was read, so a reader reads the last few again and skips those it knows."""
    found = Change.id > after
    if lookback > 0:
        found |= (Change.id > after - lookback) & (Change.at >= utcnow() - timedelta(seconds=late_s))
    query = select(Change.id, Change.topic).where(found).order_by(Change.id).limit(limit)
    return [(int(row.id), str(row.topic)) for row in session.execute(query)]
