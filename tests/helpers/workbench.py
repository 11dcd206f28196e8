"""Driving the learner's workbench (the CodeMirror editor of web/static/app.js) from Playwright."""

from __future__ import annotations

from typing import Any

GRADING_MS = 120_000  # the first grading may wait for the worker's start-up checks


def log_in(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_url(f"{url}/")


def editor(page: Any, index: int = 0) -> Any:
    """The editable text of file `index` (its tab is shown first)."""
    tab = page.locator(f"#tab-{index}")
    if tab.count():
        tab.click()
    return page.locator(f"#file-{index}-panel .cm-content")


def set_code(page: Any, text: str, index: int = 0) -> None:
    """Replace file `index`'s text as a paste does: the editor receives a paste event with the text
    (no auto-indent or closing on the way). Not `keyboard.insert_text`: Chromium's own editing then
    inserts styled lines that the site's CSP rightly refuses, which no learner's paste does."""
    content = editor(page, index)
    content.click()
    page.keyboard.press("Control+a")
    if text:
        content.evaluate("""(element, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                               cancelable: true}));
        }""", text)
    else:
        page.keyboard.press("Delete")
    wait_for_code(page, text, index)


def wait_for_code(page: Any, text: str, index: int = 0) -> None:
    """Until the form's copy of file `index` (what is saved and sent) is `text`."""
    page.wait_for_function("([i, t]) => document.getElementById('file-' + i).value === t", arg=[index, text])


def code(page: Any, index: int = 0) -> str:
    return str(page.input_value(f"#file-{index}"))


def save(page: Any) -> None:
    page.click("#save")
    page.locator(".save-state", has_text="Saved.").wait_for()


def shown_attempt(page: Any) -> str | None:
    """The id of the attempt the result panel shows (None: no attempt yet)."""
    return page.locator("#result-panel").get_attribute("data-submission")  # type: ignore[no-any-return]


def wait_for_new_result(page: Any, before: str | None, timeout_ms: int = GRADING_MS) -> None:
    """Until the result panel shows a graded attempt other than `before` (see `shown_attempt`)."""
    page.wait_for_function(
        "before => { const panel = document.getElementById('result-panel');"
        " return panel.dataset.submission && panel.dataset.submission !== before"
        " && ['done', 'error'].includes(panel.dataset.status); }", arg=before, timeout=timeout_ms)
