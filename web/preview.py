"""Learners' pages shown live, from a separate origin (another port) that has no session at all.

A preview URL carries a signed, expiring token naming what to show (an attempt, a draft or the
starter files); the token is the only key. Every response there says `Content-Security-Policy:
sandbox allow-scripts allow-forms`, and the site frames it with `<iframe sandbox="allow-scripts
allow-forms">` (never allow-same-origin), so a learner's script runs in an opaque origin: no cookies,
no reading the site. `allow-forms` only lets a form's submit event reach the page's own handler
(without it, Chromium drops the event, and the JavaScript track's form exercises could not be tried);
`form-action 'none'` still stops any form from being sent anywhere.

"Open the page" shows an attempt's page full size, still inside that frame, on a site page whose banner
says whose page it is: opened as a tab of its own, the learner's script could navigate the tab to a
convincing fake (of the login page, say); inside the frame it cannot touch the page around it.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from flask import Blueprint, Flask, Response, abort, render_template
from itsdangerous import BadData, URLSafeTimedSerializer

from config import Settings
from grader.exercise import Exercise
from store.catalog_sync import find_exercise
from store.models import Draft, Run, Submission
from web import context, database, portfolio_preview
from web.auth import login_required
from web.context import catalog, settings
from web.page_console import console_script, with_console
from web.security import preview_origin
from web.submissions import owned_submission

bp = Blueprint("preview", __name__)
SALT = "preview-v1"
RUN_PAGE = "answer.html"
PREVIEW_CSP = (
    "sandbox allow-scripts allow-forms; default-src 'self' data: blob:; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
    "form-action 'none'; base-uri 'self'"
)
TEXT_TYPES = {".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
              ".mjs": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml",
              ".txt": "text/plain", ".md": "text/plain", ".py": "text/plain"}


def _signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def _entry(paths: list[str]) -> str:
    """The page to open first: index.html, else the first HTML file, else the first file."""
    html = sorted(p for p in paths if p.endswith((".html", ".htm")))
    if "index.html" in paths:
        return "index.html"
    return html[0] if html else sorted(paths)[0] if paths else "index.html"


def _url(payload: list[Any], paths: list[str]) -> str:
    token = _signer(settings().secret_key).dumps(payload)
    return f"{preview_origin()}/p/{token}/{_entry(paths)}"


def url_for_submission(submission: Submission) -> str:
    return _url(["s", submission.id], list(submission.files))


def url_for_run(run: Run) -> str:
    """The page a learner's app sent back when they tried a request (web/runs.py)."""
    return _url(["r", run.id], [RUN_PAGE])


def url_for_draft(draft: Draft | None, exercise: Exercise) -> str:
    """The draft's page, or the starter page when there is no draft yet."""
    if draft is None:
        return _url(["x", exercise.key], list(exercise.files))
    return _url(["d", draft.user_id, draft.exercise_key, draft.updated_at.timestamp()], list(draft.files))


@bp.route("/submissions/<int:submission_id>/preview")
@login_required
def submission_preview(submission_id: int) -> str:
    """An attempt's page, full size in the sandboxed frame, under a banner naming whose page it is
    (only for whoever may see the attempt)."""
    submission = owned_submission(submission_id)
    url = url_for_submission(submission)
    return render_template("learner/page.html", submission=submission, preview_url=url)


def _files_for(payload: Any) -> dict[str, str] | None:
    session = database.db()
    match payload:
        case ["s", int(submission_id)]:
            submission = session.get(Submission, submission_id)
            return dict(submission.files) if submission else None
        case ["d", int(user_id), str(key), float(stamp)]:
            draft = session.get(Draft, (user_id, key))
            return dict(draft.files) if draft and draft.updated_at.timestamp() == stamp else None
        case ["r", int(run_id)]:
            run = session.get(Run, run_id)
            body = ((run.output or {}).get("response") or {}).get("body") if run else None
            return {RUN_PAGE: body} if isinstance(body, str) else None
        case ["x", str(key)]:
            exercise = find_exercise(catalog(), key)
            if exercise is None:
                return None
            starter = exercise.read_starter()
            return {p: starter.get(p, b"").decode("utf-8", "replace") for p in exercise.files}
    return None


def serve_preview(token: str, path: str) -> Response:
    try:
        payload = _signer(settings().secret_key).loads(
            token, max_age=settings().preview_token_max_age_s
        )
    except BadData:
        abort(404)
    files = _files_for(payload)
    if files is None or path not in files:
        abort(404)
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    mimetype = TEXT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "text/plain"
    body = files[path]
    if mimetype == "text/html":
        body = with_console(body)
    return Response(body, mimetype=mimetype)


def preview_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", PREVIEW_CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def create_preview_app(settings: Settings | None = None) -> Flask:
    """The preview origin's app: no sessions, no cookies, only `/p/<token>/<path>`. Without
    `settings` (as gunicorn calls it), they are read from the environment."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    app.config.update(TESTING=settings.testing)
    context.init_app(app, settings)
    database.init_app(app, settings.database_url)
    app.add_url_rule("/p/<token>/<path:path>", "serve", serve_preview)
    app.add_url_rule("/_console.js", "console", console_script)
    portfolio_preview.init_preview_app(app)
    app.add_url_rule("/", "index", lambda: Response("Learners' pages are shown here.", mimetype="text/plain"))
    app.after_request(preview_headers)
    return app
