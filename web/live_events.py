"""The push channel of the live pages: server-sent events telling a page that submissions changed.

    GET /teach/events?cohort=<id>&after=<event id>        (staff only; cohort optional)

answers `text/event-stream`:

    retry: 2000

    id: 42
    event: submission
    data: {"event": 42, "submission": 17, "learner": 5, "exercise": "python/greet", "status": "done"}

one `submission` event per change in the submissions' change feed (store.submission_events: sent,
queued again for a re-grade, graded, could not be graded) of the learners in view. The page subscribes
with `new EventSource(url)` and treats each event as "look again" (delivery is at least once). The
stream ends after STREAM_S, so that a gthread worker's thread is not held for ever; the browser
reconnects by itself after `retry` ms, sending the last id it saw as Last-Event-ID, so nothing is
lost in between. `after` is the feed's newest id when the page was rendered: what happened between
rendering and subscribing is sent too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Iterator

from flask import Blueprint, Response, abort, request
from sqlalchemy.orm import Session, sessionmaker

from store.submission_events import events_after
from web.auth import role_required
from web.class_activity import UnknownCohort, cohort_members
from web.database import db, session_maker

bp = Blueprint("live_events", __name__, url_prefix="/teach")
STREAM_S = 25.0
POLL_S = 1.0
KEEP_ALIVE_S = 10.0  # a comment now and then, so that a closed connection is noticed
RETRY_MS = 2000


@bp.route("/events")
@role_required("instructor", "admin")
def events() -> Response:
    try:
        cohort, learners = cohort_members(db(), request.args.get("cohort", type=int))
    except UnknownCohort:
        abort(404)
    users = {user.id for user in learners} if cohort is not None else None
    cursor = _cursor()
    stream = event_stream(session_maker(), cursor, users)
    return Response(stream, mimetype="text/event-stream", headers={"X-Accel-Buffering": "no"})


def _cursor() -> int:
    for raw in (request.headers.get("Last-Event-ID"), request.args.get("after")):
        if raw and raw.isdigit():
            return int(raw)
    return 0


def event_stream(sessions: sessionmaker[Session], cursor: int, user_ids: Collection[int] | None,
                 stream_s: float = STREAM_S, poll_s: float = POLL_S) -> Iterator[str]:
    """The events after `cursor` of `user_ids` (everyone's when None), as they happen, for `stream_s`."""
    yield f"retry: {RETRY_MS}\n\n"
    sent: set[int] = set()
    ends = time.monotonic() + stream_s
    quiet_since = time.monotonic()
    while True:
        with sessions() as session:
            fresh = [event for event in events_after(session, cursor, user_ids) if event.id not in sent]
        for event in fresh:
            sent.add(event.id)
            cursor = max(cursor, event.id)
            data = {"event": event.id, "submission": event.submission_id, "learner": event.user_id,
                    "exercise": event.exercise_key, "status": event.status}
            yield f"id: {cursor}\nevent: submission\ndata: {json.dumps(data)}\n\n"
        now = time.monotonic()
        if fresh:
            quiet_since = now
        elif now - quiet_since >= KEEP_ALIVE_S:
            quiet_since = now
            yield ": still here\n\n"
        if now >= ends:
            return
        time.sleep(poll_s)
