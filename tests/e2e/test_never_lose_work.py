"""Nothing typed is lost: a session that ends mid-edit (idle expiry, a password reset) is resumed in place
and what was typed is saved and sent; a page closed before its autosave brings the work back."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.helpers.served_site import IDLE_S, Site
from tests.helpers.workbench import code, editor, log_in, set_code, wait_for_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FIRST = "print('typed before')\n"
TYPED_AFTER = "print('typed after the session ended')"


def logged_out(page: Any, site: Site) -> bool:
    return int(page.request.get(f"{site.url}/api/submissions/0").status) == 401


def wait_for_logout(page: Any, site: Site) -> None:
    deadline = time.monotonic() + IDLE_S + 60
    while not logged_out(page, site):
        assert time.monotonic() < deadline, "the session did not end"
        time.sleep(0.5)


def saved_draft(chromium: Any, site: Site, username: str, password: str) -> str:
    """What the site kept, seen from another computer (a fresh browser without the local copy)."""
    context = chromium.new_context()
    try:
        other = context.new_page()
        log_in(other, site.url, username, password)
        other.goto(f"{site.url}/exercises/python/greet")
        return code(other)
    finally:
        context.close()


def test_an_idle_session_ends_mid_edit_and_nothing_is_lost(short_session_site: Site, page: Any,
                                                          chromium: Any) -> None:
    site = short_session_site
    password = site.passwords["learner"]
    log_in(page, site.url, "learner", password)
    page.goto(f"{site.url}/exercises/python/greet")
    set_code(page, FIRST)
    wait_for_logout(page, site)  # the learner thinks for a long while: the session ends
    editor(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(TYPED_AFTER)
    dialog = page.locator("#login-dialog")
    dialog.wait_for()  # the autosave found the session ended: the page says so, in place
    assert "Your session has ended" in dialog.inner_text()
    assert "Everything you typed is kept on this computer" in dialog.inner_text()
    assert page.locator("#again-username").input_value() == "learner"
    page.fill("#again-password", "not the password")
    page.click("#login-dialog button.primary")
    page.locator("#login-dialog-error", has_text="do not match").wait_for()
    assert code(page) == FIRST + TYPED_AFTER  # still there, still on screen
    page.fill("#again-password", password)
    page.click("#login-dialog button.primary")
    page.locator(".save-state", has_text="Saved.").wait_for()
    assert not dialog.is_visible()
    assert saved_draft(page.context.browser, site, "learner", password) == FIRST + TYPED_AFTER
    page.click("#send")  # and it sends, with the new session's token
    page.locator("#result-panel", has_text="Waiting to be graded").wait_for()


def test_send_after_the_session_ended_sends_once_logged_in_again(short_session_site: Site, page: Any) -> None:
    site = short_session_site
    password = site.passwords["learner"]
    log_in(page, site.url, "learner", password)
    page.goto(f"{site.url}/exercises/python/greet")
    before = page.locator("#result-panel").get_attribute("data-submission")  # an earlier test's, or none
    set_code(page, "print('before')\n")
    wait_for_logout(page, site)
    set_code(page, "print('sent after the session ended')\n")
    page.keyboard.press("Control+Enter")
    page.locator("#login-dialog").wait_for()
    page.fill("#again-password", password)
    page.keyboard.press("Enter")
    page.wait_for_function("id => { const shown = document.getElementById('result-panel').dataset.submission;"
                           " return shown && shown !== id; }", arg=before)
    assert "Waiting to be graded" in page.locator("#result-panel").inner_text()
    attempt = page.locator("#result-panel .meta a").get_attribute("href")
    page.goto(f"{site.url}{attempt}")
    assert page.url.endswith(str(attempt)), page.url
    assert "print('sent after the session ended')" in page.locator("pre.code").inner_text(), page.content()


def test_a_password_reset_mid_edit_loses_nothing(site: Site, page: Any, chromium: Any) -> None:
    teacher = chromium.new_context().new_page()
    log_in(teacher, site.url, "instructor", site.passwords["instructor"])
    teacher.goto(f"{site.url}/teach/learners")
    teacher.fill("#username", "resetme")
    teacher.fill("#display_name", "Reset Me")
    teacher.click("button:has-text('Add learner')")
    first_password = teacher.locator("code.secret").inner_text()

    log_in(page, site.url, "resetme", first_password)
    page.goto(f"{site.url}/exercises/python/greet")
    set_code(page, FIRST)
    page.locator(".save-state", has_text="Saved.").wait_for()

    teacher.goto(f"{site.url}/teach/learners")
    teacher.locator("tr", has_text="resetme").locator("button", has_text="New password").click()
    new_password = teacher.locator("code.secret").inner_text()
    teacher.context.close()

    editor(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(TYPED_AFTER)
    page.locator("#login-dialog").wait_for()
    page.fill("#again-password", new_password)
    page.click("#login-dialog button.primary")
    page.locator(".save-state", has_text="Saved.").wait_for()
    assert saved_draft(chromium, site, "resetme", new_password) == FIRST + TYPED_AFTER


def test_work_typed_just_before_the_page_closed_comes_back(site: Site, page: Any) -> None:
    log_in(page, site.url, "learner", site.passwords["learner"])
    page.goto(f"{site.url}/exercises/web/page")
    text = "<h1>Typed, and the tab closed at once</h1>\n"
    page.route("**/draft", lambda route: route.abort())  # the autosave never reaches the site
    set_code(page, text)
    page.unroute("**/draft")
    page.goto(f"{site.url}/")
    page.goto(f"{site.url}/exercises/web/page")
    wait_for_code(page, text)  # brought back from this computer's copy...
    page.locator(".save-state", has_text="Saved.").wait_for()  # ...and saved on the site
    page.reload()
    wait_for_code(page, text)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('workbench:')).length") == 0
