"""With TLS configured, the session cookie is Secure and the preview origin is a host name of its own
(preview.<the site's name>, or GRADER_PREVIEW_HOST), which the certificate of `grader tls` covers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Settings
from tests.helpers.site import Browser, change_settings
from web import create_app


def test_with_tls_the_preview_origin_is_a_separate_host_name(app: Flask, as_ann: Browser) -> None:
    change_settings(app, tls_cert=Path("/x/server.pem"), tls_key=Path("/x/server.key"))
    page = as_ann.get("/exercises/web/page", base_url="https://grader.school.lan")
    assert "frame-src https://preview.grader.school.lan:8001" in page.headers["Content-Security-Policy"]
    change_settings(app, preview_host="pages.school.lan")
    page = as_ann.get("/exercises/web/page", base_url="https://grader.school.lan")
    assert "frame-src https://pages.school.lan:8001" in page.headers["Content-Security-Policy"]


def test_with_tls_the_session_cookie_is_secure(app: Flask, settings: Settings) -> None:
    secure = create_app(settings.but(tls_cert=Path("/x/server.pem"), tls_key=Path("/x/server.key")))
    cookie = secure.test_client().get("/login", base_url="https://grader.school.lan").headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie


def test_without_tls_nothing_changes(as_ann: Browser) -> None:
    page = as_ann.get("/exercises/web/page")
    assert "frame-src http://localhost:8001" in page.headers["Content-Security-Policy"]
    assert "Secure" not in as_ann.get("/login").headers.get("Set-Cookie", "")


def test_an_address_keeps_its_own_host_with_tls(app: Flask, as_ann: Browser) -> None:
    change_settings(app, tls_cert=Path("/x/server.pem"), tls_key=Path("/x/server.key"))
    page = as_ann.get("/exercises/web/page", base_url="https://10.0.0.5")
    assert "frame-src https://10.0.0.5:8001" in page.headers["Content-Security-Policy"]
