"""One submission's status, queue position and result: as JSON, and pushed as the topic
`submission:<id>` (web/events.py).

Learners see only their own submissions (any other id answers 404, like a missing one); the
rendered result panel comes along so that the page shows exactly what a reload would show.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, render_template
from werkzeug.exceptions import NotFound

from store.models import Submission
from web import events, row_ids
from web.auth import login_required
from web.database import db
from web.overrides import overrides_for
from web.pictures import without_picture_data
from web.progress import history
from web.render import line_marks
from web.submissions import owned_submission, submission_view

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission_status(submission_id: int) -> Response:
    return jsonify(submission_state(owned_submission(submission_id)))


def submission_state(submission: Submission) -> dict[str, Any]:
    """What a page shows of a submission: its status and result, the rendered result panel, the
    lines its feedback points at, and (once graded) the learner's rendered list of attempts."""
    view = submission_view(submission)
    data = view.to_json()
    data["result"] = without_picture_data(data["result"])  # the pictures have their own route
    data["html"] = render_template("learner/_result.html", view=view)
    if view.finished and view.submission.user_id == g.user.id:
        attempts = history(db(), g.user.id, view.submission.exercise_key)
        data["history_html"] = render_template("learner/_history.html", attempts=attempts,
                                               overrides=overrides_for(db(), attempts))
    data["marks"] = line_marks(view.result, list(submission.files))
    return data


def pushed_state(key: str) -> dict[str, Any] | None:
    """The state of topic `submission:<key>` for web/events.py (None: not this user's to see)."""
    submission_id = row_ids.row_id(key)
    try:
        return submission_state(owned_submission(submission_id)) if submission_id is not None else None
    except NotFound:
        return None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    events.register(app, "submission", pushed_state, lambda state: state["status"] in ("done", "error"))


@bp.errorhandler(404)
def not_found(_error: Exception) -> tuple[Response, int]:
    return jsonify(error="not found"), 404


@bp.errorhandler(401)
def not_logged_in(_error: Exception) -> tuple[Response, int]:
    return jsonify(error="not logged in"), 401
