"""The site in a real browser, graded by a real worker on the real engine."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.served_site import Site, log_in
from tests.helpers.workbench import save, set_code, shown_attempt, wait_for_new_result

pytestmark = [pytest.mark.browser, pytest.mark.docker, pytest.mark.slow]

WRONG = 'print("Hello")\n'
RIGHT = 'print("Hello, class!")\n'
THIEF = """<!doctype html>
<h1>Welcome</h1>
<pre id="out">running</pre>
<script>
  var out = [];
  try { out.push("cookie=" + JSON.stringify(document.cookie)); } catch (e) { out.push("cookie:" + e.name); }
  try { out.push("parent=" + parent.document.title); } catch (e) { out.push("parent:" + e.name); }
  fetch("SITE/api/submissions/1", {credentials: "include"})
    .then(function (r) { return r.text(); })
    .then(function (t) { out.push("api=" + t.slice(0, 200)); }, function (e) { out.push("api:" + e.name); })
    .then(function () { document.getElementById("out").textContent = out.join("\\n"); });
</script>
"""


def test_a_learner_sees_the_verdicts_change(site: Site, page: Any) -> None:
    log_in(page, site, "learner")
    page.click("text=Greet")
    attempts = page.locator("#history li").count()  # other tests of this site may have sent some
    set_code(page, WRONG)
    before = shown_attempt(page)
    page.click("text=Send for grading")
    wait_for_new_result(page, before)  # updated live, without a reload
    panel = page.locator("#result-panel")
    assert "Not there yet" in panel.inner_text()
    assert "Says hello" in panel.inner_text() and "Hint:" in panel.inner_text()
    set_code(page, RIGHT)
    before = shown_attempt(page)
    page.click("text=Send for grading")
    wait_for_new_result(page, before)
    assert "All checks passed!" in panel.inner_text() and "2 / 2" in panel.inner_text()
    assert page.locator("#history li").count() == attempts + 2
    page.goto(f"{site.url}/")
    assert "1 of 1 done" in page.inner_text("main")


def test_an_instructor_sees_the_grid_and_the_code(site: Site, page: Any) -> None:
    log_in(page, site, "instructor")
    page.click("nav >> text=Class")
    page.click("a.track-toggle:has-text('Python basics')")
    grid = page.locator("table.grid")
    grid.locator("th.ex-col").first.wait_for()
    assert "Demo Learner" in grid.inner_text()
    assert grid.locator("th.ex-col").first.get_attribute("title") == "Greet"
    page.click("table.grid >> text=Demo Learner")
    page.locator("text=Attempts").first.wait_for()
    page.locator("td a", has_text="#").first.click()
    code = page.locator("pre.code").first
    assert 'print("Hello' in code.inner_text() and code.locator(".ln").count() >= 1


def test_a_learner_sees_a_picture_of_their_page_beside_the_models(site: Site, page: Any) -> None:
    log_in(page, site, "learner")
    page.goto(f"{site.url}/exercises/web/page")
    set_code(page, "<!doctype html><h1>Welcome</h1><p>Mine.</p>")
    before = shown_attempt(page)
    page.click("text=Send for grading")
    wait_for_new_result(page, before)
    panel = page.locator("#result-panel")  # graded (the fixture's script check fails)
    assert "The heading is on the screen" in panel.inner_text()
    pictures = panel.locator(".pictures img")
    assert pictures.count() == 2
    assert [pictures.nth(i).get_attribute("alt") for i in range(2)] == [
        "Your page in a window 1200 pixels wide", "The model solution in a window 1200 pixels wide"]
    for i in range(2):
        picture = pictures.nth(i)
        picture.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
        assert picture.evaluate("img => img.naturalWidth") == 1200  # at full size


def test_learner_html_in_the_preview_cannot_reach_the_site(site: Site, page: Any) -> None:
    log_in(page, site, "learner")
    assert any(cookie["name"] == "grader_session" for cookie in page.context.cookies())
    page.goto(f"{site.url}/exercises/web/page")
    set_code(page, THIEF.replace("SITE", site.url))
    save(page)
    frame = page.frame_locator("#preview iframe")
    out = frame.locator("#out")
    out.locator("text=api").wait_for(timeout=15_000)
    text = out.inner_text()
    assert "cookie:SecurityError" in text, text
    assert "parent:SecurityError" in text, text
    assert "api:TypeError" in text and "api=" not in text, text
    assert page.locator("#preview iframe").get_attribute("sandbox") == "allow-scripts allow-forms"


FORM_PAGE = """<form id="f"><input id="item" value="Milk"><button id="add">Add</button></form>
<ul id="list"></ul>
<script>
document.getElementById("f").addEventListener("submit", (event) => {
  event.preventDefault();
  const li = document.createElement("li");
  li.textContent = document.getElementById("item").value;
  document.getElementById("list").appendChild(li);
});
</script>"""


def test_a_page_that_reacts_to_its_form_works_in_the_preview(site: Site, page: Any) -> None:
    """The form exercises of the JavaScript track need the submit event in the preview."""
    log_in(page, site, "learner")
    page.goto(f"{site.url}/exercises/web/page")
    set_code(page, FORM_PAGE)
    save(page)  # the preview shows the saved page
    frame = page.frame_locator("#preview iframe")
    frame.locator("#add").click()
    frame.locator("#list li").wait_for(timeout=15_000)
    assert frame.locator("#list li").inner_text() == "Milk"


def test_pages_work_with_the_keyboard_and_without_outside_requests(site: Site, page: Any) -> None:
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((site.url, site.preview_url, "data:")) else None)
    log_in(page, site, "learner")
    page.goto(f"{site.url}/exercises/python/greet")
    page.focus("#file-0-panel .cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.input_value("#file-0").endswith("\n    ")  # Tab indents inside the editor
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.closest('.cm-editor')")  # Esc, Tab leaves it
    assert outside == []
