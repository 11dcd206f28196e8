"""The site makes no request outside itself: its templates and static files name no other address,
and a learner's whole session in a real browser (login, an exercise, the editor, a submission and
its result, a page shown in the preview) asks only the site's origin and its preview origin. The
site is the one installed from the bundle, so this also proves the wheel carries everything."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from grader.catalog import scan_catalog
from tests.helpers.ops import InstalledSite, clean_env
from tests.helpers.served_site import PASSWORD_LINE, wait_for
from tests.helpers.service import free_port
from tests.helpers.workbench import set_code

ROOT = Path(__file__).resolve().parents[2]
GRADING_MS = 120_000  # the worker's start-up checks come first
OUTSIDE_IN_SOURCE = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:[a-z]+:)?//"""
                               r"""|url\(\s*["']?\s*(?:[a-z]+:)?//|@import\s+["']?(?:[a-z]+:)?//|https?://""",
                               re.IGNORECASE)


NAMESPACES = re.compile(r"http://www\.w3\.org/(?:2000/svg|1999/xhtml|1998/Math/MathML|1999/xlink)\b")
"""XML namespace names (the editor builds SVG icons): identifiers a browser never fetches."""


def test_templates_and_static_files_name_no_outside_address() -> None:
    files = [*(ROOT / "web" / "templates").rglob("*.html"), *(ROOT / "web" / "static").rglob("*")]
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}" for path in files if path.is_file()
             for match in OUTSIDE_IN_SOURCE.finditer(NAMESPACES.sub("", path.read_text(errors="replace")))]
    assert len(files) > 5 and found == []


@dataclass(frozen=True)
class Served:
    url: str
    preview_url: str
    passwords: dict[str, str]
    prefix: Path


@pytest.fixture(scope="module")
def served(installed_site: InstalledSite) -> Iterator[Served]:
    """The site installed from the bundle, with the demo accounts and a grading worker, on this
    machine's loopback (outside the namespace, where the browser is)."""
    prefix = installed_site.prefix
    port, preview_port = free_port(), free_port()
    log = prefix / "serve-browser.log"
    command = [str(prefix / "bin" / "grader"), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
               "--preview-port", str(preview_port), "--web-workers", "2"]
    with log.open("w") as output:
        server = subprocess.Popen(command, env=clean_env(GRADER_SUBMIT_COOLDOWN_S="0"), stdout=output,
                                  stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/login", server, log, 60)
        found = filter(None, map(PASSWORD_LINE.search, log.read_text().splitlines()))
        yield Served(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{preview_port}",
                     {match.group(2): match.group(3) for match in found}, prefix)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.browser
@pytest.mark.docker
@pytest.mark.slow
def test_a_learner_session_asks_only_the_site_and_its_preview(served: Served, page: Any) -> None:
    exercises = list(scan_catalog(served.prefix / "current" / "exercises").catalog.exercises())
    program = next(e for e in exercises if e.runtime == "python")
    web_page = next(e for e in exercises if e.runtime == "web" and e.files[0].endswith(".html"))
    asked: list[str] = []
    refused: list[str] = []
    page.context.on("request", lambda request: asked.append(request.url))
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto(f"{served.url}/login")
    page.fill("#username", "learner")
    page.fill("#password", served.passwords["learner"])
    page.click("button.primary")
    page.wait_for_url(f"{served.url}/")
    page.goto(f"{served.url}/exercises/{program.key}")
    set_code(page, program.read_starter()[program.files[0]].decode() + "\n# my first attempt\n")
    page.click("text=Send for grading")
    page.locator("#result-panel .verdict").wait_for(timeout=GRADING_MS)
    page.locator("#history li a").first.click()
    page.wait_for_url(re.compile(r".*/submissions/\d+$"))
    page.goto(f"{served.url}/exercises/{web_page.key}")
    set_code(page, "<!doctype html><title>Mine</title><h1>Hello from my page</h1>\n")
    page.click("text=Save and preview")
    page.frame_locator("#preview iframe").locator("text=Hello from my page").wait_for(timeout=15_000)

    origins = {origin(url) for url in asked if not url.startswith(("data:", "blob:", "about:"))}
    assert origins == {served.url, served.preview_url}, sorted(set(asked))
    assert refused == []
