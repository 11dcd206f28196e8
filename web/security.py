"""Defences every response gets: secure headers, a Content-Security-Policy with no outside origin,
CSRF on every form (Flask-WTF), and login throttling that a classmate cannot turn against someone.

Throttling counts failed logins per account first: per (username, client IP), then per username from
every address at a higher bar. A learner guessing a classmate's password from their own seat only slows
themselves down, and the classmate still logs in from their own seat. The per-address budget is much
higher still: a classroom behind one address (a terminal server, NAT) shares it, so it stops only a
program trying many accounts, never a room of learners who mistype.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import timedelta

from flask import Flask, Response, abort, g, request
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import LoginAttempt, utcnow
from web.context import settings

csrf = CSRFProtect()


def preview_origin() -> str:
    """Where learners' pages are shown: GRADER_PREVIEW_ORIGIN; else GRADER_PREVIEW_HOST (with TLS,
    preview.<this host name>, a separate host name that the certificate of `grader tls` covers), else
    this host; on the preview port."""
    config = settings()
    if config.preview_origin:
        return config.preview_origin
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if config.preview_host:
        host = config.preview_host
    elif config.https and not _is_address(host) and host != "localhost" and not host.startswith("preview."):
        host = f"preview.{host}"
    return f"{request.scheme}://{host}:{config.preview_port}"


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def csp_nonce() -> str:
    """This response's nonce for style elements: the code editor (CodeMirror) writes its styles into
    a <style> element, which the policy allows only with this nonce (never any inline style)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def content_security_policy() -> str:
    """Only this site's own files; frames only from the preview origin; nothing from outside."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' 'nonce-{csp_nonce()}'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        f"frame-src {preview_origin()}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def secure_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), usb=()")
    if not request.path.startswith("/static/"):
        # Pages show private work: never kept by a shared classroom browser or a proxy.
        headers.setdefault("Cache-Control", "no-store")
    return response


def refuse_nul_characters() -> None:
    """No text field has a reason to hold NUL, and PostgreSQL refuses it: answer 400, not 500."""
    for values in (request.args, request.form):
        if any("\x00" in value for value in values.values()):
            abort(400)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(refuse_nul_characters)
    csrf.init_app(app)
    app.after_request(secure_headers)


def client_ip() -> str:
    return request.remote_addr or "unknown"


def login_refusal(session: Session, username: str, ip: str) -> str | None:
    """Why one more login attempt for `username` from `ip` may not be tried now (None: it may).

    The account's own budgets come first; the address's budget is far higher (see the module docstring).
    """
    config = settings()
    since = utcnow() - timedelta(seconds=config.login_window_s)
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    per_pair = session.scalar(recent.where(LoginAttempt.username == username, LoginAttempt.ip == ip)) or 0
    if per_pair >= config.login_max_per_user_ip:
        return ("Too many wrong passwords for this account from this computer. Wait a few minutes and try "
                "again.")
    per_user = session.scalar(recent.where(LoginAttempt.username == username)) or 0
    if per_user >= config.login_max_per_user:
        return "Too many wrong passwords for this account. Wait a few minutes and try again."
    per_ip = session.scalar(recent.where(LoginAttempt.ip == ip)) or 0
    if per_ip >= config.login_max_per_ip:
        return "Too many wrong passwords from this address. Wait a few minutes and try again."
    return None


def record_failed_login(session: Session, username: str, ip: str) -> None:
    session.add(LoginAttempt(username=username[:64], ip=ip[:64]))
    horizon = utcnow() - timedelta(seconds=settings().login_window_s * 2)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < horizon))


def forget_failed_logins(session: Session, username: str, ip: str) -> None:
    """After a successful login, that (username, IP) pair starts afresh."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username, LoginAttempt.ip == ip))
