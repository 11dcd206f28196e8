"""The change feed (store/changes.py) on a real SQLite database: which topics a learner's attempt
reaches, and versions that move with every change of a topic, late ones included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from store.changes import changes_after, cohort_topics, publish, publish_attempt, version_of
from store.models import Change, Cohort, User
from tests.helpers.service import add_learners, migrated


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        yield sessions


def test_an_attempt_reaches_its_page_and_each_class_view_of_its_learner(
        sessions: sessionmaker[Session]) -> None:
    ann, bob, ines = add_learners(sessions, 3)
    with sessions() as session:
        users = {user.id: user for user in session.scalars(select(User))}
        users[ines].role = "instructor"
        morning, evening = Cohort(name="Morning"), Cohort(name="Evening")
        morning.members.extend([users[ann], users[ines]])
        evening.members.append(users[ann])
        session.add_all([morning, evening])
        session.commit()
        assert cohort_topics(session, ann) == [f"cohort:{morning.id}", f"cohort:{evening.id}", "cohort:all"]
        assert cohort_topics(session, bob) == ["cohort:all"]  # in no cohort: the view of every learner
        assert cohort_topics(session, ines) == []  # staff's own attempts are in no class view
        publish_attempt(session, 7, ann)
        publish_attempt(session, 8, ines)
        session.commit()
        assert [topic for _, topic in changes_after(session, 0)] == [
            "submission:7", f"cohort:{morning.id}", f"cohort:{evening.id}", "cohort:all", "submission:8"]


def test_a_version_moves_with_each_change_of_its_topic_only(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert version_of(session, "cohort:all") == "0.0"
        publish(session, "cohort:all")
        session.commit()
        first = version_of(session, "cohort:all")
        publish(session, "cohort:3", "submission:1")
        session.commit()
        assert version_of(session, "cohort:all") == first
        publish(session, "cohort:all")
        session.commit()
        assert version_of(session, "cohort:all") != first


def test_a_change_that_commits_after_a_newer_one_still_moves_the_version(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        publish(session, "cohort:all")
        publish(session, "cohort:all")
        publish(session, "cohort:all")
        session.commit()
        first, middle, last = (row.id for row in session.scalars(select(Change).order_by(Change.id)))
        session.execute(delete(Change).where(Change.id == middle))
        session.commit()
        seen = version_of(session, "cohort:all")  # what a page read before the late one committed
        session.add(Change(id=middle, topic="cohort:all"))  # ids are handed out before commit
        session.commit()
        assert version_of(session, "cohort:all") != seen and first < middle < last
