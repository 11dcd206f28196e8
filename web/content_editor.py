"""Writing exercises in the site, for instructors without a shell: a new exercise from the same
scaffolds as `grader new`, each file of an exercise in the site's editor, validation on every save
(mistakes as file:line:col, marked on their lines), and the folder's history (grader.content_history):
every save is a commit by its instructor, and any earlier version of an exercise can be restored.

Everything written here is a draft: learners see it once it is published (web.authoring).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from grader.content_history import ContentHistory, HistoryError
from grader.errors import ContentError, ExerciseInvalid
from grader.exercise import EXERCISE_FILE, load_exercise
from grader.intake import MAX_FILE_BYTES
from grader.paths import check_relative_path, ignored, inside, walk_files
from grader.scaffold import KINDS, ScaffoldError, new_exercise
from store.catalog_sync import sync_catalog
from store.models import ExerciseRow, audit
from web import security
from web.auth import role_required
from web.context import settings, version_store
from web.database import db

bp = Blueprint("content_editor", __name__, url_prefix="/teach")
staff_only = role_required("instructor", "admin")
NAME = r"^[A-Za-z0-9_-]+$"
CHANGED_MEANWHILE = (
    "Not saved: this file changed since you opened it (someone else saved it, or it was changed in the "
    "folder). Your text is still here: copy it, reload the page, and put your changes back.")
PLAIN = "Only letters, digits, - and _ (it is part of web addresses)."
KIND_LABELS = {
    "io": "A program that reads what the learner types and prints an answer (Python)",
    "pytest": "Python functions, tried with a table of calls and tests",
    "node": "JavaScript functions, tried with a table of calls and tests",
    "page": "A web page: HTML, CSS and a script",
    "flask": "A Flask app, asked over HTTP",
}


class NewExerciseForm(FlaskForm):
    track = StringField("Track (a folder of the exercises folder, e.g. python)",
                        validators=[DataRequired(), Length(max=60), Regexp(NAME, message=PLAIN)])
    slug = StringField("Name of the exercise's folder (e.g. 10-shopping-list)",
                       validators=[DataRequired(), Length(max=60), Regexp(NAME, message=PLAIN)])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("What the learner writes",
                       choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS])


@dataclass(frozen=True)
class Mistake:
    """A validation mistake, placed in one of the exercise's files when it names one."""

    path: str | None
    line: int
    column: int
    text: str

    @property
    def where(self) -> str:
        place = f"{self.path or EXERCISE_FILE}:{self.line}:{self.column}" if self.line else (self.path or "")
        return place


def _author() -> tuple[str, str]:
    return g.user.display_name or g.user.username, f"{g.user.username}@grader"


def _history() -> ContentHistory:
    return ContentHistory(settings().exercises)


def _folder(track: str, slug: str) -> Path:
    root = settings().exercises.resolve()
    folder = inside(root, f"{track}/{slug}")
    if folder is None or not folder.is_dir() or not (folder / EXERCISE_FILE).is_file():
        abort(404)
    return folder


def _files(folder: Path) -> list[str]:
    files, _ = walk_files(folder, folder)
    return files


def _file(folder: Path, path: str) -> Path:
    """The file `path` of the exercise, refused (404) when it is not a plain path inside its folder."""
    try:
        check_relative_path(path)
    except ValueError:
        abort(404)
    target = inside(folder, path)
    if target is None or any(ignored(part) for part in path.split("/")):
        abort(404)
    return target


def _mistakes(folder: Path, track: str, slug: str) -> list[Mistake]:
    """Every mistake loading finds, each placed in the exercise's file it is about."""
    try:
        load_exercise(folder, settings().exercises.resolve())
    except ExerciseInvalid as error:
        return [_placed(mistake, f"{track}/{slug}/") for mistake in error.errors]
    return []


def _placed(mistake: ContentError, prefix: str) -> Mistake:
    path = mistake.file.removeprefix(prefix) if mistake.file.startswith(prefix) else None
    text = f"{mistake.location}: {mistake.message}" if mistake.location else mistake.message
    return Mistake(path, mistake.line, mistake.col, text)


def _sync() -> None:
    sync_catalog(db(), settings().exercises, version_store())


def _write(target: Path, text: str) -> None:
    """Write `text` into `target` whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".saving-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@bp.route("/exercises/new", methods=["GET", "POST"])
@staff_only
def new() -> Response | tuple[str, int]:
    form = NewExerciseForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return render_template("authoring/new.html", form=form, kinds=KIND_LABELS), status
    key = f"{form.track.data}/{form.slug.data}"
    _before_change()
    try:
        new_exercise(settings().exercises, key, form.kind.data, form.title.data)
    except ScaffoldError as error:
        form.slug.errors = [str(error)]
        return render_template("authoring/new.html", form=form, kinds=KIND_LABELS), 422
    _history_commit(f"New exercise {key} ({form.kind.data})")
    _sync()
    audit(db(), g.user.id, "exercise.created", key, {"kind": form.kind.data}, security.client_ip())
    db().commit()
    flash(f"{key} is made, and sound as it is: change it to make it yours. It is a draft until you "
          "publish it.", "info")
    track, slug = key.split("/")
    return redirect(url_for("content_editor.edit", track=track, slug=slug))


@bp.route("/exercises/<track>/<slug>/edit", methods=["GET"])
@staff_only
def edit(track: str, slug: str) -> tuple[str, int]:
    folder = _folder(track, slug)
    path = request.args.get("file") or EXERCISE_FILE
    return _page(track, slug, folder, path)


def _page(track: str, slug: str, folder: Path, path: str, text: str | None = None, base: str | None = None,
          problem: str = "", status: int = 200) -> tuple[str, int]:
    target = _file(folder, path)
    data = target.read_bytes() if target.is_file() else b""
    editable = len(data) <= MAX_FILE_BYTES
    try:
        current = data.decode("utf-8")
    except UnicodeDecodeError:
        current, editable = "", False
    mistakes = _mistakes(folder, track, slug)
    row = db().scalar(select(ExerciseRow).where(ExerciseRow.key == f"{track}/{slug}"))
    marks = [{"line": m.line, "message": m.text} for m in mistakes if m.path == path and m.line]
    page = render_template(
        "authoring/edit.html", track=track, slug=slug, path=path, files=_files(folder),
        text=current if text is None else text, base=base or _digest(data), editable=editable,
        exists=target.is_file(), mistakes=mistakes, marks=marks, problem=problem, row=row,
        in_release=_in_release(),
    )
    return page, status


def _in_release() -> bool:
    """The exercises folder is a bundle's release folder: an upgrade replaces it, edits with it."""
    return settings().exercises.resolve().is_relative_to((settings().home / "releases").resolve())


@bp.route("/exercises/<track>/<slug>/edit", methods=["POST"])
@staff_only
def save(track: str, slug: str) -> Response | tuple[str, int]:
    """Save one file: keep it, commit it to the history, validate the exercise, show what loading says."""
    folder = _folder(track, slug)
    path = request.form.get("file") or ""
    target = _file(folder, path)
    text = (request.form.get("text") or "").replace("\r\n", "\n")
    base = request.form.get("base") or ""
    before = target.read_bytes() if target.is_file() else b""
    if len(text.encode()) > MAX_FILE_BYTES:
        too_large = f"Not saved: a file may hold at most {MAX_FILE_BYTES // 1024} KiB."
        return _page(track, slug, folder, path, text, base, too_large, 413)
    if base != _digest(before):
        return _page(track, slug, folder, path, text, base, CHANGED_MEANWHILE, 409)
    _before_change()
    _write(target, text)
    message = (request.form.get("message") or "").strip()[:200] or f"Edit {path}"
    try:
        _history().commit(f"{track}/{slug}: {message}", _author())
    except HistoryError as error:
        flash(f"Saved, but its history could not be kept: {error}", "error")
    _sync()
    audit(db(), g.user.id, "exercise.edited", f"{track}/{slug}", {"file": path}, security.client_ip())
    db().commit()
    mistakes = _mistakes(folder, track, slug)
    found = f"{len(mistakes)} mistake{'s' if len(mistakes) != 1 else ''}"
    said = f"The exercise has {found}: see below." if mistakes else "The exercise loads without a mistake."
    flash(f"{path} is saved. {said}", "error" if mistakes else "info")
    return redirect(url_for("content_editor.edit", track=track, slug=slug, file=path))


@bp.route("/exercises/<track>/<slug>/files", methods=["POST"])
@staff_only
def add_file(track: str, slug: str) -> Response | tuple[str, int]:
    folder = _folder(track, slug)
    path = (request.form.get("path") or "").strip()
    try:
        check_relative_path(path)
    except ValueError as error:
        return _page(track, slug, folder, EXERCISE_FILE, problem=f"No file was added: {error}", status=422)
    target = _file(folder, path)
    if target.exists():
        return _page(track, slug, folder, path, problem=f"{path} exists already.", status=409)
    _before_change()
    _write(target, "")
    _history_commit(f"{track}/{slug}: add {path}")
    _sync()
    db().commit()
    return redirect(url_for("content_editor.edit", track=track, slug=slug, file=path))


@bp.route("/exercises/<track>/<slug>/files/delete", methods=["POST"])
@staff_only
def delete_file(track: str, slug: str) -> Response:
    folder = _folder(track, slug)
    path = request.form.get("path") or ""
    target = _file(folder, path)
    if path == EXERCISE_FILE or not target.is_file():
        abort(400)
    _before_change()
    target.unlink()
    _history_commit(f"{track}/{slug}: remove {path}")
    _sync()
    audit(db(), g.user.id, "exercise.file_removed", f"{track}/{slug}", {"file": path}, security.client_ip())
    db().commit()
    flash(f"{path} is removed (its history keeps it: restore an earlier version to get it back).", "info")
    return redirect(url_for("content_editor.edit", track=track, slug=slug))


def _before_change() -> None:
    """Start the history if there is none, and keep what changed in the folder outside the site as a
    change of its own, so that the next commit holds only what this instructor did."""
    try:
        history = _history()
        history.ensure()
        history.commit("Changes made in the exercises folder outside the site")
    except HistoryError as error:
        flash(f"The history of the exercises folder could not be kept: {error}", "error")


def _history_commit(message: str) -> None:
    try:
        _history().commit(message, _author())
    except HistoryError as error:
        flash(f"Saved, but its history could not be kept: {error}", "error")


@bp.route("/exercises/<track>/<slug>/history")
@staff_only
def history(track: str, slug: str) -> str:
    _folder(track, slug)
    try:
        changes = _history().log(f"{track}/{slug}")
        problem = ""
    except HistoryError as error:
        changes, problem = [], str(error)
    return render_template("authoring/history.html", track=track, slug=slug, changes=changes, problem=problem)


@bp.route("/exercises/<track>/<slug>/history/<sha>")
@staff_only
def version(track: str, slug: str, sha: str) -> str:
    _folder(track, slug)
    history = _history()
    try:
        files = history.files_at(sha, f"{track}/{slug}")
        path = request.args.get("file") or (EXERCISE_FILE if EXERCISE_FILE in files else (files or [""])[0])
        if path not in files:
            abort(404)
        content = history.show(sha, f"{track}/{slug}/{path}").decode("utf-8", "replace")
        change = next((c for c in history.log(f"{track}/{slug}") if c.sha == sha), None)
    except HistoryError:
        abort(404)
    return render_template("authoring/version.html", track=track, slug=slug, sha=sha, files=files, path=path,
                           content=content, change=change)


@bp.route("/exercises/<track>/<slug>/history/<sha>/restore", methods=["POST"])
@staff_only
def restore(track: str, slug: str, sha: str) -> Response:
    _folder(track, slug)
    history = _history()
    try:
        change = next((c for c in history.log(f"{track}/{slug}") if c.sha == sha), None)
        if change is None:
            abort(404)
        message = f"{track}/{slug}: restored as it was on {change.at:%Y-%m-%d %H:%M} ({change.short})"
        history.restore(sha, f"{track}/{slug}", message, _author())
    except HistoryError as error:
        flash(f"Nothing was restored: {error}", "error")
        return redirect(url_for("content_editor.history", track=track, slug=slug))
    _sync()
    audit(db(), g.user.id, "exercise.restored", f"{track}/{slug}", {"version": sha}, security.client_ip())
    db().commit()
    flash(f"{track}/{slug} is back as it was on {change.at:%Y-%m-%d %H:%M}. It is a draft until you "
          "publish it.", "info")
    return redirect(url_for("content_editor.edit", track=track, slug=slug))
