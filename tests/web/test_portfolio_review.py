"""Reviewing a portfolio export (web/portfolio_review.py): only staff, every file and page shown,
approval signs the record and prints a real PDF (checked as pictures), a return needs a reason, and
every decision is in the audit log."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.models import AuditLog, PortfolioExport
from store.signed import read_document
from store.site_key import site_key
from tests.helpers.machine import unavailable
from tests.helpers.portfolio import choose, graded_greet, graded_page, has_colour, pdf_pages, pdf_text
from tests.helpers.site import Browser


@pytest.fixture
def requested(as_ann: Browser, db_session: Session) -> PortfolioExport:
    graded_page(db_session, "ann")
    graded_greet(db_session, "ann")
    choose(as_ann, ["web/page", "python/greet"], lines={"web/page": "A welcome page I built"})
    assert as_ann.post("/portfolio/exports").status_code == 302
    return db_session.scalars(select(PortfolioExport)).one()


def needs_pdf_tools(settings: Settings) -> None:
    for tool in (settings.chromium, "/usr/bin/pdftoppm", "/usr/bin/pdftotext"):
        if not Path(tool).exists():
            unavailable(f"{tool} is not installed (apt-get install chromium poppler-utils)")


def approve(browser: Browser, export: PortfolioExport):  # type: ignore[no-untyped-def]
    browser.get(f"/teach/exports/{export.id}")
    return browser.post(f"/teach/exports/{export.id}/approve", {"site_sha256": export.site_sha256})


def test_only_staff_review_and_download(requested: PortfolioExport, as_ann: Browser, as_bob: Browser) -> None:
    for browser in (as_ann, as_bob):
        assert browser.get("/teach/exports/").status_code == 404
        assert browser.get(f"/teach/exports/{requested.id}").status_code == 404
        assert browser.post(f"/teach/exports/{requested.id}/approve",
                            {"site_sha256": requested.site_sha256}).status_code == 404
        assert browser.get(f"/teach/exports/{requested.id}/download").status_code == 404


def test_the_reviewer_sees_every_file_and_every_page(requested: PortfolioExport, as_ines: Browser) -> None:
    waiting = as_ines.get("/teach/exports/").get_data(as_text=True)
    assert f"/teach/exports/{requested.id}" in waiting and "Ann" in waiting
    page = as_ines.get(f"/teach/exports/{requested.id}").get_data(as_text=True)
    for path in ("index.html", "record.html", "print.html", "style.css", "CONTENTS.txt",
                 "pieces/web-page.html", "pieces/web-page/index.html", "pieces/web-page/page.js",
                 "pieces/python-greet/greet.py",
                 "pictures/web-page-1.png", "record.json", "site-key.pub", "portfolio.pdf"):
        assert f">{path}<" in page, path
    assert page.count('<details class="export-page" open>') == 6  # 5 of ours and the learner's page
    assert page.count('<iframe sandbox src="http://localhost:8001/portfolio/') == 6
    assert requested.record["site"]["key"] in page and "Check code printed on it" in page


def test_approving_signs_the_record_and_prints_a_pdf(
    requested: PortfolioExport, as_ines: Browser, db_session: Session, settings: Settings, tmp_path: Path
) -> None:
    needs_pdf_tools(settings)
    stale = as_ines.post(f"/teach/exports/{requested.id}/approve", {"site_sha256": "0" * 64})
    assert stale.status_code == 409 and "out of date" in stale.get_data(as_text=True)
    response = approve(as_ines, requested)
    assert response.status_code == 302, response.get_data(as_text=True)
    db_session.refresh(requested)
    assert requested.state == "approved" and requested.reviewed_at is not None
    record = read_document(requested.signed_record or b"", "record")
    assert record.fingerprint == site_key(settings.instance).fingerprint
    assert record.payload == requested.record
    entry = db_session.scalars(select(AuditLog).where(AuditLog.action == "portfolio.approved")).one()
    assert entry.detail["check_code"] == record.check_code
    assert entry.detail["site_sha256"] == requested.site_sha256

    download = as_ines.get(f"/teach/exports/{requested.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
        folder = names[0].split("/", 1)[0] + "/"
        assert folder == f"portfolio-ann-{requested.id}/"
        wanted = ("index.html", "record.json", "site-key.pub", "portfolio.pdf")
        assert {folder + name for name in wanted} <= set(names)
        pdf = tmp_path / "portfolio.pdf"
        pdf.write_bytes(archive.read(folder + "portfolio.pdf"))
        assert archive.read(folder + "record.json") == requested.signed_record
    assert db_session.scalars(select(AuditLog).where(AuditLog.action == "portfolio.downloaded")).one()

    text = pdf_text(pdf)
    assert "Ann" in text and "A welcome page I built" in text and "Says hello" in text
    assert "print(f'Hello, {name}!')" in text and "<b>bold</b>" in text  # the code, as text
    assert record.check_code.split(" / ")[1] in text and record.fingerprint in text
    pages = pdf_pages(pdf, tmp_path)
    assert pages, "the PDF has no page"
    assert any(has_colour(page) for page in pages), "the browser check's picture is not in the PDF"
    assert not has_colour(pages[-1]), "the record's page shows no picture"
    again = approve(as_ines, requested)
    assert again.status_code == 409 and "approved already" in again.get_data(as_text=True)


def test_a_missing_browser_approves_nothing(
    requested: PortfolioExport, as_ines: Browser, db_session: Session, app: object
) -> None:
    from tests.helpers.site import change_settings

    change_settings(app, chromium="/nowhere/chromium")  # type: ignore[arg-type]
    response = approve(as_ines, requested)
    assert response.status_code == 409
    assert "Nothing was approved" in response.get_data(as_text=True)
    db_session.refresh(requested)
    assert requested.state == "requested" and requested.signed_record is None


def test_sending_it_back_needs_a_reason_the_learner_reads(
    requested: PortfolioExport, as_ines: Browser, as_ann: Browser, db_session: Session
) -> None:
    as_ines.get(f"/teach/exports/{requested.id}")
    empty = as_ines.post(f"/teach/exports/{requested.id}/return", {"reason": "  "})
    assert empty.status_code == 422 and "Write why" in empty.get_data(as_text=True)
    reason = "Take out the page with your cell number on it."
    assert as_ines.post(f"/teach/exports/{requested.id}/return", {"reason": reason}).status_code == 302
    db_session.refresh(requested)
    assert requested.state == "returned" and requested.reason == reason
    entry = db_session.scalars(select(AuditLog).where(AuditLog.action == "portfolio.returned")).one()
    assert entry.detail["reason"] == reason
    assert reason in as_ann.get("/portfolio/").get_data(as_text=True)
    assert as_ines.get(f"/teach/exports/{requested.id}/download").status_code == 404


def test_staff_see_and_download_the_sites_public_key(as_ines: Browser, as_ann: Browser,
                                                    settings: Settings) -> None:
    key = site_key(settings.instance)
    page = as_ines.get("/teach/exports/").get_data(as_text=True)
    assert f'<code class="fingerprint">{key.fingerprint}</code>' in page
    download = as_ines.get("/teach/exports/site-key.pub")
    assert download.status_code == 200 and download.data == key.public_pem
    assert as_ann.get("/teach/exports/site-key.pub").status_code == 404


def test_two_decisions_at_once_cannot_both_win(requested: PortfolioExport, settings: Settings) -> None:
    from store.db import make_engine, session_factory
    from store.models import User
    from web.portfolio_exports import ExportError, send_back

    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    try:
        with sessions() as first, sessions() as second:
            mine, theirs = first.get(PortfolioExport, requested.id), second.get(PortfolioExport, requested.id)
            assert mine is not None and theirs is not None and mine.state == theirs.state == "requested"
            ines = second.scalars(select(User).where(User.username == "ines")).one()
            send_back(second, theirs, ines, "Not yet.", "test")
            second.commit()
            with pytest.raises(ExportError, match="Someone else decided"):
                send_back(first, mine, first.get(User, ines.id), "Also not.", "test")  # type: ignore[arg-type]
            first.rollback()
            assert first.get(PortfolioExport, requested.id).reason == "Not yet."  # type: ignore[union-attr]
    finally:
        engine.dispose()
