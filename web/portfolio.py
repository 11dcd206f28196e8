"""The learner's portfolio: choose the work to show and say a line about each piece, see it as an
employer will, and ask to take it out (an instructor reviews every request: web.portfolio_review)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from store.models import Portfolio, PortfolioExport
from web import security
from web.auth import login_required
from web.context import settings
from web.database import db
from web.portfolio_content import ABOUT_MAX, LINE_MAX, MAX_PIECES, choices
from web.portfolio_content import save_choices as keep_choices
from web.portfolio_exports import ExportError, request_export, withdraw
from web.portfolio_preview import url_for_portfolio

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def _page(problems: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    user = g.user
    portfolio = db().get(Portfolio, user.id)
    exports = db().scalars(select(PortfolioExport).where(PortfolioExport.user_id == user.id)
                           .order_by(PortfolioExport.id.desc()).limit(20)).all()
    page = render_template(
        "portfolio/mine.html", about=portfolio.about if portfolio else "", choices=choices(db(), user),
        exports=exports, preview_url=url_for_portfolio(user.id), problems=problems or [],
        about_max=ABOUT_MAX, line_max=LINE_MAX, max_pieces=MAX_PIECES,
    )
    return page, status


@bp.route("/")
@login_required
def mine() -> tuple[str, int]:
    return _page()


@bp.route("/", methods=["POST"])
@login_required
def save_choices() -> Response | tuple[str, int]:
    """Keep the words and the chosen pieces (`key-N`, `pick-N`, `line-N` for the Nth exercise)."""
    picked: dict[str, str] = {}
    for index in range(200):
        key = request.form.get(f"key-{index}")
        if key is None:
            break
        if request.form.get(f"pick-{index}"):
            picked[key[:200]] = request.form.get(f"line-{index}", "")
    about = request.form.get("about", "")
    problems = []
    if len(about) > ABOUT_MAX:
        problems.append(f"Say it in at most {ABOUT_MAX} characters (you wrote {len(about)}).")
    if len(picked) > MAX_PIECES:
        problems.append(f"Choose at most {MAX_PIECES} pieces: the best of your work says more than all "
                        "of it.")
    if problems:
        return _page(problems, 422)
    keep_choices(db(), g.user, about, picked)
    db().commit()
    flash("Your portfolio is saved.", "info")
    return redirect(url_for("portfolio.mine"))


@bp.route("/exports", methods=["POST"])
@login_required
def ask_to_export() -> Response | tuple[str, int]:
    try:
        export = request_export(db(), g.user, settings(), security.client_ip())
    except ExportError as error:
        db().rollback()
        return _page([str(error)], 409)
    db().commit()
    flash(f"Request #{export.id} is sent: an instructor will look at every page before it can leave.", "info")
    return redirect(url_for("portfolio.mine", _anchor="exports"))


@bp.route("/exports/<int:export_id>/withdraw", methods=["POST"])
@login_required
def withdraw_export(export_id: int) -> Response | tuple[str, int]:
    export = db().get(PortfolioExport, export_id)
    if export is None or export.user_id != g.user.id:
        abort(404)
    try:
        withdraw(db(), export, g.user, security.client_ip())
    except ExportError as error:
        return _page([str(error)], 409)
    db().commit()
    flash(f"Request #{export.id} is withdrawn.", "info")
    return redirect(url_for("portfolio.mine", _anchor="exports"))
