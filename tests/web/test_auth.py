"""Logging in and out: sessions end everywhere on logout, idle sessions expire, throttling is per
account first (so that a classmate cannot lock anyone out) and per address only at a much higher bar
(so that one learner cannot lock out a room behind one address); `next` never leaves the site."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditLog, User
from tests.helpers.site import PASSWORD, Browser, change_settings, login, settings_of


def test_login_shows_home_and_records_it(as_ann: Browser, db_session: Session) -> None:
    page = as_ann.get("/").get_data(as_text=True)
    assert "Hello, Ann" in page
    assert db_session.scalar(select(AuditLog).where(AuditLog.action == "login", AuditLog.target == "ann"))


def test_wrong_password_and_unknown_user_read_the_same(app: Flask) -> None:
    browser = Browser(app.test_client())
    wrong = browser.post("/login", {"username": "ann", "password": "nope"}).get_data(as_text=True)
    unknown = browser.post("/login", {"username": "nobody", "password": "nope"}).get_data(as_text=True)
    assert "do not match" in wrong and "do not match" in unknown
    assert browser.get("/").status_code == 302


def test_pages_need_a_login(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/exercises/python/greet").headers["Location"].startswith("/login")
    assert client.get("/api/submissions/1").status_code == 401


# Each reaches a browser as another host (or a script) once it drops tabs and newlines and reads `\` as `/`.
OFFSITE_NEXT = [
    "/%09/10.6.6.6/x", "//evil.example/x", "/\\evil.example/x", "\\\\evil.example/x", "/%5Cevil.example/x",
    "%2F%2Fevil.example/x", "/%0A/evil.example", "/%0D%0A/evil.example", "%09//evil.example", "/%00/evil",
    "/%1F/evil.example", "/%7F/evil.example", "/%C2%85/evil.example", "javascript:alert(1)",
    "java%09script:alert(1)", " javascript:alert(1)", "JavaScript:alert(1)", "http://evil.example/",
    "https:evil.example", "//%09evil.example", "/%09%09/evil.example", "evil.example", "data:text/html,x",
]


@pytest.mark.parametrize("target", OFFSITE_NEXT)
def test_next_never_leaves_the_site(app: Flask, target: str) -> None:
    browser = Browser(app.test_client())
    browser.get("/login")
    response = browser.post(f"/login?next={target}", {"username": "ann", "password": PASSWORD})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        location = response.headers["Location"]
        assert location == "/", location


@pytest.mark.parametrize(("target", "lands"), [
    ("/exercises/python/greet", "/exercises/python/greet"),
    ("/teach/?cohort=2", "/teach/?cohort=2"),
    ("/%09exercises/python/greet", "/exercises/python/greet"),
])
def test_next_within_the_site_is_followed(app: Flask, target: str, lands: str) -> None:
    browser = Browser(app.test_client())
    browser.get("/login")
    response = browser.post(f"/login?next={quote(target, safe='/%?=')}",
                            {"username": "ann", "password": PASSWORD})
    assert response.headers["Location"] == lands


def test_logout_ends_every_session_of_the_user(app: Flask) -> None:
    first, second = login(app.test_client(), "ann"), login(app.test_client(), "ann")
    stolen_cookie = first.client.get_cookie("grader_session")
    assert stolen_cookie is not None
    first.post("/logout")
    assert second.get("/").status_code == 302  # the other computer is logged out too
    replay = app.test_client()
    replay.set_cookie("grader_session", stolen_cookie.value)
    assert replay.get("/").status_code == 302  # the old cookie is refused


def test_idle_sessions_expire(app: Flask) -> None:
    browser = login(app.test_client(), "ann")
    with browser.client.session_transaction() as session:
        session["seen"] = int(time.time()) - settings_of(app).idle_timeout_s - 1
    assert browser.get("/").status_code == 302


def test_deactivated_user_is_logged_out(app: Flask, as_ann: Browser, db_session: Session) -> None:
    user = db_session.scalar(select(User).where(User.username == "ann"))
    assert user is not None
    user.active = False
    db_session.commit()
    assert as_ann.get("/").status_code == 302
    browser = Browser(app.test_client())
    assert "do not match" in browser.post("/login", {"username": "ann", "password": PASSWORD}).get_data(True)


def _attempt(app: Flask, ip: str, username: str, password: str) -> int:
    browser = Browser(app.test_client())
    browser.client.environ_base["REMOTE_ADDR"] = ip
    return browser.post("/login", {"username": username, "password": password}).status_code


def test_a_classmate_cannot_lock_someone_out(app: Flask) -> None:
    limit = settings_of(app).login_max_per_user_ip
    codes = [_attempt(app, "10.0.0.66", "ann", "guess") for _ in range(limit + 2)]
    assert codes[:limit] == [200] * limit and codes[-1] == 429  # the guesser is slowed down
    assert _attempt(app, "10.0.0.66", "ann", PASSWORD) == 429  # even with the right password, from there
    assert _attempt(app, "10.0.0.7", "ann", PASSWORD) == 302  # Ann logs in from her own seat


def test_one_computer_has_a_budget_over_all_usernames(app: Flask) -> None:
    change_settings(app, login_max_per_ip=6)
    codes = [_attempt(app, "10.0.0.66", f"user{n}", "guess") for n in range(8)]
    assert codes[-1] == 429
    assert _attempt(app, "10.0.0.8", "bob", PASSWORD) == 302


def test_one_learner_cannot_lock_out_a_room_behind_one_address(app: Flask) -> None:
    """A terminal server or NAT: every seat has the same address. One learner mistyping (or trying
    other people's names) uses up their accounts' budgets, not the room's."""
    room = "10.0.0.1"
    per_account = settings_of(app).login_max_per_user_ip
    for n in range(12):  # 60 failures from the room's one address, over 12 names
        codes = [_attempt(app, room, f"guess{n}", "wrong") for _ in range(per_account + 1)]
        assert codes[-1] == 429
    assert _attempt(app, room, "bob", PASSWORD) == 302  # Bob, at the next seat, still logs in


def test_an_account_has_a_budget_over_every_address(app: Flask) -> None:
    change_settings(app, login_max_per_user=6)
    codes = [_attempt(app, f"10.0.1.{n}", "ann", "guess") for n in range(8)]
    assert codes[:6] == [200] * 6 and codes[-1] == 429
    browser = Browser(app.test_client())
    page = browser.post("/login", {"username": "ann", "password": PASSWORD})
    assert page.status_code == 429 and "for this account" in page.get_data(as_text=True)
    assert _attempt(app, "10.0.1.99", "bob", PASSWORD) == 302  # other accounts are not affected


def test_the_address_budget_still_stops_a_program_trying_many_accounts(app: Flask) -> None:
    limit = settings_of(app).login_max_per_ip
    assert limit >= 10 * settings_of(app).login_max_per_user_ip  # a much higher bar than an account's
    change_settings(app, login_max_per_ip=20)
    codes = [_attempt(app, "10.0.0.66", f"user{n}", "guess") for n in range(22)]
    assert codes[:20] == [200] * 20 and codes[-1] == 429


def test_password_change_logs_out_other_computers(app: Flask) -> None:
    here, elsewhere = login(app.test_client(), "ann"), login(app.test_client(), "ann")
    here.get("/account/password")
    response = here.post("/account/password", {"current": PASSWORD, "new": "a new long password",
                                               "again": "a new long password"})
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    login(app.test_client(), "ann", "a new long password")


def test_password_change_needs_the_current_one(as_ann: Browser) -> None:
    as_ann.get("/account/password")
    page = as_ann.post("/account/password", {"current": "wrong", "new": "x" * 10, "again": "x" * 10})
    assert "not your current password" in page.get_data(as_text=True)


def test_form_fields_carry_only_the_attributes_they_were_given(app: Flask) -> None:
    from wtforms import Form, StringField

    class Named(Form):
        name = StringField("Name")

    macro = app.jinja_env.get_template("_macros.html").module.field  # type: ignore[attr-defined]
    with app.test_request_context():
        plain = str(macro(Named().name))
        given = str(macro(Named().name, autocomplete="off"))
    assert "autocomplete" not in plain and "None" not in plain
    assert 'autocomplete="off"' in given
