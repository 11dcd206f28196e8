"""grader/checks/browser.py, grader/browser/report.py and the plan's limits: the `browser` kind's YAML,
the one step it plans (with the resources Chromium needs, bounded), what enters the container (the
selectors, never the expected values), and how its report becomes a result."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from grader.browser import BrowserFailed
from grader.browser.pictures import OUTLINE
from grader.checks.base import MAX_STEP_PIDS, GradingContext, StepNeeds, StepOutput
from grader.checks.browser import BROWSER_MEMORY_MB, BROWSER_NOFILE, BROWSER_PIDS, BrowserCheck
from grader.exercise import Exercise, load_exercise
from grader.plan import WARM_MEMORY_MB, build_plan
from sandbox import RunLimits
from tests.helpers.data import fixture_exercise
from tests.helpers.exercises import make_exercise, problems

PAGE = """\
format: 1
title: A page
runtime: web
files: [index.html]
limits: {time: 4, memory: 128}
checks:
  - kind: browser
    id: looks
    viewports: [{width: 375}, {width: 1200, height: 700}]
    actions: [{click: "#go"}, {wait_for: "#done"}]
    expect:
      - {selector: h1, style: {color: THE-STYLE-EXPECTATION}}
      - {selector: "#msg", text: THE-TEXT-EXPECTATION, at: 375}
      - {selector: .card, box: {min_width: 123456}}
      - {selector: .a, overlaps: .b, expect: false}
      - {order: [.a, .c], axis: x}
  - kind: pytest
    id: unit
    tests: [tests/test_it.py]
"""
FILES: dict[str, str | None] = {
    "index.html": "<h1>hi</h1>\n", "tests/test_it.py": "def test_it(): ...\n",
    "starter/index.html": "x\n", "solution/index.html": "x\n",
    "starter/two_fer.py": None, "solution/two_fer.py": None,
}


@pytest.fixture
def page_exercise(tmp_path: Path) -> Exercise:
    return load_exercise(make_exercise(tmp_path, PAGE, FILES))


def test_one_browser_step_carries_the_selectors_never_the_expected_values(page_exercise: Exercise) -> None:
    plan = build_plan(GradingContext(page_exercise, {"index.html": b"<h1>hi</h1>"}), RunLimits())
    step = plan.steps[0]
    assert (step.id, step.action, step.timeout_s) == ("looks", "browser", 4.0)
    assert step.params["viewports"] == [{"width": 375, "height": 800}, {"width": 1200, "height": 700}]
    assert step.params["actions"] == [{"click": "#go"}, {"wait_for": "#done"}]
    assert step.params["probes"] == [
        {"selector": "h1", "properties": ["color"]}, {"selector": ".card", "properties": []},
        {"selector": ".a", "properties": []}, {"selector": ".b", "properties": []},
        {"selector": ".c", "properties": []},
    ]
    assert step.params["budget_s"] == pytest.approx(3.5)  # it stops itself first, to say where it hung
    payload = plan.run_spec("sha256:image").stdin
    for secret in (b"THE-STYLE-EXPECTATION", b"THE-TEXT-EXPECTATION", b"123456"):
        assert secret not in payload


def test_the_container_gets_what_chromium_needs_only_when_a_browser_step_is_planned(
    page_exercise: Exercise,
) -> None:
    defaults = RunLimits()
    only_browser = page_exercise.model_copy(update={"checks": page_exercise.checks[:1]})
    with_browser = build_plan(GradingContext(only_browser, {}), defaults).limits
    assert (with_browser.pids, with_browser.memory_mb, with_browser.nofile) == (
        BROWSER_PIDS, BROWSER_MEMORY_MB, BROWSER_NOFILE)
    # the browser stays up beside the pytest step: its memory comes on top of what the tests may use,
    # and so does the warm spawner's, which keeps pytest imported for the test step
    both = build_plan(GradingContext(page_exercise, {}), defaults).limits
    memory = 128 + BROWSER_MEMORY_MB + WARM_MEMORY_MB
    assert (both.pids, both.memory_mb, both.nofile) == (BROWSER_PIDS, memory, BROWSER_NOFILE)
    without = page_exercise.model_copy(update={"checks": page_exercise.checks[1:]})
    hardened = build_plan(GradingContext(without, {}), defaults).limits
    assert (hardened.pids, hardened.memory_mb, hardened.nofile) == (defaults.pids, 128 + WARM_MEMORY_MB,
                                                                    defaults.nofile)
    more_memory = page_exercise.limits.model_copy(update={"memory": 1024})
    bigger = only_browser.model_copy(update={"limits": more_memory})
    assert build_plan(GradingContext(bigger, {}), defaults).limits.memory_mb == 1024  # the larger wins


def test_step_needs_are_bounded() -> None:
    assert BROWSER_PIDS <= MAX_STEP_PIDS
    for needs in ({"pids": MAX_STEP_PIDS + 1}, {"memory_mb": 4096}, {"nofile": 65536}, {"report_bytes": 0}):
        with pytest.raises(ValueError):
            StepNeeds(**needs)  # type: ignore[arg-type]


def test_mistakes_in_a_browser_check_are_placed_in_the_yaml(tmp_path: Path) -> None:
    twice = PAGE.replace("{width: 1200, height: 700}", "{width: 375}")
    assert problems(make_exercise(tmp_path / "a", twice, FILES)) == [
        "track/ex/exercise.yaml:7:5: checks.0: two viewports have the same width: `at:` could not tell them "
        "apart"]
    nowhere = PAGE.replace("at: 375", "at: 400")
    assert problems(make_exercise(tmp_path / "b", nowhere, FILES)) == [
        "track/ex/exercise.yaml:7:5: checks.0: `at: 400` names no viewport of this check (widths: 375, 1200)"]
    wrong = PAGE.replace('{wait_for: "#done"}', '{wait_for: "#done", value: x}').replace("at: 375", "at: x")
    assert problems(make_exercise(tmp_path / "c", wrong, FILES)) == [
        "track/ex/exercise.yaml:10:31: checks.0.actions.1: 'value' does not go with 'wait_for'",
        "track/ex/exercise.yaml:13:60: checks.0.expect.1.at: expected a whole number, got 'x'",
    ]


def probe(report: object, status: str = "ok") -> StepOutput:
    return StepOutput(id="looks", status=status, report=json.dumps(report))  # type: ignore[arg-type]


def judged(exercise: Exercise, output: StepOutput):  # type: ignore[no-untyped-def]
    check = exercise.checks[0]
    assert isinstance(check, BrowserCheck)
    return check.judge(GradingContext(exercise, {"index.html": b"x"}), {"looks": output})


def test_a_page_that_hangs_or_crashes_reads_plainly(page_exercise: Exercise) -> None:
    hung = judged(page_exercise, probe({"viewports": [{"phase": "using the page"}], "fatal": "timeout"}))
    assert (hung.status, hung.score) == ("timeout", 0.0)
    assert hung.message.startswith("At 375 px wide, your page was still busy reacting to the actions after 4")
    crashed = judged(page_exercise, probe({"viewports": [{}, {}], "fatal": "crashed"}))
    assert crashed.status == "error" and "At 1200 px wide, the browser tab showing your page crashed" in (
        crashed.message)
    killed = judged(page_exercise, probe({}, status="memory"))
    assert (killed.status, killed.message.split(",")[0]) == (
        "memory", f"Your page used more than {BROWSER_MEMORY_MB} MiB of memory")


def test_a_browser_that_cannot_run_is_not_the_learners_fail(page_exercise: Exercise) -> None:
    with pytest.raises(BrowserFailed):
        judged(page_exercise, probe({"viewports": [], "fatal": "browser", "detail": "no chromium"}))
    with pytest.raises(BrowserFailed):
        judged(page_exercise, StepOutput(id="looks", status="ok", report="not json"))


def test_a_missing_page_and_a_page_that_did_not_open(page_exercise: Exercise) -> None:
    check = page_exercise.checks[0]
    missing = check.judge(GradingContext(page_exercise, {}), {"looks": probe({})})
    assert (missing.status, missing.message) == ("fail", "You haven't created index.html yet.")
    unopened = judged(page_exercise, probe({"viewports": [{"load_error": "net::ERR_FILE_NOT_FOUND"}]}))
    assert unopened.status == "fail"
    assert unopened.tests[0].message == (
        "At 375 px wide, your page index.html could not be opened (net::ERR_FILE_NOT_FOUND).")


def test_the_fixture_exercises_load_and_want_reference_pictures() -> None:
    cards = fixture_exercise("browser/cards")
    assert [check.reference_pictures() for check in cards.checks] == ["shown", "shown", "judged"]
    greeting = fixture_exercise("browser/greeting")
    assert [check.reference_pictures() for check in greeting.checks] == ["none", "shown"]


def test_the_picture_outlines_the_element_of_a_failing_check(page_exercise: Exercise) -> None:
    blank = io.BytesIO()
    Image.new("RGB", (375, 300), "white").save(blank, format="PNG")
    h1 = {"name": "h1", "box": {"x": 20, "y": 40, "width": 200, "height": 30}, "hidden": "",
          "style": {"color": "rgb(0, 0, 0)"}}  # the check wants another colour: it fails
    viewport = {"facts": {"page": {"width": 375, "height": 300}, "html": "<h1>hi</h1>",
                          "elements": {"h1": {"count": 1, "items": [h1]}}},
                "screenshot": base64.b64encode(blank.getvalue()).decode()}
    result = judged(page_exercise, probe({"viewports": [viewport]}))
    picture = Image.open(io.BytesIO(base64.b64decode(result.images[0].png_base64))).convert("RGB")
    assert picture.getpixel((19, 50)) == OUTLINE  # just left of the heading
    assert picture.getpixel((100, 55)) == (255, 255, 255)  # the heading itself is left as it was
    assert picture.getpixel((300, 250)) == (255, 255, 255)
