"""Whether the site runs: migrating, restoring or rolling back under a running site would mix two
versions, or two pasts, on one database. A running grading worker writes its heartbeat every 2 s."""

from __future__ import annotations

from sqlalchemy import func, select

from ops import databases
from ops.errors import OpsError
from store.db import make_engine, session_factory
from store.models import WorkerHeartbeat, utcnow

RUNNING_WINDOW_S = 20


def refuse_while_running(url: str) -> None:
    """Refuse when the site at `url` runs.

    Raises:
        OpsError: a grading worker of this site wrote its heartbeat moments ago.
    """
    found = databases.counts(url)
    if not found or not found.get(WorkerHeartbeat.__tablename__):
        return
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            seen = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    finally:
        engine.dispose()
    ago = (utcnow() - seen).total_seconds() if seen is not None else None
    if ago is not None and ago < RUNNING_WINDOW_S:
        raise OpsError(f"The site is running (a grading worker was seen {ago:.0f} s ago): stop it first "
                       "(systemctl stop grader-site grader-worker), then run this again.")
