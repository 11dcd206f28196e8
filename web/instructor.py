"""The instructor's pages: the cohort-by-exercise grid, one learner's work, re-grading, changing the
score of an attempt, the catalogue with its validation status, and the grades as CSV."""

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
from store.models import Cohort, Submission, User, audit
from web import security
from web.auth import role_required
from web.context import catalog, settings
from web.database import db
from web.learner import render_submission
from web.overrides import OverrideForm, can_override, change_score, override_for, overrides_for
from web.progress import NOT_STARTED, catalogue_rows, standings
from web.submissions import notify_workers

bp = Blueprint("instructor", __name__, url_prefix="/teach")
staff_only = role_required("instructor", "admin")


def _cohort_members(cohort_id: int | None) -> tuple[Cohort | None, list[User]]:
    """The chosen cohort's learners, or every learner when none is chosen."""
    if cohort_id is None:
        return None, list(db().scalars(select(User).where(User.role == "learner").order_by(User.username)))
    cohort = db().get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort, [user for user in cohort.members if user.role == "learner"]


@bp.route("/")
@staff_only
def grid() -> str:
    cohort, learners = _cohort_members(request.args.get("cohort", type=int))
    exercises = catalogue_rows(db())
    table = standings(db(), [user.id for user in learners])
    cohorts = list(db().scalars(select(Cohort).order_by(Cohort.name)))
    return render_template(
        "instructor/grid.html", cohort=cohort, cohorts=cohorts, learners=learners, exercises=exercises,
        table=table, not_started=NOT_STARTED,
    )


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
        overrides=overrides_for(db(), submissions),
    )


def _regrade(original: Submission) -> Submission:
    # A re-grade always names the learner's own attempt, whose score override it shares.
    copy = Submission(
        user_id=original.user_id, exercise_key=original.exercise_key, files=dict(original.files),
        status="queued", regrade_of=original.regrade_of or original.id,
    )
    db().add(copy)
    return copy


@bp.route("/submissions/<int:submission_id>/regrade", methods=["POST"])
@staff_only
def regrade_one(submission_id: int) -> Response:
    original = db().get(Submission, submission_id)
    if original is None:
        abort(404)
    copy = _regrade(original)
    db().flush()
    audit(db(), g.user.id, "submission.regrade", f"submission:{original.id}", {"new": copy.id},
          security.client_ip())
    db().commit()
    notify_workers([copy.id])
    flash(f"Attempt {original.id} is queued to be graded again as attempt {copy.id}.", "info")
    return redirect(url_for("learner.submission_page", submission_id=copy.id))


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


@bp.route("/exercises/<track>/<slug>/regrade", methods=["POST"])
@staff_only
def regrade_exercise(track: str, slug: str) -> Response:
    """Grade again every learner attempt of an exercise (not earlier re-grades)."""
    key = f"{track}/{slug}"
    originals = db().scalars(
        select(Submission).where(Submission.exercise_key == key, Submission.regrade_of.is_(None),
                                 Submission.status.in_(("done", "error")))
    ).all()
    copies = [_regrade(original) for original in originals]
    db().flush()
    audit(db(), g.user.id, "exercise.regrade", key, {"count": len(copies)}, security.client_ip())
    db().commit()
    notify_workers(copy.id for copy in copies)
    flash(f"{len(copies)} attempts of {key} are queued to be graded again.", "info")
    return redirect(url_for("instructor.catalogue"))


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
    cohort, learners = _cohort_members(request.args.get("cohort", type=int))
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
