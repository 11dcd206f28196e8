"""Instructors' authoring pages: publishing drafts, an exercise's versions (and grading the latest
attempts again on a new one), and trying any version of an exercise as a learner would.

A preview attempt is an ordinary submission of the instructor's, marked `preview` and pinned to the
version tried: the worker grades it like any other, its result shows as a learner sees it (hidden
checks only by their verdict), and it never counts anywhere.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from grader.exercise import Exercise
from grader.intake import SubmissionRejected, check_submission
from grader.versions import VersionMissing
from store.models import ExerciseRow, Submission, audit
from store.publishing import (
    NOTE_MAX,
    PublishError,
    find_in,
    outdated_latest_attempts,
    publish,
    publish_drafts,
    regrade_on_published,
    versions_of,
)
from store.regrades import REASON_MAX
from web import security
from web.auth import role_required
from web.context import catalog, draft_catalog, version_store
from web.database import db
from web.submissions import notify_workers, submission_view

bp = Blueprint("authoring", __name__, url_prefix="/teach")
staff_only = role_required("instructor", "admin")
PREVIEWS_SHOWN = 10


def _stripped(text: str | None) -> str | None:
    return text.strip() if text else text


class NoteForm(FlaskForm):
    note = StringField("What changed (kept with the version; optional)", filters=[_stripped],
                       validators=[Length(max=NOTE_MAX)])


class RegradeLatestForm(FlaskForm):
    reason = StringField("Why (the learners read it)", filters=[_stripped],
                         validators=[DataRequired("Write why they are graded again."),
                                     Length(max=REASON_MAX)])


def _row(track: str, slug: str) -> ExerciseRow:
    row = db().scalar(select(ExerciseRow).where(ExerciseRow.key == f"{track}/{slug}"))
    if row is None:
        abort(404)
    return row


@bp.route("/catalogue/publish", methods=["POST"])
@staff_only
def publish_all() -> Response:
    """Publish every sound draft."""
    form = NoteForm()
    if not form.validate():
        flash("Nothing was published: the note is too long.", "error")
        return redirect(url_for("instructor.catalogue"))
    try:
        made = publish_drafts(db(), draft_catalog(), version_store(), g.user.id, form.note.data or "")
    except PublishError as error:
        db().rollback()
        flash(f"Nothing was published: {error}", "error")
        return redirect(url_for("instructor.catalogue"))
    for version in made:
        detail = {"version": version.number, "note": version.note}
        audit(db(), g.user.id, "exercise.published", version.key, detail, security.client_ip())
    db().commit()
    flash(f"{len(made)} exercises published." if made else "There was no draft to publish.", "info")
    return redirect(url_for("instructor.catalogue"))


@bp.route("/exercises/<track>/<slug>/publish", methods=["POST"])
@staff_only
def publish_one(track: str, slug: str) -> Response:
    row = _row(track, slug)
    form = NoteForm()
    if not form.validate():
        flash("Not published: the note is at most 500 characters.", "error")
        return redirect(url_for("authoring.versions", track=track, slug=slug))
    try:
        version = publish(db(), draft_catalog(), version_store(), row.key, g.user.id, form.note.data or "")
    except PublishError as error:
        db().rollback()
        flash(f"Not published: {error}", "error")
        return redirect(url_for("authoring.versions", track=track, slug=slug))
    audit(db(), g.user.id, "exercise.published", row.key, {"version": version.number, "note": version.note},
          security.client_ip())
    db().commit()
    flash(f"Version {version.number} of {row.title} is published: learners see it now, and their next "
          "attempts are graded on it.", "info")
    return redirect(url_for("authoring.versions", track=track, slug=slug))


@bp.route("/exercises/<track>/<slug>/versions")
@staff_only
def versions(track: str, slug: str) -> str:
    row = _row(track, slug)
    outdated = outdated_latest_attempts(db(), row.key)
    return render_template("authoring/versions.html", row=row, versions=versions_of(db(), row.key),
                           outdated=outdated, note_form=NoteForm(formdata=None),
                           regrade_form=RegradeLatestForm(formdata=None))


@bp.route("/exercises/<track>/<slug>/regrade-latest", methods=["POST"])
@staff_only
def regrade_latest(track: str, slug: str) -> Response:
    """Grade each learner's latest attempt again, on the published version, in place."""
    row = _row(track, slug)
    form = RegradeLatestForm()
    if not form.validate():
        flash("Nothing was queued: write why the attempts are graded again.", "error")
        return redirect(url_for("authoring.versions", track=track, slug=slug))
    reason = form.reason.data or ""
    queued = regrade_on_published(db(), outdated_latest_attempts(db(), row.key), g.user.id, reason)
    audit(db(), g.user.id, "exercise.regrade_latest", row.key,
          {"count": len(queued), "version": row.published_version, "reason": reason}, security.client_ip())
    db().commit()
    notify_workers(attempt.id for attempt in queued)
    flash(f"{len(queued)} latest attempts are queued to be graded again on version {row.published_version}. "
          "Each keeps its result until the new one is ready.", "info")
    return redirect(url_for("authoring.versions", track=track, slug=slug))


# ---- trying an exercise as a learner ----------------------------------------------------------------


def _version(track: str, slug: str, which: str) -> tuple[Exercise, str]:
    """The exercise to try (the folder's draft, or the published version) and how to call it."""
    key = f"{track}/{slug}"
    if which == "published":
        exercise = find_in(catalog(), key)
        if exercise is None:
            abort(404)
        row = _row(track, slug)
        return exercise, f"version {row.published_version} (published)"
    exercise = find_in(draft_catalog(), key)
    if exercise is None:
        abort(404)
    return exercise, "the exercises folder's draft"


def _samples(exercise: Exercise) -> dict[str, dict[str, bytes]]:
    """The submissions an author keeps with the exercise, by the name a button shows."""
    found = {"the solution": exercise.read_solution(), "the starter": exercise.read_starter()}
    found.update({f"right/{name}": files for name, files in exercise.right_submissions().items()})
    found.update({f"wrong/{name}": files for name, files in exercise.wrong_submissions().items()})
    return found


@bp.route("/exercises/<track>/<slug>/preview")
@staff_only
def preview(track: str, slug: str) -> str:
    which = "published" if request.args.get("version") == "published" else "draft"
    exercise, label = _version(track, slug, which)
    attempt = db().get(Submission, request.args.get("attempt", type=int) or 0)
    if attempt is not None and (attempt.user_id != g.user.id or not attempt.preview
                                or attempt.exercise_key != exercise.key):
        attempt = None
    if attempt is not None:
        shown = {path: str(attempt.files.get(path, "")) for path in exercise.files}
    else:
        starter = exercise.read_starter()
        shown = {path: starter.get(path, b"").decode("utf-8", "replace") for path in exercise.files}
    mine = (Submission.user_id == g.user.id) & (Submission.exercise_key == exercise.key)
    earlier = db().scalars(select(Submission).where(mine, Submission.preview.is_(True))
                           .order_by(Submission.id.desc()).limit(PREVIEWS_SHOWN)).all()
    published = _row(track, slug).published
    return render_template("authoring/preview.html", exercise=exercise, label=label, which=which,
                           published=published, files=list(enumerate(shown.items())),
                           samples=list(_samples(exercise)),
                           view=submission_view(attempt) if attempt else None,
                           earlier=earlier)


def send_try(exercise: Exercise, raw: dict[str, bytes]) -> Submission:
    """Queue `raw` as this staff member's try of `exercise` (graded on this very version, whatever the
    folder becomes; shown on its *Try as a learner* page). The caller commits, then tells the workers.

    Raises:
        SubmissionRejected: the files are not a submission of this exercise.
        VersionMissing: the version's files cannot be kept.
    """
    files = check_submission(exercise.files, raw)
    version_store().keep(exercise)
    text = {path: data.decode("utf-8", "replace") for path, data in files.items()}
    attempt = Submission(user_id=g.user.id, exercise_key=exercise.key, files=text, status="queued",
                         exercise_sha256=exercise.sha256, preview=True)
    db().add(attempt)
    db().flush()
    return attempt


@bp.route("/exercises/<track>/<slug>/preview", methods=["POST"])
@staff_only
def preview_send(track: str, slug: str) -> Response | tuple[str, int]:
    """Send the editor's files, or one of the exercise's own submissions, as a learner would."""
    which = "published" if request.form.get("version") == "published" else "draft"
    exercise, _ = _version(track, slug, which)
    sample = request.form.get("sample")
    if sample:
        samples = _samples(exercise)
        if sample not in samples:
            abort(400)
        raw = samples[sample]
    else:
        raw = {path: request.form.get(f"file-{index}", "").replace("\r\n", "\n").encode()
               for index, path in enumerate(exercise.files)}
    try:
        attempt = send_try(exercise, raw)
    except SubmissionRejected as refused:
        flash("Not sent: " + " ".join(refused.problems), "error")
        return redirect(url_for("authoring.preview", track=track, slug=slug, version=which))
    except VersionMissing as error:
        flash(f"Not sent: {error}", "error")
        return redirect(url_for("authoring.preview", track=track, slug=slug, version=which))
    audit(db(), g.user.id, "exercise.preview", exercise.key,
          {"submission": attempt.id, "sent": sample or "the editor", "version": which}, security.client_ip())
    db().commit()
    notify_workers([attempt.id])
    return redirect(url_for("authoring.preview", track=track, slug=slug, version=which, attempt=attempt.id,
                            _anchor="result"))
