"""Attacks a curious classmate could try: other people's object URLs, cross-site forms, injection
strings in every field, and what the pages allow the browser to load."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Submission, User
from tests.helpers.site import Browser, graded_submission

INJECTIONS = ["' OR '1'='1", "admin'--", "1; DROP TABLE users; --", '" OR ""="', "%' UNION SELECT 1--",
              "<script>alert(1)</script>", "\x00", "é" * 300]


@pytest.fixture
def anns_submission(as_ann: Browser) -> int:
    as_ann.get("/exercises/web/page")
    response = as_ann.post("/exercises/web/page/submit", {"file-0": "<h1>Welcome</h1>", "file-1": ""})
    assert response.status_code == 302
    page = as_ann.get("/exercises/web/page").get_data(as_text=True)
    return int(page.split('Attempt <a href="/submissions/', 1)[1].split('"', 1)[0])


@pytest.mark.parametrize("url", [
    "/submissions/{id}", "/submissions/{id}/download", "/submissions/{id}/preview", "/api/submissions/{id}",
])
def test_another_learners_objects_are_not_found(url: str, anns_submission: int, as_ann: Browser,
                                                as_bob: Browser) -> None:
    assert as_ann.get(url.format(id=anns_submission)).status_code in (200, 302)
    assert as_bob.get(url.format(id=anns_submission)).status_code == 404
    assert as_bob.get(url.format(id=anns_submission + 1000)).status_code == 404  # same as a missing one


def test_learners_never_reach_staff_pages(as_bob: Browser, anns_submission: int) -> None:
    for url in ("/teach/", "/teach/learners", "/teach/catalogue", "/teach/export.csv", "/teach/learners/1",
                "/admin/", "/admin/audit", "/admin/health"):
        assert as_bob.get(url).status_code == 404, url
    for action in ("regrade", "override", "override/remove"):
        url = f"/teach/submissions/{anns_submission}/{action}"
        assert as_bob.post(url, {"score": "2", "reason": "mine now"}).status_code == 404, url


def test_a_post_without_the_csrf_token_is_refused(as_ann: Browser, db_session: Session) -> None:
    response = as_ann.client.post("/exercises/python/greet/submit", data={"file-0": "print(1)"})
    assert response.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 0


def test_a_cross_site_post_is_refused(as_ann: Browser) -> None:
    """A page elsewhere cannot make Ann's browser log her out (nor anything else): no valid token."""
    forged = as_ann.client.post("/logout", data={"csrf_token": "forged"},
                                headers={"Origin": "http://evil.example", "Referer": "http://evil.example/"})
    assert forged.status_code == 400
    assert as_ann.get("/").status_code == 200


def test_cookies_are_http_only_and_same_site(app: Flask) -> None:
    response = app.test_client().get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csp_allows_no_outside_origin(as_ann: Browser) -> None:
    response = as_ann.get("/exercises/web/page")
    policy = response.headers["Content-Security-Policy"]
    sources = {word for part in policy.split(";") for word in part.split()[1:]}
    sources = {word for word in sources if not word.startswith("'nonce-")}  # the editor's styles
    assert sources <= {"'self'", "'none'", "data:", "http://localhost:8001"}, sources
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_every_field_get_a_normal_answer(
    value: str, app: Flask, as_ines: Browser, as_ada: Browser, db_session: Session
) -> None:
    refused = {400} if "\x00" in value else set()  # NUL is refused whole (PostgreSQL cannot store it)
    attempt = graded_submission(db_session, "ann", passed=False)
    login_page = Browser(app.test_client())
    assert login_page.post("/login", {"username": value, "password": value}).status_code in {200} | refused
    forms = [
        (as_ines, "/teach/learners", {"username": value, "display_name": value, "cohort": "0"}),
        (as_ines, "/teach/cohorts", {"name": value}),
        (as_ada, "/admin/users", {"username": value, "display_name": value, "role": value}),
        (as_ines, f"/teach/submissions/{attempt.id}/override", {"score": value, "reason": value}),
        (as_ines, f"/teach/submissions/{attempt.id}/override", {"score": "1", "reason": value}),
    ]
    for browser, url, data in forms:
        browser.get(url.replace("/cohorts", "/learners").replace("/admin/users", "/admin/"))
        assert browser.post(url, data).status_code in {200, 201, 302, 422} | refused, url
    pages = ((as_ines, f"/teach/?cohort={value}"), (as_ines, f"/teach/learners/1?exercise={value}"),
             (as_ada, f"/admin/audit?before={value}"))
    for browser, url in pages:
        assert browser.get(url).status_code in {200} | refused, url
    assert db_session.scalar(select(func.count()).select_from(User)) >= 4  # nothing was dropped
