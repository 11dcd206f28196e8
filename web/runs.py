"""Run without grading: the learner's program with their input, or one request to their Flask app.

The site only writes a `runs` row (it never holds the Docker socket); a worker's run lane runs it
(service/run_lane.py, grader/tryout.py) and publishes `run:<id>`, which the page watches
(web/events.py). Without scripts, the editor's form posts to the learner blueprint's run route and
the exercise page shows the run (reload it to see the end). A learner has one run going at a time,
and sees only their own runs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, abort, g, jsonify, render_template, request
from sqlalchemy import delete, select
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from grader.exercise import Exercise
from grader.intake import SubmissionRejected, check_submission
from grader.tryout import METHODS, runnable
from store.changes import publish
from store.models import Run, utcnow
from web import events, preview, row_ids
from web.auth import login_required
from web.context import settings
from web.database import db
from web.render import line_marks, seconds

bp = Blueprint("runs", __name__)
KEEP_PER_LEARNER = 10
MAX_FORM_FIELDS = 50
GOING_FOR_S = 120.0
"""A run unfinished for longer than this no longer keeps its learner from running again (its worker
may have stopped: the run lane ends it as an error later)."""


def owned_run(run_id: int) -> Run:
    """The run if it is the current user's (staff do not look at runs: they are scratch work)."""
    run = db().get(Run, run_id)
    if run is None or run.user_id != g.user.id:
        abort(404)
    return run


def form_fields(text: str) -> dict[str, str]:
    """`name=value` lines as a form (blank lines skipped; a line without `=` is a name with no value)."""
    fields: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            name, _, value = line.partition("=")
            fields[name.strip()] = value
    return dict(list(fields.items())[:MAX_FORM_FIELDS])


def run_request_from_form(kind: str) -> dict[str, Any]:
    """What to run with, from the posted form; raises ValueError with a sentence for the learner."""
    if kind == "program":
        return {"stdin": request.form.get("stdin", "").replace("\r\n", "\n")[:64 * 1024]}
    method = request.form.get("method", "GET").upper()
    path = request.form.get("path", "/").strip() or "/"
    if method not in METHODS:
        raise ValueError("Choose GET or POST.")
    if not path.startswith("/") or any(char.isspace() for char in path) or len(path) > 500:
        raise ValueError("The path starts with / and has no spaces, like /hello or /add?name=Ann.")
    text = request.form.get("form_fields", "")[:16 * 1024]
    return {"method": method, "path": path, "form": form_fields(text), "form_text": text}


def start_run(exercise: Exercise, files: dict[str, str]) -> Run | tuple[list[str], int]:
    """Queue a run of the editor's `files` with what the form asks; or the problems and the status
    to answer with (422: something to fix, 429: wait a moment)."""
    how = runnable(exercise)
    if how is None:
        abort(404)
    session = db()
    try:
        check_submission(exercise.files, {path: text.encode() for path, text in files.items()})
        asked = run_request_from_form(how.kind)
    except SubmissionRejected as refused:
        return refused.problems, 422
    except ValueError as error:
        return [str(error)], 422
    recent = utcnow() - timedelta(seconds=GOING_FOR_S)
    going = session.scalar(select(Run.id).where(Run.user_id == g.user.id, Run.created_at > recent,
                                                Run.status.in_(("queued", "running"))))
    if going is not None:
        return ["Your last run has not finished yet. Wait for it, then run again."], 429
    mine = select(Run.created_at).where(Run.user_id == g.user.id)
    last = session.scalar(mine.order_by(Run.id.desc()).limit(1))
    wait = settings().run_cooldown_s - (utcnow() - last).total_seconds() if last else 0.0
    if wait > 0:
        return [f"You ran your program a moment ago. You can run it again in {seconds(wait)}."], 429
    run = Run(user_id=g.user.id, exercise_key=exercise.key, kind=how.kind, files=files, request=asked)
    session.add(run)
    session.flush()
    publish(session, f"run:{run.id}")
    _forget_old_runs(g.user.id)
    session.commit()
    return run


def _forget_old_runs(user_id: int) -> None:
    keep = select(Run.id).where(Run.user_id == user_id).order_by(Run.id.desc()).limit(KEEP_PER_LEARNER)
    db().execute(delete(Run).where(Run.user_id == user_id, Run.id.not_in(keep.scalar_subquery())))


def run_state(run: Run) -> dict[str, Any]:
    """What the page shows of a run: its status, the rendered console and the line it points at."""
    output = run.output or {}
    marks = []
    if output.get("file") and output.get("line"):
        marks = [{"file": output["file"], "line": output["line"], "message": output.get("explanation", "")}]
    else:
        marks = line_marks({"checks": [{"status": "fail", "message": output.get("explanation", "")}]},
                           list(run.files))
    return {"id": run.id, "status": run.status, "html": render_run(run), "marks": marks}


def render_run(run: Run) -> str:
    url = preview.url_for_run(run) if (run.output or {}).get("response") else None
    return render_template("learner/_run.html", run=run, output=run.output or {}, response_url=url)


@bp.route("/runs/<int:run_id>")
@login_required
def run_status(run_id: int) -> Response:
    return jsonify(run_state(owned_run(run_id)))


def pushed_state(key: str) -> dict[str, Any] | None:
    """The state of topic `run:<key>` for web/events.py (None: not this user's run)."""
    run_id = row_ids.row_id(key)
    try:
        return run_state(owned_run(run_id)) if run_id is not None else None
    except NotFound:
        return None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    events.register(app, "run", pushed_state, lambda state: state["status"] in ("done", "error"))
