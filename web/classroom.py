"""The instructor's classroom view: who needs help now, the class at a glance, where the class is stuck;
the attempts behind each number; the weekly class report.

The page keeps itself current: it watches the topic `cohort:<id>` (or `cohort:all`) of the site's push
channel (web/events.py), whose state is a version that moves whenever an attempt of a learner in view
changes in a way the view shows (store.changes.publish_attempt). When the version differs from the one
the page was rendered with or last saw (and once a minute, for the "no activity" rule), the page
fetches its three panels again from /teach/panels with the same query (cohort, sort, opened tracks) and
swaps them in place, so the instructor keeps their place. A page that lost its connection compares the
version when it is back, so it catches up on what it missed. Every control is a plain link first:
without JavaScript the page works with reloads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import Blueprint, Flask, abort, g, jsonify, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from store.changes import version_of
from store.models import Cohort
from web import events, row_ids
from web.auth import STAFF, role_required
from web.class_activity import ClassActivity, UnknownCohort, load_class
from web.class_grid import SORT_WORDS, SORTS, class_grid
from web.class_report import Week, class_report
from web.class_stats import class_stats, exercise_stats, finish_of, minutes_words
from web.context import catalog, settings
from web.database import db
from web.help_rules import needs_help

bp = Blueprint("classroom", __name__, url_prefix="/teach")
staff_only = role_required(*STAFF)


@dataclass(frozen=True)
class ViewState:
    """What the instructor chose: the cohort, the sort and the opened tracks (all in the query)."""

    cohort: int | None = None
    sort: str = "name"
    opened: tuple[str, ...] = ()

    @classmethod
    def from_request(cls) -> ViewState:
        sort = request.args.get("sort", "name")
        opened = tuple(sorted({name for name in request.args.get("open", "").split(",") if name}))
        return cls(request.args.get("cohort", type=int), sort if sort in SORTS else "name", opened)

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query of this state with `changes`, for url_for (empty parts left out)."""
        state = replace(self, **changes)
        found: dict[str, Any] = {"cohort": state.cohort, "sort": None if state.sort == "name" else state.sort,
                                 "open": ",".join(state.opened) or None}
        return {key: value for key, value in found.items() if value is not None}

    def toggled(self, track: str) -> dict[str, Any]:
        opened = set(self.opened) ^ {track}
        return self.args(opened=tuple(sorted(opened)))

    def sorted_by(self, column: str) -> dict[str, Any]:
        """Sort by `column` ("progress" or "activity"); again: the other way round."""
        return self.args(sort=f"-{column}" if self.sort == column else column)

    @property
    def topic(self) -> str:
        """The push channel's topic of the learners in view."""
        return f"cohort:{'all' if self.cohort is None else self.cohort}"


def _activity(state: ViewState) -> ClassActivity:
    try:
        return load_class(db(), state.cohort, catalog())
    except UnknownCohort:
        abort(404)


def _panels(state: ViewState) -> dict[str, Any]:
    activity = _activity(state)
    return {
        "state": state, "activity": activity, "cohort": activity.cohort,
        "grid": class_grid(activity, state.sort, state.opened),
        "help": needs_help(activity, settings().help), "stats": class_stats(activity),
        "sort_words": SORT_WORDS, "minutes_words": minutes_words,
    }


@bp.route("/")
@staff_only
def view() -> str:
    state = ViewState.from_request()
    version = version_of(db(), state.topic)  # read before the panels: a change in between is seen again
    cohorts = list(db().scalars(select(Cohort).order_by(Cohort.name)))
    return render_template("classroom/view.html", cohorts=cohorts, version=version, **_panels(state))


@bp.route("/panels")
@staff_only
def panels() -> Response:
    """The three panels of the view, rendered, for the page to swap in (the same query as the page)."""
    context = _panels(ViewState.from_request())
    return jsonify(
        help=render_template("classroom/_help.html", **context),
        grid=render_template("classroom/_grid.html", **context),
        stuck=render_template("classroom/_stuck.html", **context),
    )


@bp.route("/attempts")
@staff_only
def attempts() -> str:
    """The attempts behind a number of "Where the class is stuck": of one exercise (`exercise`), all of
    them, or those a check failed in (`check`), or each learner's finish (`show=finished`)."""
    state = ViewState.from_request()
    activity = _activity(state)
    exercise = next((e for e in activity.exercises if e.key == request.args.get("exercise")), None)
    if exercise is None:
        abort(404)
    check = request.args.get("check") or None
    show = "finished" if request.args.get("show") == "finished" else "attempts"
    names = {user.id: user for user in activity.learners}
    finishes = [finish for finish in (finish_of(activity, uid, exercise.key) for uid in names) if finish]
    rows = [attempt for uid in names for attempt in activity.tries(uid, exercise.key)
            if check is None or any(failure.id == check for failure in attempt.failures)]
    rows.sort(key=lambda attempt: (attempt.created_at, attempt.id), reverse=True)
    return render_template(
        "classroom/attempts.html", state=state, cohort=activity.cohort, exercise=exercise, check=check,
        show=show, rows=rows, finishes=sorted(finishes, key=lambda f: f.attempt.created_at), names=names,
        stats=exercise_stats(activity, exercise), minutes_words=minutes_words,
    )


@bp.route("/report")
@staff_only
def report() -> str | tuple[str, int]:
    """The weekly class report of a cohort (or of every learner), to print or save as PDF."""
    state = ViewState.from_request()
    try:
        week = Week.parse(request.args.get("week"), date.today())
    except ValueError as error:
        return render_template("error.html", code=400, message=f"{error}."), 400
    activity = _activity(state)
    return render_template("classroom/report.html", state=state, cohort=activity.cohort,
                           report=class_report(activity, week), made_at=activity.now)


def pushed_state(key: str) -> dict[str, Any] | None:
    """The state of topic `cohort:<key>` (a cohort's id, or `all`) for web/events.py: the version of
    what the classroom view shows of those learners. None (`gone`) for learners, and for a cohort that
    does not exist."""
    if g.user.role not in STAFF:
        return None
    cohort_id = row_ids.row_id(key)
    if key != "all" and (cohort_id is None or db().get(Cohort, cohort_id) is None):
        return None
    return {"version": version_of(db(), f"cohort:{key}")}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    events.register(app, "cohort", pushed_state, lambda state: False)  # a class never ends
