"""The site's authoring pages in real Chromium (web/content_editor.py, web/authoring.py): a mistake
saved in the editor is listed as file:line:col and marked on its line in CodeMirror, a click on it
goes to that line, and every authoring page passes axe-core with no serious violation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.axe import audited_page, serious_violations
from tests.helpers.data import CATALOGS
from tests.helpers.served_site import Site, serve
from tests.helpers.workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def authoring_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path]]:
    """The demo site on a copy of the test catalogue (the editor writes into it), with no worker."""
    folder = tmp_path_factory.mktemp("authoring")
    exercises = folder / "exercises"
    shutil.copytree(CATALOGS / "site", exercises)
    with serve(folder / "instance", exercises, {}, "--no-worker") as running:
        yield running, exercises


def test_a_mistake_saved_in_the_editor_is_marked_on_its_line(authoring_site: tuple[Site, Path],
                                                             page: Any) -> None:
    site, exercises = authoring_site
    log_in(page, site.url, "instructor", site.passwords["instructor"])
    page.goto(f"{site.url}/teach/exercises/python/greet/edit?file=exercise.yaml")
    content = page.locator("#content-editor .cm-content")
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\nsurprise: 1\n")
    page.wait_for_function("document.getElementById('text').value.includes('surprise: 1')")
    with page.expect_navigation():
        page.keyboard.press("Control+s")  # the editor's own key: the form is sent
    page.wait_for_load_state("load")
    saved = (exercises / "python" / "greet" / "exercise.yaml").read_text().splitlines()
    line = saved.index("surprise: 1") + 1
    mistake = page.locator("#mistakes li", has_text="surprise")
    assert f"exercise.yaml:{line}:1" in mistake.inner_text()
    marked = page.locator(".cm-error-line")
    marked.first.wait_for()
    assert marked.count() == 1 and "surprise: 1" in marked.inner_text()
    assert "surprise" in (page.locator(".cm-error-marker").get_attribute("aria-label") or "")
    mistake.locator("a").click()
    target = page.locator(".cm-target-line")
    target.wait_for()
    assert "surprise: 1" in target.inner_text()


def test_the_authoring_pages_pass_axe(authoring_site: tuple[Site, Path], chromium: Any) -> None:
    site, _ = authoring_site
    with audited_page(chromium) as page:
        log_in(page, site.url, "instructor", site.passwords["instructor"])
        problems = {}
        for path in ("/teach/catalogue", "/teach/exercises/new", "/teach/exercises/flask/hello/edit",
                     "/teach/exercises/flask/hello/preview", "/teach/exercises/flask/hello/versions",
                     "/teach/exercises/flask/hello/history"):
            page.goto(f"{site.url}{path}")
            page.wait_for_load_state("load")
            problems[path] = serious_violations(page)
        assert {name: found for name, found in problems.items() if found} == {}
