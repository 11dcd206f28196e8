"""The preview origin: signed expiring tokens are the only key, every answer is sandboxed."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import Settings
from tests.helpers.site import Browser, change_settings
from web.preview import create_preview_app


@pytest.fixture
def preview(app: Flask, settings: Settings) -> FlaskClient:
    return create_preview_app(settings).test_client()


def _draft_url(browser: Browser, html: str) -> str:
    browser.get("/exercises/web/page")
    response = browser.post("/exercises/web/page/draft", {"file-0": html, "file-1": "document.title = 'x';"},
                            headers={"Accept": "application/json"})
    return str(response.get_json()["preview_url"]).removeprefix("http://localhost:8001")


def test_the_draft_page_and_its_script_are_served_sandboxed(as_ann: Browser, preview: FlaskClient) -> None:
    path = _draft_url(as_ann, "<h1>Welcome</h1><script src='page.js'></script>")
    page = preview.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    csp = page.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts allow-forms;")
    assert "allow-same-origin" not in csp
    assert "form-action 'none'" in csp
    assert "Set-Cookie" not in page.headers
    script = preview.get(path.replace("index.html", "page.js"))
    assert script.mimetype == "text/javascript" and b"document.title" in script.data


def test_a_changed_draft_retires_its_old_url(as_ann: Browser, preview: FlaskClient) -> None:
    old = _draft_url(as_ann, "<h1>One</h1>")
    time.sleep(0.01)
    new = _draft_url(as_ann, "<h1>Two</h1>")
    assert preview.get(old).status_code == 404
    assert b"Two" in preview.get(new).data


def test_forged_tampered_and_expired_tokens_are_not_found(as_ann: Browser, preview: FlaskClient,
                                                          app: Flask) -> None:
    path = _draft_url(as_ann, "<h1>Mine</h1>")
    token = path.split("/")[2]
    assert preview.get(path.replace(token, token[:-2] + "xx")).status_code == 404
    assert preview.get("/p/WyJzIiwxXQ/index.html").status_code == 404  # unsigned ["s", 1]
    assert preview.get(path.replace("index.html", "secret.py")).status_code == 404
    change_settings(preview.application, preview_token_max_age_s=-1)
    assert preview.get(path).status_code == 404


def test_the_starter_page_is_shown_before_any_draft(as_bob: Browser, preview: FlaskClient) -> None:
    page = as_bob.get("/exercises/web/page").get_data(as_text=True)
    src = page.split('<iframe sandbox="allow-scripts allow-forms" src="', 1)[1].split('"', 1)[0]
    assert b"<h1>Hi</h1>" in preview.get(src.removeprefix("http://localhost:8001")).data


def test_an_attempt_opens_in_the_sandboxed_frame_under_a_banner(as_ann: Browser, as_ines: Browser,
                                                                 preview: FlaskClient) -> None:
    """Never as a tab of its own, where its script could replace the page with a fake."""
    as_ann.get("/exercises/web/page")
    as_ann.post("/exercises/web/page/submit", {"file-0": "<h1>Sent</h1>", "file-1": ""})
    response = as_ines.get("/submissions/1/preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ann's page" in page and "attempt" in page
    frame = '<iframe class="learner-page" sandbox="allow-scripts allow-forms" src="'
    src = page.split(frame, 1)[1].split('"')[0]
    assert b"Sent" in preview.get(src.removeprefix("http://localhost:8001")).data
    assert 'target="_blank"' not in as_ines.get("/submissions/1").get_data(as_text=True)
    assert "Your page" in as_ann.get("/submissions/1/preview").get_data(as_text=True)


def test_the_configured_origin_is_used(app: Flask, as_ann: Browser) -> None:
    change_settings(app, preview_origin="http://10.1.2.3:9001")
    response = as_ann.get("/exercises/web/page")
    assert "frame-src http://10.1.2.3:9001" in response.headers["Content-Security-Policy"]
    assert 'src="http://10.1.2.3:9001/p/' in response.get_data(as_text=True)


def test_every_page_gets_its_console_first_and_no_line_moves(as_ann: Browser, preview: FlaskClient) -> None:
    html = "<!DOCTYPE html>\n<h1>Welcome</h1>\n<script>oops()</script>\n"
    page = preview.get(_draft_url(as_ann, html)).get_data(as_text=True)
    tag = '<script src="/_console.js"></script>'
    assert page == f"<!DOCTYPE html>{tag}\n<h1>Welcome</h1>\n<script>oops()</script>\n"  # after the doctype
    assert page.splitlines()[2] == html.splitlines()[2]  # the error's line number is the learner's
    bare = preview.get(_draft_url(as_ann, "<p>no doctype</p>")).get_data(as_text=True)
    assert bare == f"{tag}<p>no doctype</p>"
    script = preview.get("/_console.js")
    assert script.mimetype == "text/javascript" and b"parent.postMessage" in script.data
    assert script.headers["Content-Security-Policy"].startswith("sandbox allow-scripts allow-forms;")
