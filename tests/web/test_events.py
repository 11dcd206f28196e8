"""The site's push channel (web/events.py): changes that commit out of order (ids are handed out before
commit, so on PostgreSQL a change can become visible after a newer one was read) are pushed anyway,
once; keys that name no row are `gone`, never an error. The topics' own tests are in test_workbench.py
and test_classroom_push.py."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.changes import publish
from store.models import Change
from tests.helpers.events import follow, stream_events
from tests.helpers.site import Browser
from web.database import engine
from web.events import ChangeWatcher

WAIT_S = 15.0  # far below the stream's 25 s: an event that came proves a push, not a reconnection


def committed_out_of_order(session: Session) -> int:
    """Three changes, the middle one (of `cohort:all`) not committed yet: its id."""
    publish(session, "cohort:all", "cohort:all", "run:1")
    session.commit()
    late = sorted(session.scalars(select(Change.id)))[1]
    session.execute(delete(Change).where(Change.id == late))  # its transaction is still open ...
    session.commit()
    return late  # ... while the newer `run:1` is committed


def test_a_change_that_commits_after_a_newer_one_is_pushed(as_ines: Browser,
                                                                  db_session: Session) -> None:
    late = committed_out_of_order(db_session)
    stream = follow(as_ines, "cohort:all")  # ... while a newer change was committed, and read
    _, first = next(stream)

    def commits() -> None:
        time.sleep(0.5)
        db_session.add(Change(id=late, topic="cohort:all"))  # then it commits
        db_session.commit()

    writer = threading.Thread(target=commits)
    started = time.monotonic()
    writer.start()
    kind, pushed = next(stream)
    writer.join()
    assert time.monotonic() - started < WAIT_S, "came at the stream's end, not when it committed"
    assert kind == "cohort" and pushed["state"]["version"] != first["state"]["version"]
    stream.close()


def test_the_watcher_tells_a_late_change_once(app: Flask, db_session: Session) -> None:
    watcher = ChangeWatcher(engine(app))
    late = committed_out_of_order(db_session)
    at = watcher.position()
    db_session.add(Change(id=late, topic="cohort:all"))
    db_session.commit()
    at, changed = watcher.wait({"cohort:all"}, at, WAIT_S)
    assert changed == {"cohort:all"}
    publish(db_session, "run:2")
    db_session.commit()
    at, changed = watcher.wait({"cohort:all", "run:2"}, at, WAIT_S)
    assert changed == {"run:2"}  # read again while it is recent, never told again


@pytest.mark.parametrize("kind", ["submission", "run", "cohort"])
@pytest.mark.parametrize("key", ["99999999999999999999999", "012", "-1", "1.0", "\uff11", "1 "])
def test_a_key_that_names_no_row_is_gone(as_ines: Browser, kind: str, key: str) -> None:
    topic = f"{kind}:{key}"
    assert stream_events(as_ines, topic) == [("gone", {"topic": topic}), ("end", {})]
