"""A portfolio in a real browser, from work graded by a real worker: the learner chooses and asks, the
instructor reviews every page and approves, the export is downloaded; its static website and its PDF
are looked at as pictures, and its signed record is checked (and refused once a byte changes)."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.data import CATALOGS
from tests.helpers.ops import clean_env, grader
from tests.helpers.portfolio import has_colour, pdf_pages, pdf_text
from tests.helpers.served_site import Site, log_in
from tests.helpers.workbench import set_code

pytestmark = [pytest.mark.browser, pytest.mark.docker, pytest.mark.slow]
RED = (220, 40, 40)
PAGE = ("<!doctype html><title>Welcome</title><style>body{margin:0} h1{background:rgb(220,40,40);color:#fff;"
        "margin:0;padding:60px 20px}</style><h1>Welcome to my page</h1>"
        "<script>document.title = 'SCRIPT RAN'; document.body.append('SCRIPT RAN')</script>\n")
GRADING_S = 120_000  # ms: the first grading may wait for the worker's start-up checks
RIGHT = 'print("Hello, class!")\n'
NAME = "Pat Example"
ABOUT = "I build small pages and programs that work the first time."


def _send(page: Any, site: Site, path: str, text: str, wait_for: str) -> None:
    page.goto(f"{site.url}{path}")
    set_code(page, text)
    page.click("text=Send for grading")
    page.locator("#result-panel").locator(wait_for).wait_for(timeout=GRADING_S)


def _choose(page: Any, title: str, line: str) -> None:
    choice = page.locator(".piece-choice", has_text=title)
    choice.locator("input[type=checkbox]").check()
    choice.locator("input[name^=line-]").fill(line)


@pytest.fixture(scope="module")
def pat(site: Site) -> Site:
    """The site with a learner of this test's own (the demo learner's attempts belong to other tests)."""
    env = clean_env(GRADER_INSTANCE=str(site.instance), GRADER_EXERCISES=str(CATALOGS / "site"))
    made = grader("users", "create", "pat", "--name", NAME, env=env)
    assert made.returncode == 0, made.stderr
    password = made.stdout.strip().rsplit("password ", 1)[1]
    return replace(site, passwords={**site.passwords, "pat": password})


def test_a_portfolio_is_chosen_reviewed_approved_and_taken_out(pat: Site, page: Any, tmp_path: Path) -> None:
    site = pat
    log_in(page, site, "pat")
    _send(page, site, "/exercises/python/greet", RIGHT, "text=All checks passed!")
    _send(page, site, "/exercises/web/page", PAGE, ".score-line")

    page.click("nav >> text=Portfolio")
    page.fill("#about", ABOUT)
    _choose(page, "A page", "A welcome page with a bold heading")
    _choose(page, "Greet", "My first Python program")
    page.click("text=Save")
    page.locator("text=Your portfolio is saved.").wait_for()
    employer = page.frame_locator("#employer-view iframe")
    employer.locator("h1", has_text="Pat Example").wait_for()
    assert "A welcome page with a bold heading" in employer.locator("main").inner_text()
    page.click("text=Ask to take my portfolio out")
    page.locator("text=an instructor will look at every page").wait_for()
    assert "Waiting for an instructor" in page.inner_text("#exports")
    page.click("text=Log out")

    log_in(page, site, "instructor")
    page.click("nav >> text=Exports")
    page.locator("table a", has_text="#").first.click()
    files = page.locator("table.files").inner_text()
    for path in ("index.html", "print.html", "record.html", "pieces/web-page/index.html",
                 "pictures/web-page-1.png",
                 "portfolio.pdf", "record.json"):
        assert path in files, path
    frames = page.locator("details.export-page iframe")
    assert frames.count() >= 6
    page.frame_locator("details.export-page iframe").first.locator("text=My first Python program").wait_for()
    page.click("text=Approve: it may leave")
    page.locator("text=is approved").wait_for(timeout=60_000)
    with page.expect_download() as download:
        page.click("text=Download the export (zip)")
    archive = tmp_path / "export.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "usb")
    folder = next((tmp_path / "usb").iterdir())

    _looks_right_from_a_usb_stick(page, folder, tmp_path)
    _the_pdf_looks_right(folder, tmp_path)
    _the_record_checks_out_until_a_byte_changes(folder, tmp_path)


def _looks_right_from_a_usb_stick(page: Any, folder: Path, tmp_path: Path) -> None:
    """The website opens from files, with no server and no script, and shows the work."""
    page.goto((folder / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Pat Example" and ABOUT in page.inner_text("main")
    shot = tmp_path / "index.png"
    page.screenshot(path=str(shot), full_page=True)
    assert has_colour(shot, RED), "the picture of the page is not on the portfolio's first page"
    page.click("text=A page")
    frame = page.frame_locator("iframe.page")
    frame.locator("h1", has_text="Welcome to my page").wait_for()
    assert "SCRIPT RAN" not in frame.locator("body").inner_text()  # framed without running its script
    shot = tmp_path / "piece.png"
    page.screenshot(path=str(shot), full_page=True)
    assert has_colour(shot, RED, at_least=5000)
    page.goto((folder / "pieces" / "python-greet.html").as_uri())
    assert page.locator(".hl .nb, .hl .nf, .hl .k").count() > 0  # highlighted
    assert "print(\"Hello, class!\")" in page.locator(".hl").inner_text()


def _the_pdf_looks_right(folder: Path, tmp_path: Path) -> None:
    text = pdf_text(folder / "portfolio.pdf")
    assert "Pat Example" in text and ABOUT in text and "My first Python program" in text
    code = json.loads((folder / "record.json").read_text())
    assert code["signer"]["fingerprint"] in text
    pages = pdf_pages(folder / "portfolio.pdf", tmp_path)
    assert pages and any(has_colour(png, RED) for png in pages)


def _the_record_checks_out_until_a_byte_changes(folder: Path, tmp_path: Path) -> None:
    env = clean_env(GRADER_INSTANCE=str(tmp_path / "employer"))
    checked = grader("verify", str(folder / "record.json"), "--key", str(folder / "site-key.pub"), env=env)
    assert checked.returncode == 0, checked.stderr
    assert "a record of completion of Pat Example" in checked.stdout
    code = checked.stdout.split("Check code: ", 1)[1].strip()
    assert code.split(" / ")[1] in pdf_text(folder / "portfolio.pdf")
    tampered = tmp_path / "record.json"
    tampered.write_bytes((folder / "record.json").read_bytes().replace(b'Pat Example', b'Demo Learned', 1))
    refused = grader("verify", str(tampered), "--key", str(folder / "site-key.pub"), env=env)
    assert refused.returncode == 1 and "changed after it was signed" in refused.stderr
