"""The pictures of a browser check: the learner's page at each window size, and the model solution's
beside it.

They are served from this site (the policy's `img-src 'self'`), never inlined in pages as data: URIs,
so the result panel stays light to poll. Each one is a PNG the grader re-encoded on the host
(grader/browser/pictures.py), never bytes straight out of a sandbox. Whoever may see an attempt may
see its pictures; a learner never sees those of a hidden check.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Blueprint, Flask, Response, abort

from grader.browser.references import ReferenceStore
from web.auth import login_required
from web.context import settings
from web.submissions import SubmissionView, owned_submission, submission_view

bp = Blueprint("pictures", __name__)


def reference_store() -> ReferenceStore:
    return ReferenceStore(settings().references)


def reference_viewports(view: SubmissionView) -> dict[str, set[str]]:
    """For each shown check with pictures, the window sizes the model solution has a picture at."""
    result = view.result or {}
    sha = (result.get("provenance") or {}).get("exercise_sha256")
    if not isinstance(sha, str):
        return {}
    try:
        stored = reference_store().load(sha) or {}
    except ValueError:
        return {}
    return {check_id: {picture.viewport for picture in pictures} for check_id, pictures in stored.items()}


def without_picture_data(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A result for the JSON API: each picture's size label stays, its bytes go (they have a route)."""
    if result is None:
        return None
    checks = [
        {**check, "images": [{"viewport": p.get("viewport")} for p in check.get("images", [])]}
        if check.get("images") else check
        for check in result.get("checks", [])
    ]
    return {**result, "checks": checks}


def _shown_check(submission_id: int, check_id: str) -> tuple[SubmissionView, dict[str, Any]]:
    view = submission_view(owned_submission(submission_id))
    check = next((c for c in (view.result or {}).get("checks", []) if c.get("id") == check_id), None)
    if check is None or (check.get("hidden") and not view.staff):
        abort(404)
    return view, check


def _png(data: object) -> Response:
    try:
        raw = base64.b64decode(str(data), validate=True)
    except (binascii.Error, ValueError):
        abort(404)
    response = Response(raw, mimetype="image/png")
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/submissions/<int:submission_id>/pictures/<check_id>/<viewport>.png")
@login_required
def learner_picture(submission_id: int, check_id: str, viewport: str) -> Response:
    _, check = _shown_check(submission_id, check_id)
    picture = next((p for p in check.get("images", []) if p.get("viewport") == viewport), None)
    if picture is None:
        abort(404)
    return _png(picture.get("png_base64"))


@bp.route("/submissions/<int:submission_id>/reference/<check_id>/<viewport>.png")
@login_required
def reference_picture(submission_id: int, check_id: str, viewport: str) -> Response:
    view, _ = _shown_check(submission_id, check_id)
    sha = ((view.result or {}).get("provenance") or {}).get("exercise_sha256")
    picture = reference_store().picture(sha, check_id, viewport) if isinstance(sha, str) else None
    if picture is None:
        abort(404)
    return _png(picture.png_base64)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(reference_viewports, "reference_viewports")
