"""Hostile pages under the `browser` check, each graded for real. Whatever a page's script does, the
grading ends in time with a plain verdict for that check, the harness lives on to run the next
check of the same plan, the raised limits of a browser plan stay bounded, and the page cannot lie
about what the browser shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.browser.references import ReferenceStore
from grader.checks.browser import BROWSER_PIDS
from grader.exercise import Exercise, load_exercise
from grader.grading import grade_submission
from grader.result import CheckResult, Result
from grader.runner import SandboxRunner

pytestmark = pytest.mark.docker

EXERCISE = """\
format: 1
title: Attacks
runtime: web
files: [index.html, forks.py]
limits: {time: 5}
checks:
  - kind: browser
    id: page
    screenshot: false
    actions: [{click: "#go"}]
    expect:
      - {selector: h1, style: {color: red}}
      - {selector: h1, visible: true}
      - {selector: h1, box: {min_width: 100}}
  - kind: io
    id: after
    title: The harness is still there
    run: python3 forks.py
    stdout: "bounded\\n"
"""
FORKS = f"""\
import os, time
count = 0
try:
    while count < 5000:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        count += 1
except OSError:
    pass
print("bounded" if count < {BROWSER_PIDS} else f"not bounded: {{count}} processes")
"""
HONEST = '<!DOCTYPE html><h1 style="color: red">Title</h1><button id="go">Go</button>'


@pytest.fixture(scope="module")
def attacks(tmp_path_factory: pytest.TempPathFactory) -> Exercise:
    folder = tmp_path_factory.mktemp("exercises") / "attacks" / "page"
    for part in ("starter", "solution"):
        (folder / part).mkdir(parents=True)
        (folder / part / "index.html").write_text(HONEST)
        (folder / part / "forks.py").write_text(FORKS)
    (folder / "instructions.md").write_text("Attack.\n")
    (folder / "exercise.yaml").write_text(EXERCISE)
    return load_exercise(folder)


def grade(runner: SandboxRunner, exercise: Exercise, page: str, tmp_path: Path) -> Result:
    files = {"index.html": page.encode(), "forks.py": FORKS.encode()}
    result = grade_submission(exercise, files, runner, ReferenceStore(tmp_path))
    assert result.status != "error", f"the page must get a verdict, not stop the grading: {result.message}"
    after = checks(result)["after"]
    assert (after.status, after.score) == ("pass", 1.0), after  # the harness lived, and forks were bounded
    return result


def checks(result: Result) -> dict[str, CheckResult]:
    return {check.id: check for check in result.checks}


def test_an_honest_page_passes(grading_runner: SandboxRunner, attacks: Exercise, tmp_path: Path) -> None:
    assert checks(grade(grading_runner, attacks, HONEST, tmp_path))["page"].status == "pass"


def test_a_script_that_loops_forever_after_a_click_times_out_cleanly(
    grading_runner: SandboxRunner, attacks: Exercise, tmp_path: Path
) -> None:
    page = HONEST + "<script>go.onclick = () => { for (;;) {} };</script>"
    result = grade(grading_runner, attacks, page, tmp_path)
    page_check = checks(result)["page"]
    assert page_check.status == "timeout"
    assert page_check.message.startswith("At 1200 px wide, your page was still busy")
    assert result.duration_s < 5 + 5 + 4  # its own time, the next check's, and the container's start


def test_a_page_that_piles_up_memory_is_stopped(
    grading_runner: SandboxRunner, attacks: Exercise, tmp_path: Path
) -> None:
    pile = "const pile = []; for (;;) pile.push(new Array(1e6).fill(Math.random()));"
    page = HONEST + f"<script>{pile}</script>"
    page_check = checks(grade(grading_runner, attacks, page, tmp_path))["page"]
    assert page_check.status in ("error", "memory", "timeout") and page_check.score == 0
    assert "memory" in page_check.message or "still busy" in page_check.message


def test_a_page_that_starts_workers_without_end_stays_bounded(
    grading_runner: SandboxRunner, attacks: Exercise, tmp_path: Path
) -> None:
    worker = "data:text/javascript,for(;;){}"
    page = HONEST + f"<script>for (let i = 0; i < 5000; i++) new Worker('{worker}');</script>"
    page_check = checks(grade(grading_runner, attacks, page, tmp_path))["page"]
    assert page_check.score <= 1.0  # whatever the verdict: the plan went on, and forks.py was bounded


def test_a_page_cannot_lie_about_what_the_browser_shows(
    grading_runner: SandboxRunner, attacks: Exercise, tmp_path: Path
) -> None:
    """The facts are read in an isolated world: the page's own globals and prototypes do not reach it."""
    liar = """<!DOCTYPE html><h1 style="color: blue; display: none">Title</h1><button id="go">Go</button>
    <script>
      window.getComputedStyle = () => ({getPropertyValue: () => "rgb(255, 0, 0)"});
      CSSStyleDeclaration.prototype.getPropertyValue = () => "rgb(255, 0, 0)";
      Element.prototype.getBoundingClientRect = () => ({left: 0, top: 0, width: 500, height: 50});
      Element.prototype.checkVisibility = () => true;
      Document.prototype.querySelectorAll = () => [];
      Function.prototype.call = () => "rgb(255, 0, 0)";
    </script>"""
    page_check = checks(grade(grading_runner, attacks, liar, tmp_path))["page"]
    assert page_check.status == "fail" and page_check.score == 0
    assert [test.status for test in page_check.tests] == ["fail", "fail", "fail"]


@pytest.mark.parametrize(
    "script",
    [
        "alert('hi'); confirm('sure?'); prompt('name?');",
        "if (!location.hash) location.replace('#again'); location.reload();",
        "go.onclick = () => { location.href = 'elsewhere.html'; };",
        "document.write('<h1 style=color:red>Title</h1>'); document.close();",
    ],
)
def test_dialogs_reloads_and_navigation_get_a_verdict(
    script: str, grading_runner: SandboxRunner, attacks: Exercise, tmp_path: Path
) -> None:
    grade(grading_runner, attacks, HONEST + f"<script>{script}</script>", tmp_path)


def test_nothing_is_fetched_from_the_network_and_nothing_waits_for_it(
    grading_runner: SandboxRunner, attacks: Exercise, tmp_path: Path
) -> None:
    page = HONEST.replace("<h1", '<link rel="stylesheet" href="https://cdn.example.com/x.css"><h1') + (
        '<img src="http://10.1.2.3/pixel.png"><script src="https://example.com/tracker.js"></script>'
        "<script>fetch('http://example.com/').catch(() => {});</script>"
    )
    result = grade(grading_runner, attacks, page, tmp_path)
    assert checks(result)["page"].status == "pass"
    assert checks(result)["page"].tests and result.duration_s < 5
