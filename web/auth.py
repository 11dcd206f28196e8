"""Logging in and out, who is asking (`g.user`), and the role checks every other page relies on.

A session cookie carries the user's id and `session_version`; logging out (or a password reset) bumps
the version, which ends every session of that user on every machine. Idle sessions expire.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from store.models import User, audit, utcnow
from web import first_login, security
from web.context import settings
from web.database import db

bp = Blueprint("auth", __name__)
View = TypeVar("View", bound=Callable[..., Any])
MIN_PASSWORD = 8
STAFF = ("instructor", "admin")  # the roles that see every learner's work
# Compared against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired(), Length(max=200)])
    new = PasswordField("New password", validators=[InputRequired(), Length(min=MIN_PASSWORD, max=200)])
    again = PasswordField("New password again", validators=[EqualTo("new", "The two passwords differ.")])


def start_session(user: User) -> None:
    session.clear()
    session.permanent = True
    session.update(uid=user.id, ver=user.session_version, seen=int(time.time()), started=int(time.time()))


def load_user() -> None:
    """Set `g.user` from the session cookie, refusing stale, idle or outdated sessions."""
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    now = int(time.time())
    idle = now - int(session.get("seen", 0)) > settings().idle_timeout_s
    expired = now - int(session.get("started", 0)) > settings().session_lifetime_s
    user = db().get(User, uid) if not (idle or expired) else None
    if user is None or not user.active or user.session_version != session.get("ver"):
        session.clear()
        return
    g.user = user
    if now - int(session.get("seen", 0)) > 30:  # refresh the idle clock without a cookie per request
        session["seen"] = now


SESSION_ENDED = ("Your session has ended: you were logged out after a while without activity, or your "
                 "password was changed. Log in again; nothing you typed is lost.")


def wants_json() -> bool:
    """Whether the page's own scripts asked (they want JSON back, never a login page)."""
    asked = request.accept_mimetypes.best == "application/json"
    return asked or request.path.startswith(("/api/", "/events"))


def session_ended() -> tuple[Response, int]:
    """What a script gets when nobody is logged in: 401 with a sentence, and where to log in again."""
    return jsonify(error="logged-out", message=SESSION_ENDED, login=url_for("auth.login")), 401


def login_required(view: View) -> View:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            if wants_json():
                return session_ended()
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("auth.login", next=target))
        return view(*args, **kwargs)

    return cast(View, wrapped)


def role_required(*roles: str) -> Callable[[View], View]:
    """Only users with one of `roles` (others get 404: the page's existence is not their business)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return cast(View, login_required(wrapped))

    return decorator


def safe_next(target: str | None) -> str:
    """Where to go after logging in: `target` when it is a path on this site, else the home page.

    Browsers drop tabs and newlines anywhere in a URL and read `\\` as `/`, so `/%09/10.6.6.6/x` would
    reach them as `//10.6.6.6/x`, another host. Control characters are stripped first, backslashes
    read as the browser reads them, and then the address must have no scheme and no host at all.
    """
    home = url_for("learner.home")
    if not target:
        return home
    cleaned = "".join(char for char in target if unicodedata.category(char) != "Cc").strip()
    path = cleaned.replace("\\", "/")
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return home
    return path


WRONG_PASSWORD = "That username and password do not match. Check them and try again."


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str | Response, int]:
    """The login page; with `Accept: application/json`, the same login for a page whose session ended
    (web/static/app.js logs in again in place, then saves what was typed)."""
    form = LoginForm()
    if form.validate_on_submit():
        username = (form.username.data or "").strip().lower()
        ip = security.client_ip()
        session_db = db()
        refusal = security.login_refusal(session_db, username, ip)
        if refusal is not None:
            audit(session_db, None, "login.throttled", username, {}, ip)
            session_db.commit()
            return _login_refused(form, refusal, 429)
        user = session_db.scalar(select(User).where(User.username == username))
        ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, form.password.data or "")
        if user is None or not ok or not user.active:
            security.record_failed_login(session_db, username, ip)
            audit(session_db, user.id if user else None, "login.failed", username, {}, ip)
            session_db.commit()
            return _login_refused(form, WRONG_PASSWORD, 400 if wants_json() else 200)
        security.forget_failed_logins(session_db, username, ip)
        user.last_login_at = utcnow()
        audit(session_db, user.id, "login", username, {}, ip)
        session_db.commit()
        start_session(user)
        if wants_json():
            g.pop("csrf_token", None)  # the token cached for this request belonged to the old session
            return jsonify(ok=True, username=user.username, csrf_token=generate_csrf())
        return redirect(safe_next(request.args.get("next")))
    if request.method == "POST" and wants_json():
        return jsonify(error="Type your password, then log in."), 400
    return render_template("auth/login.html", form=form)


def _login_refused(form: LoginForm, message: str, status: int) -> tuple[str | Response, int]:
    if wants_json():
        return jsonify(error=message), status
    flash(message, "error")
    return render_template("auth/login.html", form=form), status


@bp.route("/login/token")
def login_token() -> Response:
    """A CSRF token for the session this browser has now (a page whose session ended needs a fresh
    one before it can log in again in place)."""
    return jsonify(csrf_token=generate_csrf())


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """End every session of this user, on every computer."""
    user: User = g.user
    user.session_version += 1
    audit(db(), user.id, "logout", user.username, {}, security.client_ip())
    db().commit()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str:
    form = PasswordForm()
    user: User = g.user
    if form.validate_on_submit():
        if not check_password_hash(user.password_hash, form.current.data or ""):
            form.current.errors = ["That is not your current password."]
        else:
            user.password_hash = hash_password(form.new.data or "")
            user.session_version += 1
            first_login.password_was_set(user)
            audit(db(), user.id, "password.changed", user.username, {}, security.client_ip())
            db().commit()
            start_session(user)
            flash("Your password is changed. Any other computer where you were logged in is logged out.")
            return redirect(url_for("learner.home"))
    return render_template("auth/password.html", form=form)


def init_app(app: Any) -> None:
    app.before_request(load_user)
    app.register_blueprint(bp)
