"""Reviewing portfolio exports: the instructor sees every file and every page that would leave, then
approves (the record is signed, the PDF printed) or sends it back with a reason; an approved export
is downloaded as one zip. Each decision and each download goes to the audit log."""

from __future__ import annotations

import hashlib
import io
import json

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from store.models import PortfolioExport, audit
from store.site_key import site_key
from web import security
from web.auth import role_required
from web.context import settings
from web.database import db
from web.portfolio_exports import (
    ExportError,
    approve,
    final_files,
    final_zip,
    folder_name,
    record_view,
    send_back,
)
from web.portfolio_preview import url_for_export
from web.portfolio_site import ADDED_ON_APPROVAL, from_zip

bp = Blueprint("portfolio_review", __name__, url_prefix="/teach/exports")
staff_only = role_required("instructor", "admin")
PAGE_ORDER = ("index.html", "record.html", "print.html")


def _export(export_id: int) -> PortfolioExport:
    export = db().get(PortfolioExport, export_id)
    if export is None:
        abort(404)
    return export


@bp.route("/")
@staff_only
def waiting() -> str:
    query = select(PortfolioExport).order_by(PortfolioExport.requested_at)
    requested = db().scalars(query.where(PortfolioExport.state == "requested")).all()
    decided = db().scalars(select(PortfolioExport).where(PortfolioExport.state != "requested")
                           .order_by(PortfolioExport.id.desc()).limit(50)).all()
    key = site_key(settings().instance)
    return render_template("portfolio/waiting.html", requested=requested, decided=decided,
                           fingerprint=key.fingerprint, site_name=settings().site_name)


@bp.route("/site-key.pub")
@staff_only
def public_key() -> Response:
    """This site's public key, for the programme's hub and for other sites (`grader transfer trust`)."""
    key = site_key(settings().instance)
    name = f"{key.fingerprint.removeprefix('SHA256:')}.pub"
    return send_file(io.BytesIO(key.public_pem), mimetype="text/plain", as_attachment=True,
                     download_name=name)


def _page(export: PortfolioExport, problems: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    files = final_files(export) if export.state == "approved" else from_zip(export.site_zip)
    listing = [(path, len(data), hashlib.sha256(data).hexdigest(), url_for_export(export, path))
               for path, data in sorted(files.items())]
    pages = sorted((p for p in files if p.endswith(".html")),
                   key=lambda p: (PAGE_ORDER.index(p) if p in PAGE_ORDER else 1, p))
    page = render_template(
        "portfolio/review.html", export=export, listing=listing, record=record_view(export.record),
        pages=[(path, url_for_export(export, path)) for path in pages],
        record_json=json.dumps(export.record, indent=1, ensure_ascii=False), problems=problems or [],
        added=ADDED_ON_APPROVAL if export.state != "approved" else {},
    )
    return page, status


@bp.route("/<int:export_id>")
@staff_only
def review(export_id: int) -> tuple[str, int]:
    return _page(_export(export_id))


@bp.route("/<int:export_id>/approve", methods=["POST"])
@staff_only
def approve_export(export_id: int) -> Response | tuple[str, int]:
    export = _export(export_id)
    if request.form.get("site_sha256") != export.site_sha256:
        return _page(export, ["This page was out of date: look at it again before you approve."], 409)
    try:
        approve(db(), export, g.user, settings(), security.client_ip())
    except ExportError as error:
        db().rollback()
        return _page(_export(export_id), [str(error)], 409)
    db().commit()
    flash(f"Export #{export.id} is approved: the record is signed and the PDF made. Download it below.",
          "info")
    return redirect(url_for("portfolio_review.review", export_id=export.id))


@bp.route("/<int:export_id>/return", methods=["POST"])
@staff_only
def return_export(export_id: int) -> Response | tuple[str, int]:
    export = _export(export_id)
    try:
        send_back(db(), export, g.user, request.form.get("reason", ""), security.client_ip())
    except ExportError as error:
        db().rollback()
        return _page(_export(export_id), [str(error)], 422)
    db().commit()
    flash(f"Export #{export.id} went back to {export.user.display_name} with your reason.", "info")
    return redirect(url_for("portfolio_review.waiting"))


@bp.route("/<int:export_id>/download")
@staff_only
def download(export_id: int) -> Response:
    export = _export(export_id)
    if export.state != "approved":
        abort(404)
    data = final_zip(export)
    audit(db(), g.user.id, "portfolio.downloaded", f"export:{export.id}",
          {"sha256": hashlib.sha256(data).hexdigest()}, security.client_ip())
    db().commit()
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"{folder_name(export)}.zip")
