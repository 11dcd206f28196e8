"""The instructor's pages: one learner's work, changing the score of an attempt, the catalogue with its
validation status, and the grades as CSV. The classroom view is web.classroom; re-grading is
web.regrading."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from werkzeug.wrappers import Response

from store.catalog_sync import sync_catalog
from store.models import Submission, User, audit
from web import security
from web.auth import role_required
from web.class_activity import UnknownCohort, cohort_members
from web.context import catalog, settings
from web.database import db
from web.learner import render_submission
from web.nav import staff_section
from web.overrides import OverrideForm, can_override, change_score, override_for, overrides_for
from web.progress import NOT_STARTED, catalogue_rows, standings

bp = Blueprint("instructor", __name__, url_prefix="/teach")
staff_only = role_required("instructor", "admin")


@bp.route("/learners/<int:user_id>")
@staff_only
def learner(user_id: int) -> str:
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    key = request.args.get("exercise")
    query = select(Submission).where(Submission.user_id == user.id)
    if key:
        query = query.where(Submission.exercise_key == key)
    submissions = list(db().scalars(query.order_by(Submission.created_at.desc()).limit(200)))
    mine = standings(db(), [user.id])
    rows = [(row, mine.get((user.id, row.key), NOT_STARTED)) for row in catalogue_rows(db())]
    return render_template(
        "instructor/learner.html", learner=user, submissions=submissions, rows=rows, exercise_key=key,
        overrides=overrides_for(db(), submissions), nav_section=staff_section(),
    )


def _overridable(submission_id: int) -> Submission:
    submission = db().get(Submission, submission_id)
    if submission is None or not can_override(submission):
        abort(404)
    return submission


@bp.route("/submissions/<int:submission_id>/override", methods=["POST"])
@staff_only
def override(submission_id: int) -> Response | tuple[str, int]:
    """Give one learner attempt a new score, with the reason the learner will read."""
    submission = _overridable(submission_id)
    maximum = submission.max_score or 0
    form = OverrideForm(maximum)
    if not form.validate():
        return render_submission(submission, form, 422)
    score = float(form.score.data or 0)
    change_score(db(), submission, score, form.reason.data or "", g.user, security.client_ip())
    db().commit()
    flash(f"Attempt {submission.id} now counts {score:g} / {maximum:g}.", "info")
    return redirect(url_for("learner.submission_page", submission_id=submission.id))


@bp.route("/submissions/<int:submission_id>/override/remove", methods=["POST"])
@staff_only
def remove_override(submission_id: int) -> Response:
    """Take an instructor's score away: the checks' score counts again."""
    submission = _overridable(submission_id)
    if override_for(db(), submission) is None:
        abort(404)
    change_score(db(), submission, None, "", g.user, security.client_ip())
    db().commit()
    flash(f"Attempt {submission.id} counts its checks' score again.", "info")
    return redirect(url_for("learner.submission_page", submission_id=submission.id))


@bp.route("/catalogue")
@staff_only
def catalogue() -> str:
    scan = catalog()
    track_problems = {key: errors for key, errors in scan.problems.items() if "/" not in key}
    return render_template(
        "instructor/catalogue.html", rows=catalogue_rows(db(), valid_only=False),
        track_problems=track_problems, root=settings().exercises,
    )


@bp.route("/catalogue/sync", methods=["POST"])
@staff_only
def catalogue_sync() -> Response:
    report = sync_catalog(db(), settings().exercises)
    audit(db(), g.user.id, "catalogue.sync", "exercises", report.__dict__, security.client_ip())
    db().commit()
    flash(f"Catalogue read again: {report.valid} exercises ready, {report.invalid} with problems.", "info")
    return redirect(url_for("instructor.catalogue"))


def _cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/export.csv")
@staff_only
def export() -> Response:
    try:
        cohort, learners = cohort_members(db(), request.args.get("cohort", type=int))
    except UnknownCohort:
        abort(404)
    exercises = catalogue_rows(db())
    table = standings(db(), [user.id for user in learners])
    out = io.StringIO()
    writer = csv.writer(out)
    keys = [row.key for row in exercises]
    writer.writerow(["username", "display_name", *keys, "solved", "changed_by_instructor"])
    for user in learners:
        cells = [table.get((user.id, row.key), NOT_STARTED) for row in exercises]
        scores = ["" if cell.best is None else f"{cell.best:g}" for cell in cells]
        solved = sum(cell.solved for cell in cells)
        changed = " ".join(key for key, cell in zip(keys, cells, strict=True) if cell.overridden)
        writer.writerow([_cell(user.username), _cell(user.display_name), *scores, solved, _cell(changed)])
    name = f"grades-{cohort.name if cohort else 'all'}.csv".replace(" ", "-")
    audit(db(), g.user.id, "grades.export", name, {}, security.client_ip())
    db().commit()
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=\"{_safe_filename(name)}\""})


def _safe_filename(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum() or ch in "-_.") or "grades.csv"
