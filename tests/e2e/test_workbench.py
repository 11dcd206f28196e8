"""The learner's workbench in a real browser: the code editor, Run and Try a request, the page's console,
pushed results and lines to click, on the real site graded by a real worker on the real engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.doc_pictures import keep_for_the_guide
from tests.helpers.served_site import Site
from tests.helpers.workbench import (
    GRADING_MS,
    code,
    editor,
    log_in,
    save,
    set_code,
    shown_attempt,
    wait_for_code,
    wait_for_new_result,
)

pytestmark = [pytest.mark.browser, pytest.mark.docker, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
LONG = "".join(f"value_{n} = {n}\n" for n in range(1, 26))


@pytest.fixture
def learner(site: Site, page: Any) -> Any:
    log_in(page, site.url, "learner", site.passwords["learner"])
    return page


def line_top(page: Any, selector: str, number: int) -> float:
    return float(page.locator(selector).nth(number - 1).bounding_box()["y"])


def test_line_numbers_stand_beside_their_lines(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/python/greet")
    set_code(learner, LONG)
    numbers = learner.locator(".cm-lineNumbers .cm-gutterElement", has_text=re.compile(r"^\d+$"))
    assert numbers.last.inner_text() == "26"  # 25 lines and the empty one after the last newline
    for number in (1, 13, 22, 25):  # where the textarea's numbers had drifted by one, then two
        gutter = learner.locator(".cm-lineNumbers .cm-gutterElement", has_text=re.compile(rf"^{number}$"))
        assert abs(float(gutter.bounding_box()["y"]) - line_top(learner, ".cm-line", number)) < 1
    width = learner.evaluate("""() => {
        const probe = document.createElement('span'); probe.textContent = '    ';
        document.querySelector('.cm-line').appendChild(probe);
        const four = probe.getBoundingClientRect().width; probe.textContent = 'W';
        const letter = probe.getBoundingClientRect().width; probe.remove(); return [four, letter]; }""")
    assert width[0] > 3.5 * width[1]  # monospace: four spaces are four letters wide


def test_code_is_highlighted_and_brackets_match(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/python/greet")
    set_code(learner, 'def shout(word):\n    return word.upper() + "!"\n')
    keyword = learner.locator(".cm-line span", has_text="def").first
    string = learner.locator(".cm-line span", has_text='"!"').first
    assert keyword.evaluate("e => getComputedStyle(e).color") == "rgb(255, 143, 135)"
    assert string.evaluate("e => getComputedStyle(e).color") == "rgb(165, 214, 255)"
    editor(learner).click()
    learner.keyboard.press("Control+Home")
    for _ in range(len("def shout(")):
        learner.keyboard.press("ArrowRight")
    assert learner.locator(".cm-matchingBracket").count() == 2


def test_undo_and_redo_go_back_past_indentation(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/python/greet")
    set_code(learner, "x = 1\n")
    learner.keyboard.press("Control+End")
    learner.keyboard.type("if x:")
    learner.keyboard.press("Enter")  # indents the next line by itself
    learner.keyboard.type("print(x")  # the closing bracket comes by itself
    wait_for_code(learner, "x = 1\nif x:\n    print(x)")
    learner.keyboard.press("Tab")
    wait_for_code(learner, "x = 1\nif x:\n        print(x)")
    learner.keyboard.press("Shift+Tab")  # with nothing selected: the line goes back, nothing is selected
    wait_for_code(learner, "x = 1\nif x:\n    print(x)")
    learner.keyboard.type("Z")
    assert "print(xZ)" in code(learner)
    assert press_until(learner, "Control+z", "x = 1\n")  # back past the indentation and the bracket
    assert press_until(learner, "Control+Shift+Z", "x = 1\nif x:\n    print(xZ)")  # and forward again


def press_until(page: Any, key: str, text: str, most: int = 8) -> bool:
    """Press `key` until the code is `text` (at most `most` times); whether it got there."""
    for _ in range(most):
        page.keyboard.press(key)
        if code(page) == text:
            return True
    return False


def test_tags_close_themselves_in_a_page(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/web/page")
    set_code(learner, "")
    learner.keyboard.type("<p>Hello")
    wait_for_code(learner, "<p>Hello</p>")


def test_the_text_size_can_change_and_stays_changed(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/python/greet")
    size = "() => parseFloat(getComputedStyle(document.querySelector('.cm-content')).fontSize)"
    before = learner.evaluate(size)
    learner.click("button[data-font='1']")
    learner.click("button[data-font='1']")
    assert learner.evaluate(size) == before + 4
    learner.reload()
    learner.wait_for_selector(".cm-content")
    assert learner.evaluate(size) == before + 4
    learner.click("button[data-font='-1']")
    learner.click("button[data-font='-1']")
    assert learner.evaluate(size) == before


def test_run_shows_what_the_program_printed_and_explains_its_crash(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/python/greet")
    before = shown_attempt(learner)
    set_code(learner, "name = input('Name? ')\nprint('Hello,', name)\nprint(10 / 0)\n")
    learner.fill("#stdin", "Ann")
    learner.click("#run-button")
    panel = learner.locator("#run-panel")
    panel.locator(".run-result[data-status=done]").wait_for(timeout=GRADING_MS)
    assert panel.locator(".console-out").inner_text() == "Name? Hello, Ann\n"
    assert "ZeroDivisionError in greet.py on line 3" in panel.locator(".explanation").inner_text()
    assert learner.locator(".cm-error-marker").count() == 1  # the crash's line, in the gutter
    panel.locator(".explanation a.line-link").click()
    assert learner.locator(".cm-target-line").inner_text() == "print(10 / 0)"
    assert learner.evaluate("document.activeElement.classList.contains('cm-content')")
    assert shown_attempt(learner) == before  # nothing was sent for grading


def test_try_a_request_shows_the_answer_and_the_page(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/flask/hello")
    set_code(learner, (ROOT / "tests/data/catalogs/site/flask/hello/solution/app.py").read_text())
    learner.select_option("#run-method", "POST")
    learner.fill("#run-path", "/greet")
    learner.fill("#run-form", "name=<b>Ann</b>")
    learner.click("#run-button")
    panel = learner.locator("#run-panel")
    panel.locator(".run-result[data-status=done]").wait_for(timeout=GRADING_MS)
    assert "POST /greet" in panel.inner_text() and "200 OK" in panel.inner_text()
    frame = panel.locator("iframe.response-page")
    assert frame.get_attribute("src").startswith(site.preview_url)  # the learner's page, in the other origin
    assert frame.get_attribute("sandbox") == "allow-scripts allow-forms"
    answer = learner.frame_locator("#run-panel iframe.response-page").locator("p")
    answer.wait_for()
    assert answer.inner_text() == "Hello, Ann!"  # their app put the form's markup in the page: it ran there


PAGE_WITH_LOGS = """<!doctype html>
<h1>Welcome</h1>
<script>
console.log("counted", 3);
console.log("<img src=x onerror=parent.document.title='owned'>");
missing();
</script>
"""


def test_the_pages_console_shows_its_logs_and_errors_as_text(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/web/page")
    set_code(learner, PAGE_WITH_LOGS)
    save(learner)
    lines = learner.locator("#page-console .console-lines li")
    lines.nth(2).wait_for(timeout=15_000)
    texts = lines.all_inner_texts()
    assert texts[0] == "counted 3"
    assert texts[1] == "<img src=x onerror=parent.document.title='owned'>"  # shown, never made markup
    assert texts[2].startswith("Error:") and "missing is not defined" in texts[2] and "line 6" in texts[2]
    assert learner.locator("#page-console img").count() == 0 and "owned" not in learner.title()
    assert learner.locator("#page-console").get_attribute("open") is not None  # an error opens it


def test_a_result_is_pushed_and_its_lines_are_links(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/python/greet")
    asked: list[str] = []
    learner.on("request", lambda request: asked.append(request.url))
    set_code(learner, "print('Hello, class!')\nprint(undefined_name)\n")
    before = shown_attempt(learner)
    learner.click("#send")
    wait_for_new_result(learner, before)
    assert not any("/api/submissions/" in url for url in asked)  # pushed, not polled
    assert any("/events?watch=submission" in url for url in asked)
    result = learner.locator("#result-panel")
    assert "0 of 2 checks passed" in result.inner_text() and "0 / 2 points" in result.inner_text()
    assert learner.locator(".cm-error-marker").count() == 1
    result.locator("a.line-link").first.click()
    assert learner.locator(".cm-target-line").inner_text() == "print(undefined_name)"
    set_code(learner, "print('Hello, class!')\n")
    before = shown_attempt(learner)
    learner.keyboard.press("Control+Enter")  # sends from the editor
    wait_for_new_result(learner, before)
    assert learner.locator("#result-panel .verdict.pass").count() == 1
    assert learner.locator(".cm-error-marker").count() == 0
    following = learner.locator("#result-panel .next a")
    assert following.inner_text() == "Next exercise: Hello app →"


def test_pictures_for_the_docs(site: Site, learner: Any, tmp_path: Path) -> None:
    """The pictures of docs/learners.md, taken afresh (kept there with GRADER_DOCS_PICTURES=1)."""
    folder = tmp_path
    learner.set_viewport_size({"width": 1280, "height": 900})
    learner.goto(f"{site.url}/exercises/python/greet")
    set_code(learner, "name = input('What is your name? ')\nprint('Hello,', name)\nprint(nme)\n")
    learner.fill("#stdin", "Ann")
    learner.click("#run-button")
    learner.locator("#run-panel .run-result[data-status=done]").wait_for(timeout=GRADING_MS)
    learner.locator(".workspace").screenshot(path=folder / "workbench-run.png")
    before = shown_attempt(learner)
    learner.click("#send")
    wait_for_new_result(learner, before)
    learner.locator("#result-panel a.line-link").first.click()
    learner.locator(".editor-form").screenshot(path=folder / "workbench-editor.png")
    learner.locator("#result").screenshot(path=folder / "workbench-result.png")
    learner.goto(f"{site.url}/exercises/web/page")
    set_code(learner, PAGE_WITH_LOGS.replace("missing();", "document.querySelector('h2').textContent = 'x';"))
    save(learner)
    learner.locator("#page-console .console-lines li").nth(2).wait_for(timeout=15_000)
    learner.locator("#preview").screenshot(path=folder / "workbench-console.png")
    names = ("workbench-run.png", "workbench-editor.png", "workbench-result.png", "workbench-console.png")
    assert all((folder / name).stat().st_size > 1000 for name in names)
    for name in names:
        keep_for_the_guide(folder / name)


def test_each_file_has_its_tab_and_a_line_link_opens_its_file(site: Site, learner: Any) -> None:
    learner.goto(f"{site.url}/exercises/web/page")
    tabs = learner.locator("[role=tab]")
    assert tabs.all_inner_texts() == ["index.html", "page.js"]
    tabs.nth(0).click()
    learner.keyboard.press("ArrowRight")  # the arrow keys move between the files
    assert learner.locator("#file-1-panel").is_visible() and not learner.locator("#file-0-panel").is_visible()
    assert tabs.nth(1).get_attribute("aria-selected") == "true"
    set_code(learner, "let a = 1;\nlet b = 2;\nmissing();\n", index=1)
    tabs.nth(0).click()
    learner.evaluate("""() => {  // a line of page.js named by feedback, as the result panel shows it
        const link = document.createElement('a'); link.className = 'line-link'; link.href = '#line-page.js-3';
        link.dataset.file = 'page.js'; link.dataset.line = '3'; link.textContent = 'page.js line 3';
        document.getElementById('history').appendChild(link); }""")
    learner.click("a.line-link[data-file='page.js']")
    assert learner.locator("#file-1-panel").is_visible()
    assert learner.locator("#file-1-panel .cm-target-line").inner_text() == "missing();"
