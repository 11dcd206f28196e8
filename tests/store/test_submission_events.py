"""The submissions' change feed (store/submission_events.py) on a real SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from store import submission_events
from store.models import Submission, SubmissionEvent, utcnow
from tests.helpers.service import add_learners, migrated, submit


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        yield sessions


def test_events_follow_ids_per_learner_and_look_back_for_late_commits(
        sessions: sessionmaker[Session]) -> None:
    ann, bob = add_learners(sessions, 2)
    first, second = submit(sessions, ann), submit(sessions, bob)
    with sessions() as session:
        assert submission_events.latest_id(session) == 0
        for sid in (first, second, first):
            row = session.get(Submission, sid)
            assert row is not None
            submission_events.record_change(session, row)
        session.commit()
        everyone = submission_events.events_after(session, 0)
        assert [(e.submission_id, e.status) for e in everyone] == [(first, "queued"), (second, "queued"),
                                                                    (first, "queued")]
        newest = submission_events.latest_id(session)
        assert newest == everyone[-1].id
        assert [e.user_id for e in submission_events.events_after(session, 0, {bob})] == [bob]
        # Ids taken before a slower commit can appear below the cursor: readers look back a little, for
        # the last few seconds only.
        assert [e.id for e in submission_events.events_after(session, newest)] == [e.id for e in everyone]
        assert submission_events.events_after(session, newest + submission_events.LOOKBACK) == []
        aged = utcnow() - timedelta(seconds=submission_events.LATE_S + 1)
        session.execute(update(SubmissionEvent).where(SubmissionEvent.id < newest).values(at=aged))
        session.commit()
        assert [e.id for e in submission_events.events_after(session, newest)] == [newest]


def test_old_events_are_pruned_as_new_ones_arrive(sessions: sessionmaker[Session]) -> None:
    (ann,) = add_learners(sessions, 1)
    sid = submit(sessions, ann)
    with sessions() as session:
        submission_events.record(session, sid, ann, "python/two-fer", "queued")
        session.commit()
        old = utcnow() - timedelta(seconds=submission_events.KEEP_S + 60)
        session.execute(update(SubmissionEvent).values(at=old))
        submission_events.record(session, sid, ann, "python/two-fer", "done")
        session.commit()
        assert session.scalar(select(func.count()).select_from(SubmissionEvent)) == 1
