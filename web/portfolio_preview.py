"""Portfolios shown from the preview origin (no session there): a learner's portfolio as it stands,
and an export's files exactly as they will leave, for the reviewer.

A URL carries a signed, expiring token naming what to show. Every response says `sandbox` and
`default-src 'none'` with only this origin's styles, pictures and frames allowed: no script runs,
neither the pages' (they have none) nor the learner's own page framed inside them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select

from store.models import Portfolio, PortfolioExport, User
from store.site_key import site_key
from web import database
from web.context import settings
from web.portfolio_content import gather
from web.portfolio_exports import ExportError, final_files, record_view
from web.portfolio_record import completion_record
from web.portfolio_site import build_site, from_zip
from web.security import preview_origin

SALT = "portfolio-preview-v1"
BUILDS = "grader.portfolio_builds"
SHOWN_AS = {".html": "text/html", ".css": "text/css", ".png": "image/png", ".pdf": "application/pdf",
            ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
"""What a file is served as; anything else is plain text, shown to the reviewer and never run."""
PORTFOLIO_CSP = (
    "sandbox; default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-src 'self'; form-action 'none'; base-uri 'none'"
)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings().secret_key, salt=SALT)


def _url(payload: list[Any], path: str) -> str:
    return f"{preview_origin()}/portfolio/{_signer().dumps(payload)}/{path}"


def url_for_portfolio(user_id: int, path: str = "index.html") -> str:
    """The learner's portfolio as an employer will see it, from what is saved now."""
    portfolio = database.db().get(Portfolio, user_id)
    stamp = portfolio.updated_at.timestamp() if portfolio else 0.0
    return _url(["pf", user_id, stamp], path)


def url_for_export(export: PortfolioExport, path: str = "index.html") -> str:
    """One file of an export, as it will leave (the approved extras included once approved)."""
    return _url(["ex", export.id, export.site_sha256], path)


def live_files(user_id: int) -> dict[str, bytes] | None:
    session = database.db()
    user = session.get(User, user_id)
    if user is None:
        return None
    content = gather(session, user)
    fingerprint = site_key(settings().instance).fingerprint
    payload = completion_record(session, user, settings().site_name, fingerprint,
                                [piece.key for piece in content.pieces])
    return build_site(content, record_view(payload))


class RecentBuilds:
    """The last few portfolios built for the preview origin: an employer's view asks for a page, its
    style sheet and each picture, and all of them come from one build."""

    def __init__(self, size: int = 16) -> None:
        self._lock = threading.Lock()
        self._builds: OrderedDict[tuple[int, float], dict[str, bytes]] = OrderedDict()
        self._size = size

    def get(self, key: tuple[int, float],
            build: Callable[[], dict[str, bytes] | None]) -> dict[str, bytes] | None:
        with self._lock:
            if key in self._builds:
                self._builds.move_to_end(key)
                return self._builds[key]
        files = build()
        if files is not None:
            with self._lock:
                self._builds[key] = files
                while len(self._builds) > self._size:
                    self._builds.popitem(last=False)
        return files


def _files_for(payload: Any) -> dict[str, bytes] | None:
    session = database.db()
    match payload:
        case ["pf", int(user_id), float(stamp) | int(stamp)]:
            portfolio = session.get(Portfolio, user_id)
            current = portfolio.updated_at.timestamp() if portfolio else 0.0
            if current != stamp:
                return None
            builds: RecentBuilds = current_app.extensions[BUILDS]
            return builds.get((user_id, float(stamp)), lambda: live_files(user_id))
        case ["ex", int(export_id), str(sha)]:
            export = session.scalar(select(PortfolioExport).where(PortfolioExport.id == export_id,
                                                                  PortfolioExport.site_sha256 == sha))
            if export is None:
                return None
            if export.state == "approved":
                try:
                    return final_files(export)
                except ExportError:
                    return None
            return from_zip(export.site_zip)
    return None


def serve_portfolio(token: str, path: str) -> Response:
    try:
        payload = _signer().loads(token, max_age=settings().preview_token_max_age_s)
    except BadData:
        abort(404)
    files = _files_for(payload)
    if files is None or path not in files:
        abort(404)
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    response = Response(files[path], mimetype=SHOWN_AS.get(suffix, "text/plain"))
    response.headers["Content-Security-Policy"] = PORTFOLIO_CSP
    return response


def init_preview_app(app: Flask) -> None:
    app.extensions[BUILDS] = RecentBuilds()
    app.add_url_rule("/portfolio/<token>/<path:path>", "portfolio", serve_portfolio)
