"""The learner's pages: tracks with progress, an exercise (instructions, editor, result, history),
submitting, drafts, and one attempt with its code."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response

from grader.catalog import CatalogScan
from grader.exercise import Exercise
from grader.intake import SubmissionRejected, check_submission
from grader.tryout import runnable
from service.attempt_limits import daily_limit_reached, supersede_waiting
from service.scheduler import cooldown_remaining
from store.catalog_sync import find_exercise
from store.changes import publish_attempt
from store.models import Draft, Run, Submission, audit, utcnow
from store.regrades import can_regrade
from web import preview, security
from web.api import submission_state
from web.auth import login_required
from web.code_diff import diff_files
from web.context import catalog, settings
from web.database import db
from web.nav import staff_section
from web.overrides import OverrideForm, can_override, overrides_for
from web.progress import NOT_STARTED, history, latest_submission, previous_attempt, standings
from web.regrading import RegradeForm
from web.render import seconds
from web.runs import run_state, start_run
from web.submissions import notify_workers, owned_submission, submission_view

bp = Blueprint("learner", __name__)


def _scan() -> CatalogScan:
    return catalog()


def _exercise(track: str, slug: str) -> Exercise:
    exercise = find_exercise(_scan(), f"{track}/{slug}")
    if exercise is None:
        abort(404)
    return exercise


def posted_files(exercise: Exercise) -> dict[str, str]:
    """The editor's files from the form (`file-0`, `file-1`, ... in the order of `exercise.files`)."""
    files = {}
    for index, path in enumerate(exercise.files):
        text = request.form.get(f"file-{index}")
        if text is not None:
            files[path] = text.replace("\r\n", "\n")
    return files


def editor_files(exercise: Exercise, user_id: int) -> dict[str, str]:
    """What the editor opens with: the draft, else the latest attempt, else the starter files."""
    draft = db().get(Draft, (user_id, exercise.key))
    if draft is not None:
        return dict(draft.files)
    latest = latest_submission(db(), user_id, exercise.key)
    if latest is not None:
        return dict(latest.files)
    starter = exercise.read_starter()
    return {path: starter.get(path, b"").decode("utf-8", "replace") for path in exercise.files}


@bp.route("/")
@login_required
def home() -> str:
    scan = _scan()
    mine = {key: standing for (_, key), standing in standings(db(), [g.user.id]).items()}
    tracks = []
    for track in scan.catalog.tracks:
        rows = [(exercise, mine.get(exercise.key, NOT_STARTED)) for exercise in track.exercises]
        solved = sum(1 for _, standing in rows if standing.solved)
        tracks.append({"track": track, "rows": rows, "solved": solved, "total": len(rows)})
    return render_template("learner/home.html", tracks=tracks)


def render_exercise(exercise: Exercise, files: dict[str, str], problems: list[str] | None = None,
                    status: int = 200) -> tuple[str, int]:
    user_id = g.user.id
    latest = latest_submission(db(), user_id, exercise.key)
    draft = db().get(Draft, (user_id, exercise.key))
    attempts = history(db(), user_id, exercise.key)
    run = _shown_run(exercise)
    page = render_template(
        "learner/exercise.html",
        exercise=exercise,
        files=[(index, path, files.get(path, "")) for index, path in enumerate(exercise.files)],
        latest=submission_view(latest) if latest else None,
        attempts=attempts,
        overrides=overrides_for(db(), attempts),
        problems=problems or [],
        preview_url=preview.url_for_draft(draft, exercise) if exercise.runtime == "web" else None,
        saved_at=draft.updated_at.timestamp() if draft else 0,
        runnable=runnable(exercise),
        run=run,
        output=(run.output or {}) if run else {},
        response_url=preview.url_for_run(run) if run and (run.output or {}).get("response") else None,
        run_request=run.request if run else dict(request.form) if request.method == "POST" else {},
    )
    return page, status


def _shown_run(exercise: Exercise) -> Run | None:
    """The run named by `?run=` (after a run without scripts), if it is this learner's, of this page."""
    run_id = request.args.get("run", type=int)
    run = db().get(Run, run_id) if run_id else None
    return run if run and run.user_id == g.user.id and run.exercise_key == exercise.key else None


@bp.app_template_global()
def next_exercise(key: str) -> Exercise | None:
    """The exercise after `key` in teaching order (across tracks), or None after the last one."""
    order = [exercise for track in _scan().catalog.tracks for exercise in track.exercises]
    keys = [exercise.key for exercise in order]
    return order[keys.index(key) + 1] if key in keys and keys.index(key) + 1 < len(order) else None


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/exercises/<track>/<slug>")
@login_required
def exercise_page(track: str, slug: str) -> tuple[str, int]:
    exercise = _exercise(track, slug)
    return render_exercise(exercise, editor_files(exercise, g.user.id))


@bp.route("/exercises/<track>/<slug>/submit", methods=["POST"])
@login_required
def submit(track: str, slug: str) -> Response | tuple[str, int]:
    exercise = _exercise(track, slug)
    files = posted_files(exercise)
    session = db()
    wait = cooldown_remaining(session, g.user.id, settings().submit_cooldown_s)
    if wait > 0:
        message = f"You sent an attempt a moment ago. You can send again in {seconds(wait)}."
        if wants_json():
            save_draft(exercise, files)  # what was typed is kept even when it cannot be sent yet
            session.commit()
            return jsonify(problems=[message]), 429  # type: ignore[return-value]
        return render_exercise(exercise, files, [message], 429)
    limit = daily_limit_reached(session, g.user.id, settings().daily_attempts)
    if limit is not None:
        save_draft(exercise, files)
        session.commit()
        return render_exercise(exercise, files, [limit.sentence()], 429)
    try:
        check_submission(exercise.files, {path: text.encode() for path, text in files.items()})
    except SubmissionRejected as refused:
        if wants_json():
            return jsonify(problems=refused.problems), 422  # type: ignore[return-value]
        return render_exercise(exercise, files, refused.problems, 422)
    submission = Submission(user_id=g.user.id, exercise_key=exercise.key, files=files, status="queued")
    session.add(submission)
    session.flush()
    publish_attempt(session, submission.id, submission.user_id)  # the classroom views hear of it
    replaced = supersede_waiting(session, submission)
    for replaced_id in replaced:
        publish_attempt(session, replaced_id, submission.user_id)
    audit(session, g.user.id, "submission.created", f"submission:{submission.id}",
          {"exercise": exercise.key, "superseded": replaced}, security.client_ip())
    draft = save_draft(exercise, files)
    session.commit()
    notify_workers([submission.id])
    notice = None
    if replaced:
        earlier = ", ".join(f"#{sid}" for sid in replaced)
        notice = f"Your earlier attempt {earlier} was still waiting: only this newer one will be graded."
    if wants_json():
        return jsonify(submission=submission.id, saved_at=draft.updated_at.timestamp(),
                       state=submission_state(submission), notice=notice)
    if notice:
        flash(notice, "info")
    return redirect(url_for("learner.exercise_page", track=track, slug=slug, _anchor="result"))


@bp.route("/exercises/<track>/<slug>/run", methods=["POST"])
@login_required
def run(track: str, slug: str) -> Response | tuple[str, int]:
    """Run the editor's files without grading them (web/runs.py)."""
    exercise = _exercise(track, slug)
    files = posted_files(exercise)
    started = start_run(exercise, files)
    if isinstance(started, Run):
        if wants_json():
            return jsonify(run=started.id, state=run_state(started))
        page = url_for("learner.exercise_page", track=track, slug=slug, run=started.id, _anchor="run")
        return redirect(page)
    problems, status = started
    if wants_json():
        return jsonify(problems=problems), status  # type: ignore[return-value]
    return render_exercise(exercise, files, problems, status)


def save_draft(exercise: Exercise, files: dict[str, str]) -> Draft:
    draft = db().get(Draft, (g.user.id, exercise.key)) or Draft(user_id=g.user.id, exercise_key=exercise.key)
    draft.files = files
    draft.updated_at = utcnow()
    db().add(draft)
    return draft


@bp.route("/exercises/<track>/<slug>/draft", methods=["POST"])
@login_required
def draft(track: str, slug: str) -> Response | tuple[str, int]:
    """Keep the editor's content (autosave, and the preview of an HTML page)."""
    exercise = _exercise(track, slug)
    files = posted_files(exercise)
    try:
        check_submission(exercise.files, {path: text.encode() for path, text in files.items()})
    except SubmissionRejected as refused:
        if wants_json():
            return jsonify(problems=refused.problems), 422  # type: ignore[return-value]
        return render_exercise(exercise, files, refused.problems, 422)
    saved = save_draft(exercise, files)
    db().commit()
    if wants_json():
        url = preview.url_for_draft(saved, exercise) if exercise.runtime == "web" else None
        return jsonify(saved=True, preview_url=url, saved_at=saved.updated_at.timestamp())
    flash("Your work is saved.", "info")
    return redirect(url_for("learner.exercise_page", track=track, slug=slug, _anchor="preview"))


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission_page(submission_id: int) -> tuple[str, int]:
    return render_submission(owned_submission(submission_id))


def render_submission(submission: Submission, override_form: OverrideForm | None = None,
                      status: int = 200) -> tuple[str, int]:
    """One attempt's page. Staff also get the forms that change its score (web.overrides) and grade it
    again (web.regrading), its grading history, and what changed since the learner's attempt before."""
    exercise = find_exercise(_scan(), submission.exercise_key)
    url = preview.url_for_submission(submission) if exercise and exercise.runtime == "web" else None
    view = submission_view(submission)
    staff: dict[str, Any] = {"changes": None}
    if view.staff:
        if override_form is None and can_override(submission):
            reason = view.override.reason if view.override else ""
            override_form = OverrideForm(submission.max_score or 0, formdata=None, score=view.score,
                                         reason=reason)
        staff["regrade_form"] = RegradeForm(formdata=None) if can_regrade(submission) else None
        before = previous_attempt(db(), submission)
        if before is not None:
            staff.update(previous=before, changes=diff_files(before.files or {}, submission.files or {}))
    others = view.staff and submission.user_id != g.user.id  # staff's own attempts are their exercises
    page = render_template(
        "learner/submission.html", view=view, exercise=exercise, preview_url=url, override_form=override_form,
        nav_section=staff_section() if others else "exercises", **staff,
    )
    return page, status


@bp.route("/submissions/<int:submission_id>/download")
@login_required
def download(submission_id: int) -> Response:
    """The attempt's files as a zip file."""
    submission = owned_submission(submission_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(submission.files.items()):
            archive.writestr(path, text)
    buffer.seek(0)
    name = f"{submission.exercise_key.replace('/', '-')}-attempt-{submission.id}.zip"
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=name)
