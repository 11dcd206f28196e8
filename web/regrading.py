"""Grading learners' attempts again, at an instructor's request and with a reason: one attempt, or
every graded attempt of an exercise (after the exercise changed). Each attempt is graded again in
place and keeps its earlier grading in its history (store.regrades); the learner's list of attempts
never grows."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from store.models import ExerciseRow, Submission, audit
from store.regrades import REASON_MAX, REGRADABLE, can_regrade, request_regrade
from web import security
from web.auth import role_required
from web.database import db
from web.submissions import notify_workers

bp = Blueprint("regrading", __name__, url_prefix="/teach")


def published_sha256(key: str) -> str | None:
    """The version attempts at `key` are graded on again: the published one (None: none, keep theirs)."""
    row = db().scalar(select(ExerciseRow).where(ExerciseRow.key == key))
    return row.published_sha256 if row is not None and row.published else None
staff_only = role_required("instructor", "admin")


def _stripped(text: str | None) -> str | None:
    return text.strip() if text else text


class RegradeForm(FlaskForm):
    """Its fields are named `regrade-...`: the attempt page also has the score form's `reason`."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(prefix="regrade", **kwargs)

    reason = StringField("Why grade it again (kept in the attempt's history; the learner reads it)",
                         filters=[_stripped],
                         validators=[DataRequired("Write why it is graded again."), Length(max=REASON_MAX)])


@bp.route("/submissions/<int:submission_id>/regrade", methods=["POST"])
@staff_only
def regrade_one(submission_id: int) -> Response:
    attempt = db().get(Submission, submission_id)
    if attempt is None:
        abort(404)
    form = RegradeForm()
    if not can_regrade(attempt):
        flash(f"Attempt {attempt.id} is being graded already: its new result shows here when it is ready.",
              "error")
        return redirect(url_for("learner.submission_page", submission_id=attempt.id))
    if not form.validate():
        flash("Nothing was queued: write why this attempt is graded again.", "error")
        return redirect(url_for("learner.submission_page", submission_id=attempt.id, _anchor="regrade"))
    reason = form.reason.data or ""
    request_regrade(db(), attempt, g.user.id, reason, exercise_sha256=published_sha256(attempt.exercise_key))
    audit(db(), g.user.id, "submission.regrade", f"submission:{attempt.id}", {"reason": reason},
          security.client_ip())
    db().commit()
    notify_workers([attempt.id])
    flash(f"Attempt {attempt.id} is queued to be graded again. It keeps its result until the new one "
          "is ready.", "info")
    return redirect(url_for("learner.submission_page", submission_id=attempt.id))


@bp.route("/exercises/<track>/<slug>/regrade", methods=["POST"])
@staff_only
def regrade_exercise(track: str, slug: str) -> Response:
    """Grade again every attempt of an exercise whose grading ended (graded, or could not be graded)."""
    key = f"{track}/{slug}"
    form = RegradeForm()
    if not form.validate():
        flash(f"Nothing was queued for {key}: write why its attempts are graded again.", "error")
        return redirect(url_for("instructor.catalogue"))
    reason = form.reason.data or ""
    attempts = db().scalars(
        select(Submission).where(Submission.exercise_key == key, Submission.status.in_(REGRADABLE),
                                 Submission.regrade_requested_at.is_(None), Submission.preview.is_(False))
    ).all()
    published = published_sha256(key)
    for attempt in attempts:
        request_regrade(db(), attempt, g.user.id, reason, exercise_sha256=published)
    audit(db(), g.user.id, "exercise.regrade", key, {"count": len(attempts), "reason": reason},
          security.client_ip())
    db().commit()
    notify_workers(attempt.id for attempt in attempts)
    flash(f"{len(attempts)} attempts of {key} are queued to be graded again.", "info")
    return redirect(url_for("instructor.catalogue"))
