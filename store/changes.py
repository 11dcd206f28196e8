"""The change feed: "this topic changed", one row per change, so that the site's processes learn of
work other processes finished (a worker graded a submission) with one cheap query for all of them.

Writers call `publish` inside the transaction that makes the change; readers (web/events.py) ask
for the rows after the last id they saw. Topics are `kind:key` strings, e.g. `submission:12`.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import Change

KEEP = 5000
"""Rows kept: a reader that fell further behind than this re-reads the state it watches anyway."""


def publish(session: Session, *topics: str) -> None:
    """Record that `topics` changed (the caller commits, with the change itself)."""
    rows = [Change(topic=topic[:120]) for topic in topics]
    session.add_all(rows)
    session.flush()
    if any(row.id % 500 == 0 for row in rows):  # now and then, not on every write
        session.execute(delete(Change).where(Change.id <= max(row.id for row in rows) - KEEP))


def newest_id(session: Session) -> int:
    """The id of the newest change (0: none yet)."""
    return int(session.scalar(select(func.max(Change.id))) or 0)


def changes_after(session: Session, after: int, limit: int = 1000) -> list[tuple[int, str]]:
    """(id, topic) of the changes after id `after`, oldest first."""
    query = select(Change.id, Change.topic).where(Change.id > after).order_by(Change.id).limit(limit)
    return [(int(row.id), str(row.topic)) for row in session.execute(query)]
