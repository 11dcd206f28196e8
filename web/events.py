"""Pushed updates: a page watches topics (`submission:12`, `run:4`, ...) over one server-sent-events
stream and gets each topic's new state as soon as it changes, instead of polling.

How it works, for whoever adds a topic:

- A *topic kind* is registered once with `register(app, kind, state, final)`: `state(key)` returns
  the JSON-able state of `kind:key` for the current user (None when they may not see it: the stream
  says `gone`, exactly as for a missing one); `final(state)` says that no further change will come.
- Whatever changes a topic calls `store.changes.publish(session, "kind:key")` in the same transaction
  (the worker does for `submission:<id>` and `run:<id>`). Any process may publish.
- The page opens `GET /events?watch=kind:key&watch=...` (EventSource). The stream sends one event
  per topic at once (its current state), then one each time it changes: `event: <kind>`,
  `data: {"topic": "kind:key", "state": ...}`. It ends with `event: end` when every topic is final,
  or after `STREAM_S` (EventSource then reconnects by itself and gets the current states again).

Each site process has one `ChangeWatcher` thread that reads the change feed every `POLL_S` while
any stream waits (one query per process, however many streams), and wakes the streams whose topics
changed. It also reads again the changes of the last `LATE_S` seconds among the `LOOKBACK` ids below
the newest it read, and tells those it had not seen: a change that committed after a newer one (ids are
handed out before commit, on PostgreSQL) is pushed too, not left for the next reconnection.

A stream holds one of gunicorn's threads while it waits, so a process holds at most
`settings().event_streams` of them; beyond that a stream answers at once with the current states
and asks the browser to come back in `BUSY_RETRY_MS` (polling, never a stalled page).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request, stream_with_context
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store.changes import changes_after, newest_id
from web.auth import login_required
from web.database import db

log = logging.getLogger(__name__)
bp = Blueprint("events", __name__)
POLL_S = 0.05
STREAM_S = 25.0
KEEPALIVE_S = 10.0
BUSY_RETRY_MS = 1500
MAX_TOPICS = 8
LOOKBACK = 100
LATE_S = 10.0
EXTENSION = "grader.events"

State = Callable[[str], Any]
Final = Callable[[Any], bool]


@dataclass(frozen=True)
class TopicKind:
    state: State
    final: Final


class ChangeWatcher:
    """Reads the change feed for this process's streams and wakes those whose topics changed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cond = threading.Condition()
        self.waiting = 0
        self.last = -1  # the newest change id read; -1: not read yet
        self.heard: set[int] = set()  # the ids read among the last LOOKBACK: each is told once
        self.told = 0  # how many changes were told to the streams: their positions
        self.recent: deque[tuple[int, str]] = deque(maxlen=5000)  # (position, topic)
        self.thread: threading.Thread | None = None

    def position(self) -> int:
        """Where the streams are now: a stream reads its states after taking it, so no change is missed."""
        with self.cond:
            if self.last < 0:
                with Session(self.engine) as session:
                    self.last = newest_id(session)
                    self.heard = {number for number, _ in _read(session, self.last)}
            return self.told

    def wait(self, topics: set[str], after: int, timeout_s: float) -> tuple[int, set[str]]:
        """Wait until one of `topics` changed after position `after` (or `timeout_s`); the position now
        and which of `topics` changed."""
        deadline = time.monotonic() + timeout_s
        with self.cond:
            self.waiting += 1
            self._ensure_thread()
            self.cond.notify_all()
            try:
                while True:
                    changed = {topic for number, topic in self.recent if number > after and topic in topics}
                    remaining = deadline - time.monotonic()
                    if changed or remaining <= 0:
                        return self.told, changed
                    self.cond.wait(remaining)
            finally:
                self.waiting -= 1

    def _ensure_thread(self) -> None:
        if self.thread is None or not self.thread.is_alive():
            self.thread = threading.Thread(target=self._run, name="change-watcher", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.waiting:
                    self.cond.wait()
                after = self.last
            try:
                if after < 0:
                    self.position()
                    continue
                with Session(self.engine) as session:
                    rows = _read(session, after)
                newest = rows[-1][0] if rows else after
            except Exception as error:  # the database is busy or away: the streams time out and retry
                log.warning("could not read the change feed: %s", error)
                time.sleep(1.0)
                continue
            with self.cond:
                fresh = [(number, topic) for number, topic in rows if number not in self.heard]
                self.last = max(self.last, newest)
                self.heard = {number for number in self.heard.union(n for n, _ in fresh)
                              if number > self.last - LOOKBACK}  # only those that can be read again
                for _, topic in fresh:
                    self.told += 1
                    self.recent.append((self.told, topic))
                if fresh:
                    self.cond.notify_all()
            time.sleep(POLL_S)


def _read(session: Session, after: int) -> list[tuple[int, str]]:
    """The changes after id `after`, and the late ones just below it (see the module's docstring)."""
    return changes_after(session, after, lookback=LOOKBACK, late_s=LATE_S)


@dataclass
class _Events:
    kinds: dict[str, TopicKind]
    watcher: ChangeWatcher
    streams: threading.BoundedSemaphore


def init_app(app: Flask, engine: Engine, streams: int) -> None:
    slots = threading.BoundedSemaphore(max(1, streams))
    app.extensions[EXTENSION] = _Events({}, ChangeWatcher(engine), slots)
    app.register_blueprint(bp)


def register(app: Flask, kind: str, state: State, final: Final) -> None:
    """Let pages watch `kind:<key>` topics (see the module's docstring)."""
    app.extensions[EXTENSION].kinds[kind] = TopicKind(state, final)


def _events() -> _Events:
    found: _Events = current_app.extensions[EXTENSION]
    return found


def _message(event: str, data: Any, retry_ms: int | None = None) -> str:
    head = f"retry: {retry_ms}\n" if retry_ms is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _watched() -> list[tuple[str, TopicKind, str]]:
    topics = list(dict.fromkeys(request.args.getlist("watch")))
    if not topics or len(topics) > MAX_TOPICS:
        abort(400)
    found = []
    for topic in topics:
        kind, _, key = topic.partition(":")
        entry = _events().kinds.get(kind)
        if entry is None or not key:
            abort(400)
        found.append((topic, entry, key))
    return found


@bp.route("/events")
@login_required
def stream() -> Response:
    watched = _watched()
    events = _events()
    holding = events.streams.acquire(blocking=False)

    def states(only: set[str] | None) -> Iterator[tuple[str, str, bool]]:
        """(topic, message, final) for the watched topics (those in `only`, when given)."""
        db().rollback()  # a fresh transaction: see what the worker committed since the last read
        for topic, entry, key in watched:
            if only is not None and topic not in only:
                continue
            state = entry.state(key)
            if state is None:
                yield topic, _message("gone", {"topic": topic}), True
            else:
                kind = topic.partition(":")[0]
                yield topic, _message(kind, {"topic": topic, "state": state}), entry.final(state)

    def body() -> Iterator[str]:
        try:
            if not holding:  # every stream slot of this process is taken: answer now, come back soon
                yield "".join(text for _, text, _ in states(None)) + f"retry: {BUSY_RETRY_MS}\n\n"
                return
            position = events.watcher.position()
            sent = list(states(None))
            finished = {topic for topic, _, final in sent if final}
            yield "retry: 500\n\n" + "".join(text for _, text, _ in sent)
            ends = time.monotonic() + STREAM_S
            while len(finished) < len(watched) and time.monotonic() < ends:
                pending = {topic for topic, _, _ in watched} - finished
                wait_s = min(KEEPALIVE_S, ends - time.monotonic())
                position, changed = events.watcher.wait(pending, position, wait_s)
                if not changed:
                    yield ": still here\n\n"
                    continue
                for topic, text, final in states(changed):
                    yield text
                    if final:
                        finished.add(topic)
            if len(finished) == len(watched):
                yield _message("end", {})
        finally:
            if holding:
                events.streams.release()

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return Response(stream_with_context(body()), mimetype="text/event-stream", headers=headers)

