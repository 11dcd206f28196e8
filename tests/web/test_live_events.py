"""The push channel (web/live_events.py): server-sent events of the learners in view, resumable from
the last id a page saw, for staff only."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import submission_events
from store.models import Cohort, SubmissionEvent, User, utcnow
from tests.helpers.site import Browser, graded_submission
from web.database import session_maker
from web.live_events import event_stream


def parse(chunks: list[str]) -> list[dict[str, Any]]:
    """The `submission` events in a stream's chunks, with their ids."""
    found = []
    for block in "".join(chunks).split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":")
        if fields.get("event") == "submission":
            found.append({**json.loads(fields["data"]), "id": int(fields["id"])})
    return found


def record(session: Session, username: str) -> int:
    """A graded attempt and its event; earlier events are a minute old by now."""
    session.execute(update(SubmissionEvent).values(at=utcnow() - timedelta(minutes=1)))
    submission = graded_submission(session, username, passed=True)
    submission_events.record_change(session, submission)
    session.commit()
    return submission.id


def read(response: Any, count: int) -> list[str]:
    """Chunks of a streamed response until `count` events came (the stream polls the database)."""
    chunks: list[str] = []
    for chunk in response.response:
        chunks.append(chunk if isinstance(chunk, str) else chunk.decode())
        if len(parse(chunks)) >= count:
            break
    response.close()
    return chunks


def test_a_page_hears_of_gradings_after_its_cursor(as_ines: Browser, db_session: Session) -> None:
    before = record(db_session, "ann")
    cursor = submission_events.latest_id(db_session)
    mine = record(db_session, "bob")
    response = as_ines.client.get(f"/teach/events?after={cursor}", buffered=False)
    assert response.mimetype == "text/event-stream" and response.headers["Cache-Control"] == "no-store"
    chunks = read(response, 1)
    assert chunks[0] == "retry: 2000\n\n"
    (event,) = parse(chunks)
    assert (event["submission"], event["status"], event["exercise"]) == (mine, "done", "python/greet")
    assert before != mine


def test_a_reconnecting_page_resumes_from_the_last_event_id(as_ines: Browser, db_session: Session) -> None:
    record(db_session, "ann")
    seen = submission_events.latest_id(db_session)
    later = record(db_session, "ann")
    resume = {"Last-Event-ID": str(seen)}
    response = as_ines.client.get("/teach/events?after=0", headers=resume, buffered=False)
    events = parse(read(response, 1))
    assert [event["submission"] for event in events] == [later]


def test_a_cohort_hears_only_its_learners(as_ines: Browser, db_session: Session) -> None:
    cohort = Cohort(name="Evening")
    cohort.members.append(db_session.scalars(select(User).where(User.username == "bob")).one())
    db_session.add(cohort)
    db_session.commit()
    record(db_session, "ann")
    bobs = record(db_session, "bob")
    response = as_ines.client.get(f"/teach/events?cohort={cohort.id}&after=0", buffered=False)
    assert [event["submission"] for event in parse(read(response, 1))] == [bobs]


def test_an_event_arrives_while_the_page_listens(app: Flask, db_session: Session) -> None:
    with app.app_context():
        sessions = session_maker()
    stream = event_stream(sessions, submission_events.latest_id(db_session), None, stream_s=60, poll_s=0.05)
    assert next(stream) == "retry: 2000\n\n"
    arrived: list[str] = []
    listening = threading.Thread(target=lambda: arrived.append(next(stream)))
    listening.start()
    graded = record(db_session, "ann")
    listening.join(timeout=60)
    assert parse(arrived) and parse(arrived)[0]["submission"] == graded
    stream.close()


def test_the_stream_ends_so_that_the_browser_reconnects(app: Flask) -> None:
    with app.app_context():
        sessions = session_maker()
    chunks = list(event_stream(sessions, 0, None, stream_s=0, poll_s=0))
    assert chunks == ["retry: 2000\n\n"]


def test_an_attempt_sent_is_heard_before_it_is_graded(as_ann: Browser, as_ines: Browser,
                                                       db_session: Session) -> None:
    cursor = submission_events.latest_id(db_session)
    as_ann.get("/exercises/python/greet")
    assert as_ann.post("/exercises/python/greet/submit", {"file-0": "print('hi')"}).status_code == 302
    response = as_ines.client.get(f"/teach/events?after={cursor}", buffered=False)
    (event,) = parse(read(response, 1))
    assert (event["status"], event["exercise"]) == ("queued", "python/greet")
