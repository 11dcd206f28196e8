"""Accessibility: the learner's and the instructor's pages pass axe-core (from the npm registry, run
offline in Chromium) with no serious or critical violation, and a learner with only a keyboard can
read, edit, run, send and read the result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.axe import audited_page, serious_violations
from tests.helpers.served_site import Site
from tests.helpers.workbench import (
    GRADING_MS,
    log_in,
    set_code,
    shown_attempt,
    wait_for_code,
    wait_for_new_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.docker, pytest.mark.slow]


@pytest.fixture
def audited(chromium: Any) -> Iterator[Any]:
    with audited_page(chromium) as page:
        yield page


def test_the_learners_pages_pass_axe(site: Site, audited: Any) -> None:
    log_in(audited, site.url, "learner", site.passwords["learner"])
    audited.goto(f"{site.url}/exercises/python/greet")
    set_code(audited, "name = input()\nprint(nme)\n")
    audited.fill("#stdin", "Ann")
    audited.click("#run-button")
    audited.locator("#run-panel .run-result[data-status=done]").wait_for(timeout=GRADING_MS)
    before = shown_attempt(audited)
    audited.click("#send")
    wait_for_new_result(audited, before)
    problems = {"exercise with a run and a result": serious_violations(audited)}
    attempt = audited.locator("#result-panel .meta a").get_attribute("href")
    for name, path in [("home", "/"), ("page exercise", "/exercises/web/page"),
                       ("flask exercise", "/exercises/flask/hello"), ("attempt", attempt),
                       ("password", "/account/password")]:
        audited.goto(f"{site.url}{path}")
        audited.wait_for_load_state("load")
        problems[name] = serious_violations(audited)
    audited.goto(f"{site.url}/exercises/python/greet")
    audited.evaluate("workbench.loginAgain()")  # the dialog of an ended session
    problems["log in again"] = serious_violations(audited)
    audited.context.clear_cookies()
    audited.goto(f"{site.url}/login")
    problems["login"] = serious_violations(audited)
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_instructors_pages_pass_axe(site: Site, audited: Any) -> None:
    log_in(audited, site.url, "instructor", site.passwords["instructor"])
    problems = {}
    for path in ("/teach/", "/teach/learners", "/teach/catalogue"):
        audited.goto(f"{site.url}{path}")
        problems[path] = serious_violations(audited)
    audited.goto(f"{site.url}/teach/")
    learner = audited.locator("table.grid tbody th a").first
    if learner.count():
        learner.click()
        audited.wait_for_load_state("load")
        problems["one learner"] = serious_violations(audited)
    assert {name: found for name, found in problems.items() if found} == {}


def tab_to(page: Any, condition: str, most: int = 60) -> None:
    """Press Tab until `condition` (JavaScript on `document.activeElement`, as `e`) holds."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!({condition}); }})()"):
            return
    raise AssertionError(f"Tab never reached {condition}")


def test_a_keyboard_is_enough_to_read_edit_run_send_and_read_the_result(site: Site, page: Any) -> None:
    page.goto(f"{site.url}/login")
    page.keyboard.type("learner")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(site.passwords["learner"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/")
    tab_to(page, "e.textContent.includes('Greet')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/exercises/python/greet")
    tab_to(page, "e.closest('.instructions') || e.classList.contains('cm-content')")
    tab_to(page, "e.classList.contains('cm-content')")  # the instructions are read on the way
    page.keyboard.press("Control+a")
    page.keyboard.type('print("Hello, " + input() + "!")')  # brackets and quotes close, and are typed over
    wait_for_code(page, 'print("Hello, " + input() + "!")')
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # leaves the editor
    assert page.evaluate("document.activeElement.id") == "stdin"
    page.keyboard.type("class")
    tab_to(page, "e.id === 'run-button'")
    page.keyboard.press("Enter")
    page.locator("#run-panel .run-result[data-status=done]").wait_for(timeout=GRADING_MS)
    assert page.locator("#run-panel .console-out").inner_text() == "Hello, class!\n"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    tab_to(page, "e.id === 'send'")
    before = shown_attempt(page)
    page.keyboard.press("Enter")
    wait_for_new_result(page, before)
    score_line = page.locator("#result-panel .score-line")
    assert score_line.get_attribute("role") == "status"  # read out when it comes
    tab_to(page, "e.closest('#result-panel')")  # and reachable to read again
    assert "checks passed" in page.locator("#result-panel").inner_text()
