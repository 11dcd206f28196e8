"""Who needs help now (web/help_rules.py): each rule at its threshold and just below it, only the class
in session, the order by need, and thresholds from the settings; on a real SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import HelpThresholds
from store.models import Cohort, User
from tests.helpers.classroom import add_attempt, add_draft
from web.class_activity import load_class
from web.help_rules import NeedsHelp, needs_help

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
GREET, PAGE = "python/greet", "web/page"
RULES = HelpThresholds()


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


@pytest.fixture
def people(db_session: Session) -> dict[str, int]:
    users = {user.username: user.id for user in db_session.scalars(select(User))}
    for username in ("ann", "bob"):  # both in class this morning
        user = db_session.get(User, users[username])
        assert user is not None
        user.last_login_at = ago(60)
    db_session.commit()
    return users


def listed(session: Session, thresholds: HelpThresholds = RULES,
           cohort: int | None = None) -> list[NeedsHelp]:
    session.commit()
    return needs_help(load_class(session, cohort, now=NOW), thresholds)


def keep_bob_busy(session: Session, people: dict[str, int]) -> None:
    """Bob works without trouble: the class is in session."""
    add_draft(session, people["bob"], PAGE, began=ago(5), touched=ago(1))


def test_the_same_check_failing_three_times_in_a_row(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    for minutes in (9, 6):
        add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(minutes))
    assert listed(db_session) == []  # twice is not yet "again and again"
    latest = add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(3))
    (entry,) = listed(db_session)
    assert entry.user.username == "ann" and entry.attempt_id == latest.id
    assert entry.main.rule == "same_check"
    assert entry.main.sentence == "“Says hello” failed 3 times in a row on “Greet”."
    assert entry.main.failure is not None
    assert entry.main.failure.message == "Your program's output is not what was expected."


def test_a_hidden_check_is_named_as_one(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    for minutes in (9, 6, 3):
        add_attempt(db_session, people["ann"], GREET, ("io-2",), ago(minutes))
    (entry,) = listed(db_session)
    assert entry.main.sentence == "“Secret check” (a hidden check) failed 3 times in a row on “Greet”."


def test_failed_attempts_in_a_row_on_different_checks(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(9))
    add_attempt(db_session, people["ann"], GREET, ("io-2",), ago(6))
    assert listed(db_session) == []
    add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(3))
    (entry,) = listed(db_session)
    assert entry.main.rule == "failing"
    assert entry.main.sentence == "3 attempts in a row without full marks on “Greet”."


def test_full_marks_end_the_trouble(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    for minutes in (12, 9, 6):
        add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(minutes))
    add_attempt(db_session, people["ann"], GREET, (), ago(3))
    assert listed(db_session) == []


def test_a_long_time_on_the_exercise_they_are_on(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    draft = add_draft(db_session, people["ann"], GREET, began=ago(19.5), touched=ago(1))
    assert listed(db_session) == []
    draft.created_at = ago(25)
    add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(4))
    (entry,) = listed(db_session)
    assert entry.main.sentence == "25 min on “Greet” without full marks (1 attempt)."


def test_no_activity_while_the_class_works(db_session: Session, people: dict[str, int]) -> None:
    add_draft(db_session, people["ann"], GREET, began=ago(16), touched=ago(15))
    assert listed(db_session) == []  # nobody works: a break, not an idle learner
    keep_bob_busy(db_session, people)
    (entry,) = listed(db_session)
    assert (entry.user.username, entry.main.rule) == ("ann", "idle")
    assert entry.main.sentence == "No activity for 15 min while the class works (last on “Greet”)."


def test_logged_in_and_nothing_since(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    ann = db_session.get(User, people["ann"])
    assert ann is not None
    ann.last_login_at = ago(12)
    (entry,) = [entry for entry in listed(db_session) if entry.user.username == "ann"]
    assert entry.main.sentence == "No activity for 12 min while the class works since logging in."


def test_only_the_class_in_session_counts(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    for minutes in (200, 190, 180):  # this morning's trouble, three hours ago
        add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(minutes))
    ann = db_session.get(User, people["ann"])
    assert ann is not None
    ann.last_login_at = ago(210)
    assert listed(db_session) == []  # not in this session: absent, not idle or stuck


def test_the_most_in_need_come_first_with_their_strongest_reason(db_session: Session,
                                                                   people: dict[str, int]) -> None:
    add_draft(db_session, people["bob"], PAGE, began=ago(30), touched=ago(2))  # long on one exercise
    add_draft(db_session, people["ann"], GREET, began=ago(40), touched=ago(1))
    for minutes in (20, 15, 10, 5):
        add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(minutes))
    first, second = listed(db_session)
    assert (first.user.username, [r.rule for r in first.reasons]) == ("ann", ["same_check", "long"])
    assert (second.user.username, [r.rule for r in second.reasons]) == ("bob", ["long"])
    assert first.need > second.need


def test_thresholds_come_from_the_settings(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(6))
    add_attempt(db_session, people["ann"], GREET, ("io-2",), ago(3))
    assert listed(db_session) == []
    (entry,) = listed(db_session, HelpThresholds(failed_in_a_row=2))
    assert entry.main.sentence == "2 attempts in a row without full marks on “Greet”."


def test_only_the_chosen_cohort(db_session: Session, people: dict[str, int]) -> None:
    keep_bob_busy(db_session, people)
    for minutes in (9, 6, 3):
        add_attempt(db_session, people["ann"], GREET, ("io-1",), ago(minutes))
    cohort = Cohort(name="Evening")
    cohort.members.append(db_session.get(User, people["bob"]))  # type: ignore[arg-type]
    db_session.add(cohort)
    db_session.flush()
    assert listed(db_session, cohort=cohort.id) == []
    assert [entry.user.username for entry in listed(db_session)] == ["ann"]
