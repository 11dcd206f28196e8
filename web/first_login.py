"""Accounts that must set a new password before anything else (those a transfer import made: the
password the importing instructor handed out was seen by others). Until they do, every page leads
to the password form, and the JSON API answers 403."""

from __future__ import annotations

from flask import Flask, abort, flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from store.models import PasswordChangeRequired, User
from web.database import db

ALLOWED = ("auth.change_password", "auth.logout", "auth.login", "static")


def must_set_password(user: User) -> bool:
    return db().get(PasswordChangeRequired, user.id) is not None


def password_was_set(user: User) -> None:
    """The user chose their own password: no more detours (the caller commits)."""
    required = db().get(PasswordChangeRequired, user.id)
    if required is not None:
        db().delete(required)


def send_to_password_form() -> Response | None:
    if g.get("user") is None or request.endpoint in ALLOWED or not must_set_password(g.user):
        return None
    if request.path.startswith("/api/"):
        abort(403)
    flash("Choose your own password before you go on: the one you were given was seen by others.", "info")
    return redirect(url_for("auth.change_password"))


def init_app(app: Flask) -> None:
    app.before_request(send_to_password_form)  # after auth's load_user, which sets g.user
