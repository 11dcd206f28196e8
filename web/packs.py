"""Exercise packs in the administrator's pages (store.packs): export tracks as a pack signed with this
site's key, and import a pack another site or the programme made, signed by a key this site trusts.

An import has two steps: the pack is checked (signature, every file, every exercise it brings read
together with this site's folder) and what it would change is shown; then, on the administrator's word,
its new and changed exercises are written into the exercises folder as drafts, kept in the folder's
history, for instructors to try as learners and publish. Which keys are trusted is decided on the
machine (`grader pack trust`), as for bundles, never from the site.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import time
from pathlib import Path

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from grader import __version__
from grader.catalog import scan_catalog
from grader.content_history import ContentHistory, HistoryError
from grader.intake import SubmissionRejected
from grader.versions import VersionMissing
from store.catalog_sync import sync_catalog
from store.models import audit
from store.packs import (
    MAX_PACK_BYTES,
    ImportPlan,
    PackRefused,
    apply_import,
    export_pack,
    plan_import,
    read_pack,
    trusted_pack_keys,
)
from store.publishing import find_in
from store.site_key import site_key
from web import security
from web.auth import role_required
from web.authoring import send_try
from web.context import settings, version_store
from web.database import db
from web.submissions import notify_workers

bp = Blueprint("packs", __name__, url_prefix="/admin/packs")
admin_only = role_required("admin")
UPLOADS = "pack-uploads"
UPLOAD_KEPT_S = 24 * 3600
_SHA = re.compile(r"^[0-9a-f]{64}$")


def init_app(app: Flask) -> None:
    """Let a pack be larger than other requests. Registered before the site's other request hooks,
    which read the form (and so the body) before any view runs."""
    app.before_request(_allow_a_pack)


def _allow_a_pack() -> None:
    if request.endpoint == "packs.check":
        request.max_content_length = MAX_PACK_BYTES + 4 * 1024 * 1024


def _uploads() -> Path:
    folder = settings().instance / UPLOADS
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _forget_old_uploads() -> None:
    """Packs checked but never imported are forgotten after a day (they are only a step of an import)."""
    now = time.time()
    for path in _uploads().iterdir():
        if path.is_file() and now - path.stat().st_mtime > UPLOAD_KEPT_S:
            path.unlink(missing_ok=True)


def _page(status: int = 200, plan: ImportPlan | None = None, upload: str = "", problem: str = ""
          ) -> tuple[str, int]:
    scan = scan_catalog(settings().exercises)
    tracks = [(track.title, track.name, len(track.exercises)) for track in scan.catalog.tracks]
    try:
        trusted = len(trusted_pack_keys(settings().home))
    except PackRefused as error:
        trusted, problem = 0, problem or str(error)
    own = site_key(settings().instance).fingerprint
    return render_template("admin/packs.html", tracks=tracks, plan=plan, upload=upload, problem=problem,
                           trusted=trusted, own=own, limit_mib=MAX_PACK_BYTES // 2**20), status


@bp.route("/")
@admin_only
def packs() -> tuple[str, int]:
    return _page()


@bp.route("/export", methods=["POST"])
@admin_only
def export() -> Response | tuple[str, int]:
    """The chosen tracks as a pack signed with this site's key."""
    tracks = request.form.getlist("track")
    with tempfile.TemporaryDirectory(prefix="grader-pack-") as work:
        out = Path(work) / "out.pack"
        try:
            manifest = export_pack(settings().exercises, tracks, out, site_key(settings().instance).private,
                                   __version__)
        except PackRefused as error:
            return _page(422, problem=f"No pack was made: {error}")
        data = out.read_bytes()
    audit(db(), g.user.id, "pack.exported", ",".join(manifest.tracks),
          {"exercises": len(manifest.exercises)}, security.client_ip())
    db().commit()
    name = f"{'-'.join(manifest.tracks)}.pack"
    return send_file(io.BytesIO(data), mimetype="application/x-tar", as_attachment=True, download_name=name)


def _plan(upload: str, work: Path) -> ImportPlan:
    if not _SHA.match(upload) or not (_uploads() / f"{upload}.pack").is_file():
        abort(404)
    pack = read_pack(_uploads() / f"{upload}.pack", trusted_pack_keys(settings().home), work / "pack",
                     name="The pack")
    return plan_import(pack, settings().exercises, work)


@bp.route("/check", methods=["POST"])
@admin_only
def check() -> tuple[str, int]:
    """Keep the uploaded pack, check it, and show what importing it would do."""
    sent = request.files.get("pack")
    if sent is None or not sent.filename:
        return _page(422, problem="Choose the pack file to import.")
    _forget_old_uploads()
    staging = Path(tempfile.mkstemp(prefix=".upload-", dir=_uploads())[1])
    try:
        sent.save(staging)
        upload = hashlib.sha256(staging.read_bytes()).hexdigest()
        staging.replace(_uploads() / f"{upload}.pack")
    finally:
        sent.close()  # a large upload waits in a temporary file of its own
        staging.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-pack-") as work:
        try:
            plan = _plan(upload, Path(work))
        except PackRefused as error:
            (_uploads() / f"{upload}.pack").unlink(missing_ok=True)
            return _page(422, problem=f"This pack cannot be imported: {error}")
        return _page(200 if plan.ok else 422, plan, upload)


@bp.route("/import", methods=["POST"])
@admin_only
def import_pack() -> Response | tuple[str, int]:
    """Import the pack checked before (checked again now) as drafts."""
    upload = request.form.get("upload") or ""
    with tempfile.TemporaryDirectory(prefix="grader-pack-") as work:
        try:
            plan = _plan(upload, Path(work))
            if not plan.ok:
                return _page(422, plan, upload)
            history = ContentHistory(settings().exercises)
            _keep_history(history, "Changes made in the exercises folder outside the site, kept before an "
                          "import", None)
            apply_import(plan, settings().exercises)
        except PackRefused as error:
            return _page(422, problem=f"Nothing was imported: {error}")
        manifest = plan.pack.manifest
        author = (g.user.display_name or g.user.username, f"{g.user.username}@grader")
        message = f"Imported a pack of {', '.join(manifest.tracks)}, signed by {manifest.signer}"
        _keep_history(history, message, author)
        sync_catalog(db(), settings().exercises, version_store(), publish_all=False)
        tries = _try_solutions(plan.to_write)
        audit(db(), g.user.id, "pack.imported", ",".join(manifest.tracks),
              {"new": plan.new, "changed": plan.changed, "signer": manifest.signer}, security.client_ip())
        db().commit()
        notify_workers(tries)
        new, changed = len(plan.new), len(plan.changed)
    (_uploads() / f"{upload}.pack").unlink(missing_ok=True)
    flash(f"Imported {new} new and {changed} changed exercises as drafts. Each one's solution is being "
          "graded as a learner would send it: see its result with Try as a learner, then publish it.", "info")
    return redirect(url_for("instructor.catalogue"))


def _try_solutions(keys: list[str]) -> list[int]:
    """Send each imported exercise's solution as the administrator's try, graded by the workers (the site
    never runs code itself), so that its result is on the exercise's *Try as a learner* page before
    anyone publishes it. Returns the tries to tell the workers about once committed."""
    scan = scan_catalog(settings().exercises)
    tries = []
    for key in keys:
        exercise = find_in(scan, key)
        if exercise is None:
            continue
        try:
            tries.append(send_try(exercise, exercise.read_solution()).id)
        except (SubmissionRejected, VersionMissing) as error:
            flash(f"{key}: its solution could not be sent for grading: {error}", "error")
    return tries


def _keep_history(history: ContentHistory, message: str, author: tuple[str, str] | None) -> None:
    try:
        history.commit(message, author)
    except HistoryError as error:
        flash(f"The history of the exercises folder could not be kept: {error}", "error")
