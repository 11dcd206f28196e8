"""The classroom site: `create_app` builds the Flask app from the installation's `Settings`."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, g, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as WerkzeugResponse

from config import Settings
from web import (
    admin,
    api,
    auth,
    classroom,
    context,
    database,
    events,
    first_login,
    instructor,
    learner,
    nav,
    pictures,
    portfolio,
    portfolio_review,
    preview,
    regrading,
    render,
    roster,
    row_ids,
    runs,
    security,
    transferred,
)

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # a submission is at most 1 MiB of files (grader.intake)


def create_app(settings: Settings | None = None) -> Flask:
    """The site's app. Without `settings` (as gunicorn calls it), they are read from the environment."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance))
    row_ids.init_app(app)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SESSION_COOKIE_NAME="grader_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,  # always with TLS: never sent in clear
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.session_lifetime_s),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        WTF_CSRF_TIME_LIMIT=None,  # the session's own expiry bounds the token
        TEMPLATES_AUTO_RELOAD=False,
    )
    context.init_app(app, settings)
    database.init_app(app, settings.database_url)
    auth.init_app(app)  # before the CSRF check: a refused token of an ended session reads as such
    security.init_app(app)
    render.init_app(app)
    first_login.init_app(app)
    nav.init_app(app)
    events.init_app(app, database.engine(app), settings.event_streams)
    api.init_app(app)
    runs.init_app(app)
    classroom.init_app(app)
    blueprints = (learner.bp, preview.bp, instructor.bp, regrading.bp, roster.bp, admin.bp, portfolio.bp,
                  portfolio_review.bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    pictures.init_app(app)
    transferred.init_app(app)
    _error_pages(app)
    return app


def _error_pages(app: Flask) -> None:
    messages = {
        400: "The request did not make sense to the site.",
        404: "There is nothing here. Check the address, or go back to your exercises.",
        413: "That is too much to send at once.",
        429: "Too many requests. Wait a moment and try again.",
        500: "Something went wrong on the site. Your work is safe; try again in a moment.",
    }

    def page(code: int, message: str) -> tuple[str, int]:
        return render_template("error.html", code=code, message=message), code

    for code, message in messages.items():
        app.register_error_handler(code, lambda _error, c=code, m=message: page(c, m))

    @app.errorhandler(CSRFError)
    def csrf_refused(_error: CSRFError) -> tuple[str | WerkzeugResponse, int]:
        if auth.wants_json():
            if g.get("user") is None:
                return auth.session_ended()
            return jsonify(error="csrf", message="This page was out of date: reload it."), 400
        return page(400, "This form was out of date or did not come from this site. Go back, reload the "
                         "page and try again.")
