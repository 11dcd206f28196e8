"""The classroom view's pages (web/classroom.py): what they show, that they escape what learners and
checks wrote, who may see them, the attempts behind each number, the weekly report, and the staff
attempt page with what changed since the attempt before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Cohort, User, utcnow
from tests.helpers.classroom import add_attempt, add_draft
from tests.helpers.site import Browser

GREET = "python/greet"
EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture
def stuck_ann(db_session: Session) -> list[int]:
    """Ann failed "Says hello" three times in a row just now; Bob works on the web page."""
    users = {user.username: user for user in db_session.scalars(select(User))}
    now = utcnow()
    users["ann"].display_name = f"Ann {EVIL}"
    ids = []
    for minutes in (9, 6, 3):
        code = f"print('Hello')\n# try {minutes}\n{EVIL}\n"
        at = now - timedelta(minutes=minutes)
        attempt = add_attempt(db_session, users["ann"].id, GREET, ("io-1",), at, files={"greet.py": code})
        ids.append(attempt.id)
    add_draft(db_session, users["bob"].id, "web/page", now - timedelta(minutes=4), now - timedelta(minutes=1))
    db_session.commit()
    return ids


def test_the_view_names_the_stuck_learner_with_the_reason(as_ines: Browser, stuck_ann: list[int]) -> None:
    page = as_ines.get("/teach/").get_data(as_text=True)
    for title in ("Who needs help now", "The class at a glance", "Where the class is stuck"):
        assert title in page
    assert "“Says hello” failed 3 times in a row on “Greet”." in page
    assert f'href="/submissions/{stuck_ann[-1]}"' in page  # one click to the latest attempt
    assert EVIL not in page and "Ann &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_the_panels_are_the_pages_own_parts(as_ines: Browser, stuck_ann: list[int]) -> None:
    data = as_ines.get("/teach/panels?sort=-progress&open=python").get_json()
    assert set(data) == {"help", "grid", "stuck"}
    assert "failed 3 times in a row" in data["help"]
    assert 'aria-expanded="true"' in data["grid"] and "fewest done first" in data["grid"]
    assert "Says hello" in data["stuck"] and EVIL not in "".join(data.values())


def test_an_opened_track_has_a_column_per_exercise(as_ines: Browser, stuck_ann: list[int]) -> None:
    closed = as_ines.get("/teach/").get_data(as_text=True)
    assert 'class="ex-col"' not in closed and 'href="/teach/?open=python"' in closed
    opened = as_ines.get("/teach/?open=python").get_data(as_text=True)
    assert opened.count('class="ex-col"') == 1 and "Greet: 1 / 2, 3 attempts; opens the latest" in opened
    assert f'<a href="/submissions/{stuck_ann[-1]}" title="Greet' in opened  # one click to the code
    assert '<span class="sr-only">not started</span>' in opened  # Bob, for screen readers only


@pytest.mark.parametrize("url", ["/teach/", "/teach/panels", "/teach/report",
                                 "/teach/attempts?exercise=python/greet"])
def test_learners_never_see_the_class(url: str, as_ann: Browser, as_ines: Browser) -> None:
    assert as_ann.get(url).status_code == 404
    assert as_ines.get(url + ("&" if "?" in url else "?") + "cohort=999").status_code == 404


def test_the_attempts_behind_the_numbers(as_ines: Browser, db_session: Session, stuck_ann: list[int]) -> None:
    bob = db_session.scalar(select(User).where(User.username == "bob"))
    assert bob is not None
    passed = add_attempt(db_session, bob.id, GREET, (), utcnow() - timedelta(minutes=2))
    db_session.commit()
    stuck = as_ines.get("/teach/").get_data(as_text=True)
    assert 'href="/teach/attempts?exercise=python/greet&amp;check=io-1"' in stuck
    failing = as_ines.get("/teach/attempts?exercise=python/greet&check=io-1").get_data(as_text=True)
    assert all(f">#{sid}</a>" in failing for sid in stuck_ann) and f">#{passed.id}</a>" not in failing
    finished = as_ines.get("/teach/attempts?exercise=python/greet&show=finished").get_data(as_text=True)
    assert f">#{passed.id}</a>" in finished and "Bob" in finished and ">#" + str(stuck_ann[0]) not in finished
    assert "2 tried, 1 finished" in finished
    assert as_ines.get("/teach/attempts?exercise=nope/nothing").status_code == 404


def test_the_weekly_report(as_ines: Browser, db_session: Session, stuck_ann: list[int]) -> None:
    cohort = Cohort(name="Tuesday")
    cohort.members.extend(db_session.scalars(select(User).where(User.role == "learner")))
    db_session.add(cohort)
    db_session.commit()
    page = as_ines.get(f"/teach/report?cohort={cohort.id}").get_data(as_text=True)
    for words in ("Class report: Tuesday", "Progress per learner", "Progress per exercise"):
        assert words in page
    assert "data-print hidden" in page  # the print button shows once the script is there
    refused = as_ines.get("/teach/report?week=2026-W99")
    assert refused.status_code == 400 and "is not a week like 2026-W49" in refused.get_data(as_text=True)


def test_the_staff_attempt_page_shows_what_changed(as_ines: Browser, as_ann: Browser,
                                                     stuck_ann: list[int]) -> None:
    page = as_ines.get(f"/submissions/{stuck_ann[-1]}").get_data(as_text=True)
    assert f"What changed since attempt <a href=\"/submissions/{stuck_ann[-2]}\">#{stuck_ann[-2]}</a>" in page
    assert '<tr class="removed"><td class="ln old">2</td><td class="ln new"></td>' in page
    assert "# try 6" in page and "# try 3" in page and EVIL not in page
    first = as_ines.get(f"/submissions/{stuck_ann[0]}").get_data(as_text=True)
    assert "What changed since" not in first  # nothing before the first attempt
    assert "What changed since" not in as_ann.get(f"/submissions/{stuck_ann[-1]}").get_data(as_text=True)


def test_the_grid_on_a_page_with_nobody(as_ines: Browser, db_session: Session) -> None:
    cohort = Cohort(name="Empty")
    db_session.add(cohort)
    db_session.commit()
    page = as_ines.get(f"/teach/?cohort={cohort.id}").get_data(as_text=True)
    assert "No learners here yet." in page and "Nobody right now" in page
