"""The JSON API the pages poll: one submission's status, queue position and result.

Learners see only their own submissions (any other id answers 404, like a missing one); the
rendered result panel comes along so that the page shows exactly what a reload would show.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, render_template

from web.auth import login_required
from web.database import db
from web.overrides import overrides_for
from web.pictures import without_picture_data
from web.progress import history
from web.submissions import owned_submission, submission_view

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission_status(submission_id: int) -> Response:
    view = submission_view(owned_submission(submission_id))
    data = view.to_json()
    data["result"] = without_picture_data(data["result"])  # the pictures have their own route
    data["html"] = render_template("learner/_result.html", view=view)
    if view.finished and view.submission.user_id == g.user.id:
        attempts = history(db(), g.user.id, view.submission.exercise_key)
        data["history_html"] = render_template("learner/_history.html", attempts=attempts,
                                               overrides=overrides_for(db(), attempts))
    return jsonify(data)


@bp.errorhandler(404)
def not_found(_error: Exception) -> tuple[Response, int]:
    return jsonify(error="not found"), 404


@bp.errorhandler(401)
def not_logged_in(_error: Exception) -> tuple[Response, int]:
    return jsonify(error="not logged in"), 401
