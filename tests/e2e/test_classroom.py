"""The instructor's classroom view in real Chromium on a real installation (gunicorn, a grading worker
on the real engine) with the seeded class of tests/helpers/classroom.py: 15 learners, 70 exercises,
Dana stuck on one check.

Set GRADER_DOCS_PICTURES=1 to keep the pictures the instructors' guide shows (docs/images).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from sqlalchemy import select

from store.changes import publish_attempt
from store.db import make_engine, session_factory
from store.models import Cohort, Submission, utcnow
from tests.helpers.classroom import (
    COHORT,
    PASSWORD,
    PLANS,
    STUCK,
    STUCK_EXERCISE,
    add_attempt,
    seed_class,
    write_catalogue,
)
from tests.helpers.doc_pictures import keep_for_the_guide
from tests.helpers.served_site import Site, serve
from tests.helpers.workbench import set_code

pytestmark = [pytest.mark.browser, pytest.mark.docker, pytest.mark.slow]
GRADING_MS = 120_000  # the first grading may wait for the worker's start-up checks
RIGHT = 'print("Hello, class!")\n'


@dataclass(frozen=True)
class Classroom:
    site: Site
    cohort: int
    learners: dict[str, int]

    @property
    def view(self) -> str:
        return f"{self.site.url}/teach/?cohort={self.cohort}"


@pytest.fixture(scope="module")
def classroom(runner_image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Classroom]:
    folder = tmp_path_factory.mktemp("classroom")
    with serve(folder / "instance", write_catalogue(folder / "exercises")) as site:
        engine = make_engine(site.database_url)
        with session_factory(engine)() as session:
            learners = seed_class(session, utcnow())
            session.commit()
            cohort = session.scalars(select(Cohort.id).where(Cohort.name == COHORT)).one()
        engine.dispose()
        yield Classroom(site, cohort, learners)


def log_in(page: Any, site: Site, username: str, password: str) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_url(f"{site.url}/")


def as_instructor(chromium: Any, classroom: Classroom, width: int = 1280, height: int = 900) -> Any:
    page = chromium.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(page, classroom.site, "instructor", classroom.site.passwords["instructor"])
    page.goto(classroom.view)
    page.locator("#live-state.on").wait_for()  # subscribed to the push channel
    return page


def picture(page: Any, name: str, tmp_path: Path, **options: Any) -> None:
    """A screenshot, kept for the guide when asked (tests/helpers/doc_pictures.py)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), **options)
    assert path.stat().st_size > 10_000
    keep_for_the_guide(path)


def sideways(page: Any) -> dict[str, int]:
    return page.evaluate("""() => {
        const wrap = document.querySelector('.grid-wrap');
        return {page: document.documentElement.scrollWidth, window: window.innerWidth,
                grid: wrap.scrollWidth, region: wrap.clientWidth};
    }""")


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 900)])
def test_the_class_fits_without_sideways_scrolling(classroom: Classroom, chromium: Any, tmp_path: Path,
                                                     width: int, height: int) -> None:
    page = as_instructor(chromium, classroom, width, height)
    caption = page.inner_text("table.class-grid caption")
    assert "15 learners, 70 exercises" in caption
    assert page.locator("table.class-grid tbody tr").count() == 15
    sizes = sideways(page)
    assert sizes["page"] <= sizes["window"], sizes  # no sideways page scroll
    assert sizes["grid"] <= sizes["region"], sizes  # the whole class in view, nothing hidden to the right
    picture(page, f"classroom-{width}", tmp_path, full_page=True)

    page.click("a.track-toggle:has-text('Python')")  # 20 exercise columns
    page.locator("th.ex-col").nth(19).wait_for()
    assert page.locator("a.track-toggle:has-text('Python')").get_attribute("aria-expanded") == "true"
    sizes = sideways(page)
    assert sizes["page"] <= sizes["window"], sizes  # wide tracks scroll inside the grid, never the page
    assert "open=python" in page.url
    page.click("a.track-toggle:has-text('JavaScript')")  # far to the right: brought into view
    opened = page.locator("th.track-col.open", has_text="JavaScript")
    opened.wait_for()
    region, header = page.locator(".grid-wrap").bounding_box(), opened.bounding_box()
    assert region["x"] <= header["x"] and header["x"] + header["width"] <= region["x"] + region["width"]
    assert sideways(page)["page"] <= width
    page.click("a.track-toggle:has-text('JavaScript')")
    page.locator("th.track-col.open", has_text="JavaScript").wait_for(state="detached")
    if width == 1280:
        screen = {"x": 0, "y": 0, "width": width, "height": height}
        picture(page, "classroom-track-open", tmp_path, clip=screen)
    page.context.close()


def test_the_needs_help_list_names_the_stuck_learner_with_the_reason(classroom: Classroom, chromium: Any,
                                                                       tmp_path: Path) -> None:
    page = as_instructor(chromium, classroom)
    first = page.locator(".help-entry").first
    text = first.inner_text()
    assert "Dana Reyes" in text
    assert "“Says hello” failed 4 times in a row on “Python loops”." in text
    assert "Your program's output is not what was expected." in text
    assert re.search(r"\d+ min on “Python loops” without full marks \(4 attempts\)", text)
    idle = page.locator(".help-entry", has_text="Lee Chen").inner_text()
    assert "No activity for" in idle and "while the class works" in idle
    assert page.locator(".help-entry", has_text="Otto Berg").count() == 0  # never came: absent, not idle

    first.locator("a", has_text="Open the latest attempt").click()  # one click to the code and the result
    page.wait_for_url(re.compile(r"/submissions/\d+$"))
    assert "Dana Reyes" in page.inner_text("h1")
    assert page.locator("#result-panel .check.fail", has_text="Says hello").count() == 1
    changes = page.locator("#changes")
    assert "What changed since attempt" in changes.inner_text()
    picture(page, "classroom-attempt", tmp_path, full_page=True)
    page.context.close()


def test_the_statistics_match_the_seeded_class(classroom: Classroom, chromium: Any) -> None:
    page = as_instructor(chromium, classroom)
    page.click("details.finished-exercises summary")
    for key in (STUCK_EXERCISE, "python/01", "html/02"):
        plans = [(p.outcomes, p.step_min) for ps in PLANS.values() for p in ps
                 if p.exercise == key and p.outcomes]
        finishes = [(outcomes.index("p") + 1, step) for outcomes, step in plans if "p" in outcomes]
        row = page.locator(f'tr[data-exercise="{key}"]')
        assert row.locator("a.tried").inner_text() == str(len(plans)), key
        assert row.locator("a.finished").inner_text() == str(len(finishes)), key
        assert row.locator(".median-attempts").inner_text() == f"{median(n for n, _ in finishes):g}", key
        minutes = round(median(n * step for n, step in finishes))
        assert row.locator(".median-time").inner_text() == f"{minutes} min", key
        hidden_fails = sum(outcomes.count("f") + outcomes.count("h") for outcomes, _ in plans)
        assert f"{hidden_fails}×" in row.locator(".failing").inner_text(), key

    row = page.locator(f'tr[data-exercise="{STUCK_EXERCISE}"]')
    row.locator("a.tried").click()  # the attempts behind the number
    page.wait_for_url(re.compile(r"/teach/attempts\?"))
    attempts = sum(len(p.outcomes) for ps in PLANS.values() for p in ps if p.exercise == STUCK_EXERCISE)
    assert page.locator("#attempt-rows tbody tr").count() == attempts
    page.context.close()


def test_a_new_graded_attempt_appears_without_a_reload(classroom: Classroom, chromium: Any) -> None:
    page = as_instructor(chromium, classroom)
    page.click("a[data-live]:has-text('progress')")  # the instructor's own order, kept by live updates
    page.locator(".sorts a[aria-current]:has-text('progress')").wait_for()
    page.evaluate("window.stillTheSamePage = true")
    assert page.get_attribute("#classroom", "data-topic") == f"cohort:{classroom.cohort}"  # on /events
    dana = page.locator(f'tr[data-learner="{classroom.learners[STUCK]}"] td.track-cell').first
    assert dana.locator(".nums").inner_text().startswith("3/20")
    assert page.locator(".help-entry", has_text="Dana Reyes").count() == 1

    learner = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(learner, classroom.site, STUCK, PASSWORD)
    learner.goto(f"{classroom.site.url}/exercises/{STUCK_EXERCISE}")
    set_code(learner, RIGHT)  # the workbench's editor (CodeMirror), as the learner types
    learner.click("text=Send for grading")
    learner.locator("#result-panel >> text=All checks passed!").wait_for(timeout=GRADING_MS)

    dana.locator(".nums", has_text="4/20").wait_for(timeout=30_000)  # pushed, not reloaded
    page.locator(".help-entry", has_text="Dana Reyes").wait_for(state="detached", timeout=30_000)
    assert page.evaluate("window.stillTheSamePage") is True
    assert int(page.get_attribute("#classroom", "data-heard") or 0) >= 1  # through the push channel
    assert "sort=progress" in page.url
    assert page.locator(".sorts a[aria-current]").inner_text().startswith("progress")
    assert "just now" in page.locator(f'tr[data-learner="{classroom.learners[STUCK]}"] td.last').inner_text()
    learner.context.close()
    page.context.close()


def test_a_regrade_keeps_the_history_and_adds_no_attempt(classroom: Classroom, chromium: Any) -> None:
    engine = make_engine(classroom.site.database_url)
    with session_factory(engine)() as session:
        attempt = session.scalars(select(Submission).where(Submission.user_id == classroom.learners["bea"])
                                  .order_by(Submission.id)).first()
        assert attempt is not None
        before = session.scalar(select(Submission.id).where(Submission.user_id == classroom.learners["bea"])
                                .order_by(Submission.id.desc()))
    page = as_instructor(chromium, classroom)
    page.goto(f"{classroom.site.url}/submissions/{attempt.id}")
    page.fill("#regrade-reason", "The tests of this exercise were fixed")
    page.click("#regrade button:has-text('Grade again')")
    page.locator(".flash", has_text="queued to be graded again").wait_for()
    page.locator("#result-panel .score-line").wait_for(timeout=GRADING_MS)
    page.locator("#result-panel .regrading").wait_for(state="detached", timeout=GRADING_MS)
    page.reload()
    history = page.locator("table.grading-history").inner_text()
    assert "The tests of this exercise were fixed" in history and "Demo Instructor" in history
    assert "graded again" in history
    assert "Graded again" in page.inner_text("#result-panel .meta")
    with session_factory(engine)() as session:
        after = session.scalar(select(Submission.id).where(Submission.user_id == classroom.learners["bea"])
                               .order_by(Submission.id.desc()))
    engine.dispose()
    assert after == before  # the learner's attempts did not grow
    page.context.close()


def test_the_weekly_report_prints_on_a4(classroom: Classroom, chromium: Any, tmp_path: Path) -> None:
    page = as_instructor(chromium, classroom)
    page.click("text=Weekly report")
    page.wait_for_url(re.compile(r"/teach/report"))
    assert "Class report: Tuesday class" in page.inner_text("h1")
    assert page.locator("button[data-print]").is_visible()
    assert page.locator("table.report-table").first.locator("tbody tr").count() == 15
    page.set_viewport_size({"width": 718, "height": 1000})  # A4's width less the margins, in CSS pixels
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden() and page.locator("button[data-print]").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 718  # every column on the paper
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    (tmp_path / "report.pdf").write_bytes(pdf)
    picture(page, "classroom-report", tmp_path, full_page=True)
    page.context.close()


def test_the_view_says_when_it_is_not_live_and_catches_up_when_it_is_back(classroom: Classroom,
                                                                          chromium: Any) -> None:
    page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, classroom.site, "instructor", classroom.site.passwords["instructor"])
    away = re.compile(r"/events\?")
    page.route(away, lambda route: route.abort())  # the site cannot be reached from this browser
    page.goto(classroom.view)
    page.locator("#live-state.off", has_text="Not live").wait_for(timeout=30_000)
    page.evaluate("window.stillTheSamePage = true")
    assert page.get_attribute("#classroom", "data-heard") is None

    engine = make_engine(classroom.site.database_url)
    with session_factory(engine)() as session:  # meanwhile an attempt is graded
        attempt = add_attempt(session, classroom.learners["bea"], STUCK_EXERCISE, (), utcnow())
        publish_attempt(session, attempt.id, attempt.user_id)
        session.commit()
    engine.dispose()

    page.unroute(away)
    page.locator("#live-state.on").wait_for(timeout=30_000)
    page.wait_for_function("() => Number(document.getElementById('classroom').dataset.heard || 0) >= 1",
                           timeout=30_000)  # what it missed: the panels are fetched again
    page.wait_for_function("() => document.getElementById('classroom').dataset.updated", timeout=30_000)
    assert page.evaluate("window.stillTheSamePage") is True
    page.context.close()
