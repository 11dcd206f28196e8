"""The classroom view on the site's one push channel (web/events.py): the topic `cohort:<id>` (or
`cohort:all`) of web/classroom.py, staff only, changes when a learner in view sends an attempt or its
grading ends, never for another cohort's learners, and a page that was away catches up when it is back."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

import service.grading_job
from config import Settings
from grader.result import Result
from service.grading_job import GradingJob, RetryPolicy
from service.scheduler import claim_next
from store.changes import version_of
from store.db import make_engine, session_factory
from store.models import Cohort, User
from tests.helpers.events import Event, follow, stream_events
from tests.helpers.site import Browser, change_settings

WAIT_S = 15.0  # far below the stream's 25 s: an event that came proves a push, not a reconnection


@pytest.fixture
def cohorts(app: Flask, db_session: Session) -> dict[str, int]:
    """Ann is in "Morning", Bob in "Evening"; learners may send again at once."""
    change_settings(app, submit_cooldown_s=0.0)
    users = {user.username: user for user in db_session.scalars(select(User))}
    found = {}
    for name, member in (("Morning", "ann"), ("Evening", "bob")):
        cohort = Cohort(name=name)
        cohort.members.append(users[member])
        db_session.add(cohort)
        db_session.flush()
        found[name] = cohort.id
    db_session.commit()
    return found


def send(learner: Browser, code: str = "print('Hello')") -> None:
    learner.get("/exercises/python/greet")
    assert learner.post("/exercises/python/greet/submit", {"file-0": code}).status_code == 302


def soon(action: Callable[[], None]) -> threading.Thread:
    """Do `action` in a moment, in a thread of its own: while the test waits on a stream (whose request
    holds this thread's database session, as a stream holds a server thread)."""
    def later() -> None:
        time.sleep(0.3)
        action()

    thread = threading.Thread(target=later)
    thread.start()
    return thread


def next_within(stream: Iterator[Event], seconds: float = WAIT_S) -> Event:
    started = time.monotonic()
    event = next(stream)
    assert time.monotonic() - started < seconds, "came at the stream's end, not when it changed"
    return event


def test_staff_hear_at_once_when_a_learner_of_the_cohort_sends(as_ines: Browser, as_ann: Browser,
                                                                cohorts: dict[str, int]) -> None:
    topic = f"cohort:{cohorts['Morning']}"
    stream = follow(as_ines, topic)
    kind, first = next(stream)  # the state now
    assert (kind, first["topic"]) == ("cohort", topic)
    sending = soon(lambda: send(as_ann))
    kind, changed = next_within(stream)
    sending.join()
    assert (kind, changed["topic"]) == ("cohort", topic)
    assert changed["state"]["version"] != first["state"]["version"]
    stream.close()


def test_staff_hear_at_once_when_the_grading_ends(as_ines: Browser, as_ann: Browser,
                                                  cohorts: dict[str, int], settings: Settings,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    send(as_ann)
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    with sessions() as session:
        claim = claim_next(session, "host:boot:1:abc")  # being graded: nothing the view shows changed
    assert claim is not None
    monkeypatch.setattr(service.grading_job, "grade_submission",
                        lambda exercise, files, runner: Result(exercise.key, "pass", 2.0, 2.0, 0.1))
    job = GradingJob(sessions, None, settings.exercises, RetryPolicy(), threading.Event())  # type: ignore[arg-type]
    topic = f"cohort:{cohorts['Morning']}"
    stream = follow(as_ines, topic)
    _, first = next(stream)
    grading = soon(lambda: job.run(claim))
    kind, graded = next_within(stream)
    grading.join()
    assert (kind, graded["topic"]) == ("cohort", topic)
    assert graded["state"]["version"] != first["state"]["version"]
    stream.close()
    engine.dispose()


def test_another_cohorts_learners_are_not_heard(as_ines: Browser, as_ann: Browser, as_bob: Browser,
                                                cohorts: dict[str, int], db_session: Session) -> None:
    topic = f"cohort:{cohorts['Morning']}"
    stream = follow(as_ines, topic)
    _, first = next(stream)
    others = {name: version_of(db_session, name) for name in (f"cohort:{cohorts['Evening']}", "cohort:all")}
    soon(lambda: send(as_bob)).join()  # an Evening learner: this stream is not woken ...
    db_session.rollback()
    assert all(version_of(db_session, name) != version for name, version in others.items())
    assert version_of(db_session, topic) == first["state"]["version"]
    sending = soon(lambda: send(as_ann))  # ... until a Morning learner sends
    kind, changed = next_within(stream)
    sending.join()
    assert changed["topic"] == topic and changed["state"]["version"] != first["state"]["version"]
    db_session.rollback()
    assert changed["state"]["version"] == version_of(db_session, topic)  # one event: Ann's, not Bob's
    stream.close()


def test_a_learner_gets_gone_for_any_class(as_ann: Browser, cohorts: dict[str, int]) -> None:
    for topic in ("cohort:all", f"cohort:{cohorts['Morning']}", f"cohort:{cohorts['Evening']}"):
        assert stream_events(as_ann, topic) == [("gone", {"topic": topic}), ("end", {})]  # even their own


def test_staff_get_gone_for_a_cohort_that_does_not_exist(as_ines: Browser, cohorts: dict[str, int]) -> None:
    for topic in ("cohort:999", "cohort:x", f"cohort:0{cohorts['Morning']}"):
        assert stream_events(as_ines, topic) == [("gone", {"topic": topic}), ("end", {})]


def rendered_version(browser: Browser, query: str) -> tuple[str, str]:
    page = browser.get(f"/teach/{query}").get_data(as_text=True)
    found = re.search(r'data-events="/events" data-topic="([^"]+)"\s+data-version="([^"]+)"', page)
    assert found, "the page watches its topic on the site's push channel"
    return found.group(1), found.group(2)


def test_a_page_that_was_away_catches_up_and_one_that_was_not_does_not_redraw(
        app: Flask, as_ines: Browser, as_ann: Browser, cohorts: dict[str, int]) -> None:
    topic, rendered = rendered_version(as_ines, f"?cohort={cohorts['Morning']}")
    assert topic == f"cohort:{cohorts['Morning']}"
    assert rendered_version(as_ines, "")[0] == "cohort:all"
    quiet = stream_events_now(app, as_ines, topic)
    assert quiet == rendered  # nothing changed: the page keeps its panels
    send(as_ann)  # while the page's connection was away
    assert stream_events_now(app, as_ines, topic) != rendered  # so it looks again when it is back


def stream_events_now(app: Flask, browser: Browser, topic: str) -> str:
    """The version the stream sends first (a busy process answers at once, with the states now)."""
    slots = app.extensions["grader.events"].streams
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        ((kind, data),) = stream_events(browser, topic)
    finally:
        for _ in range(taken):
            slots.release()
    assert kind == "cohort"
    return str(data["state"]["version"])


def test_the_classroom_channel_of_its_own_is_gone(as_ines: Browser) -> None:
    assert as_ines.get("/teach/events").status_code == 404
