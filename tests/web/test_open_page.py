"""The instructor's "Open the page", in real Chromium: a learner's page whose script navigates `top`
(to show a convincing fake of the login page) cannot replace the instructor's page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from config import Settings
from tests.helpers.live import served
from tests.helpers.service import free_port
from tests.helpers.site import PASSWORD, login
from web.preview import create_preview_app

pytestmark = [pytest.mark.browser]
WAIT_MS = 30_000
HIJACK = """<!doctype html>
<h1>Fake login</h1>
<p id="verdict">trying</p>
<script>
  var verdict = document.getElementById("verdict");
  try {
    top.location.href = "SITE/login?hijacked=1";
    verdict.textContent = "asked";
  } catch (e) {
    verdict.textContent = "blocked: " + e.name;
  }
  try { window.open("SITE/login?hijacked=2"); } catch (e) {}
</script>
"""


@pytest.fixture
def live_site(app: Flask, settings: Settings, tmp_path: Path) -> Iterator[str]:
    """The site and its preview origin served for real, on two free loopback ports."""
    preview_port = free_port()
    app.extensions["grader.settings"] = settings.but(preview_origin=f"http://127.0.0.1:{preview_port}")
    with served(create_preview_app(settings), preview_port), served(app) as url:
        yield url


def test_a_learners_script_cannot_replace_the_instructors_page(live_site: str, app: Flask, page: Any) -> None:
    ann = login(app.test_client(), "ann")
    ann.get("/exercises/web/page")
    sent = ann.post("/exercises/web/page/submit", {"file-0": HIJACK.replace("SITE", live_site), "file-1": ""})
    assert sent.status_code == 302
    page.goto(f"{live_site}/login")
    page.fill("#username", "ines")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_site}/")
    page.goto(f"{live_site}/submissions/1")
    page.click("text=Open the page")
    page.wait_for_url(f"{live_site}/submissions/1/preview", timeout=WAIT_MS)
    frame = page.frame_locator("iframe.learner-page")
    frame.locator("#verdict:not(:text('trying'))").wait_for(timeout=WAIT_MS)  # the script has run
    assert "Ann's page" in page.inner_text(".page-banner")
    # a round trip to the site after the script ran: a navigation it started would have happened by now
    assert page.evaluate("fetch('/api/submissions/1').then(r => r.status)") == 200
    assert page.url == f"{live_site}/submissions/1/preview"
    assert "hijacked" not in page.url and len(page.context.pages) == 1  # no tab replaced, none opened
    assert frame.locator("h1").inner_text() == "Fake login"  # the learner's page still shows, in its frame
