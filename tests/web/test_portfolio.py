"""A learner's portfolio (web/portfolio.py): choosing pieces, the employer's view from the preview
origin, and asking to take it out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Settings
from store.models import AuditLog, PortfolioExport, PortfolioPiece
from tests.helpers.portfolio import choose, graded_greet, graded_page
from tests.helpers.site import Browser, graded_submission
from web.portfolio_site import from_zip
from web.preview import create_preview_app


def preview_get(settings: Settings, url: str):  # type: ignore[no-untyped-def]
    preview = create_preview_app(settings).test_client()
    return preview.get(urlsplit(url).path)


def test_a_learner_chooses_graded_work_and_writes_about_it(as_ann: Browser, db_session: Session) -> None:
    page = graded_page(db_session, "ann")
    graded_greet(db_session, "ann")
    graded_submission(db_session, "bob", passed=True)  # bob's work is never ann's to choose
    listing = as_ann.get("/portfolio/").get_data(as_text=True)
    assert "A page" in listing and "Greet" in listing and listing.count('name="key-') == 2
    response = choose(as_ann, ["web/page"], lines={"web/page": "My first page with a heading"})
    assert response.status_code == 302
    pieces = db_session.scalars(select(PortfolioPiece)).all()
    assert [(p.exercise_key, p.submission_id, p.line) for p in pieces] == [
        ("web/page", page.id, "My first page with a heading")]
    again = as_ann.get("/portfolio/").get_data(as_text=True)
    assert "My first page with a heading" in again and "I like making pages" in again
    for field in ("phone", "address", "email", "date of birth"):  # no personal-data fields
        assert f'name="{field}' not in again.lower()


def test_work_without_a_graded_attempt_or_of_someone_else_cannot_be_chosen(
    as_ann: Browser, db_session: Session
) -> None:
    bobs = graded_submission(db_session, "bob", passed=True)
    response = as_ann.post("/portfolio/", {"about": "", "key-0": "python/greet", "pick-0": "1",
                                           "line-0": "not mine"})
    assert response.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(PortfolioPiece)) == 0
    assert bobs.user_id != db_session.scalar(select(func.min(PortfolioPiece.user_id)))


def test_too_long_words_are_refused_with_a_message_and_nothing_is_lost(as_ann: Browser,
                                                                       db_session: Session) -> None:
    graded_page(db_session, "ann")
    choose(as_ann, ["web/page"], about="Short.")
    response = choose(as_ann, [], about="x" * 1501)
    assert response.status_code == 422 and "at most 1500 characters" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(PortfolioPiece)) == 1


def test_the_employer_view_is_served_from_the_preview_origin_without_scripts(
    app: Flask, settings: Settings, as_ann: Browser, db_session: Session
) -> None:
    graded_page(db_session, "ann")
    graded_greet(db_session, "ann")
    choose(as_ann, ["web/page", "python/greet"])
    page = as_ann.get("/portfolio/").get_data(as_text=True)
    url = page.split('<iframe sandbox src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert url.startswith("http://localhost:8001/portfolio/")
    index = preview_get(settings, url)
    assert index.status_code == 200 and index.mimetype == "text/html"
    csp = index.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script" not in csp
    html = index.get_data(as_text=True)
    assert "Ann" in html and "A page" in html and "Greet" in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.split("Content-Security-Policy", 1)[1]
    piece = preview_get(settings, url.replace("index.html", "pieces/python-greet.html")).get_data(True)
    assert 'class="hl"' in piece and "&lt;b&gt;bold&lt;/b&gt;" in piece  # highlighted and escaped
    assert "Says hello" in piece and "Secret check" in piece
    web = preview_get(settings, url.replace("index.html", "pieces/web-page.html")).get_data(as_text=True)
    assert '<iframe class="page" sandbox src="web-page/index.html"' in web
    assert 'src="../pictures/web-page-1.png"' in web
    picture = preview_get(settings, url.replace("index.html", "pictures/web-page-1.png"))
    assert picture.mimetype == "image/png" and picture.data.startswith(b"\x89PNG")
    script = preview_get(settings, url.replace("index.html", "pieces/web-page/page.js"))
    assert script.mimetype == "text/plain"  # shown as text, never run
    choose(as_ann, ["web/page"])  # saved again: the old address no longer shows the old portfolio
    assert preview_get(settings, url).status_code == 404


def test_asking_to_take_it_out_freezes_the_site_and_the_record(
    as_ann: Browser, db_session: Session
) -> None:
    response = as_ann.post("/portfolio/exports")
    assert response.status_code == 409 and "Choose at least one piece" in response.get_data(as_text=True)
    graded_page(db_session, "ann")
    choose(as_ann, ["web/page"])
    assert as_ann.post("/portfolio/exports").status_code == 302
    export = db_session.scalars(select(PortfolioExport)).one()
    assert export.state == "requested" and export.record["portfolio"] == ["web/page"]
    assert export.record["learner"] == {"name": "Ann"} and export.record["site"]["name"] == "Code Workshop"
    assert export.record["exercises"][0]["completed"] is True
    files = from_zip(export.site_zip)
    assert {"index.html", "record.html", "print.html", "style.css", "CONTENTS.txt", "pieces/web-page.html",
            "pieces/web-page/index.html", "pieces/web-page/page.js", "pictures/web-page-1.png"} == set(files)
    assert "record.json" in files["CONTENTS.txt"].decode()
    again = as_ann.post("/portfolio/exports")
    assert again.status_code == 409 and "already asked" in again.get_data(as_text=True)
    audit = db_session.scalars(select(AuditLog).where(AuditLog.action == "portfolio.export_requested")).one()
    assert audit.target == f"export:{export.id}"
    assert as_ann.post(f"/portfolio/exports/{export.id}/withdraw").status_code == 302
    db_session.refresh(export)
    assert export.state == "withdrawn"


def test_a_learner_cannot_withdraw_anothers_request(as_ann: Browser, as_bob: Browser,
                                                    db_session: Session) -> None:
    graded_page(db_session, "ann")
    choose(as_ann, ["web/page"])
    as_ann.post("/portfolio/exports")
    export = db_session.scalars(select(PortfolioExport)).one()
    assert as_bob.post(f"/portfolio/exports/{export.id}/withdraw").status_code == 404
    db_session.refresh(export)
    assert export.state == "requested"
