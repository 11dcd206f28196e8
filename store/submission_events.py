"""The submissions' change feed: one row each time a submission is sent, queued again, graded or ends
as "could not be graded", written in the same transaction as the change itself.

Readers (the site's live pages, in any process, on any machine sharing the database) follow it by id:
the id is the cursor a page resumes from after a lost connection. Delivery is at least once: ids are
handed out before commit, so on PostgreSQL a smaller id can become visible after a larger one; readers
also get the events of the last LATE_S seconds below their cursor (at most LOOKBACK ids back) and skip
those they already sent, and pages treat an event as "this submission changed, look again", which is
safe to receive twice. Rows older than KEEP_S are pruned as new ones
arrive.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import Submission, SubmissionEvent, utcnow

KEEP_S = 24 * 3600
LOOKBACK = 50
LATE_S = 10.0


def record_change(session: Session, submission: Submission) -> SubmissionEvent:
    """Add the event for `submission`'s current status (the caller commits)."""
    return record(session, submission.id, submission.user_id, submission.exercise_key, submission.status)


def record(session: Session, submission_id: int, user_id: int, exercise_key: str,
           status: str) -> SubmissionEvent:
    """Add one event (the caller commits), and prune the ones no page can still be waiting for."""
    now = utcnow()
    event = SubmissionEvent(submission_id=submission_id, user_id=user_id, exercise_key=exercise_key,
                            status=status, at=now)
    session.add(event)
    session.execute(delete(SubmissionEvent).where(SubmissionEvent.at < now - timedelta(seconds=KEEP_S)))
    return event


def latest_id(session: Session) -> int:
    """The newest event's id (0 when there is none): where a page that just loaded starts following."""
    return int(session.scalar(select(func.max(SubmissionEvent.id))) or 0)


def events_after(session: Session, cursor: int, user_ids: Collection[int] | None = None,
                 limit: int = 200) -> list[SubmissionEvent]:
    """The events after `cursor`, and those of the last LATE_S seconds just below it (late commits),
    oldest first; only those of `user_ids` when given. The caller skips the ones it already sent."""
    recent = SubmissionEvent.at >= utcnow() - timedelta(seconds=LATE_S)
    late = (SubmissionEvent.id > cursor - LOOKBACK) & recent
    query = select(SubmissionEvent).where((SubmissionEvent.id > cursor) | late)
    if user_ids is not None:
        query = query.where(SubmissionEvent.user_id.in_(list(user_ids)))
    return list(session.scalars(query.order_by(SubmissionEvent.id).limit(limit)))
