"""The top bar marks the section a page is in (web/nav.py): a learner's attempt or overview opened by
staff is in the staff section they came from, never in "Exercises"."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import User
from tests.helpers.site import Browser, graded_submission, login

CURRENT = re.compile(r'aria-current="page">([^<]+)</a>')


def marked(browser: Browser, url: str, **headers: str) -> list[str]:
    """The top bar's links marked as the current section on the page at `url`."""
    response = browser.get(url, headers=headers)
    assert response.status_code == 200, url
    top = response.get_data(as_text=True).split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    return CURRENT.findall(top)


@pytest.fixture
def anns_attempt(db_session: Session) -> str:
    return f"/submissions/{graded_submission(db_session, 'ann', passed=True).id}"


def test_an_attempt_opened_from_the_class_view_is_in_class(as_ines: Browser, anns_attempt: str) -> None:
    assert marked(as_ines, "/teach/") == ["Class"]
    assert marked(as_ines, anns_attempt) == ["Class"]


def test_an_attempt_opened_without_a_way_in_is_in_class(as_ines: Browser, anns_attempt: str) -> None:
    assert marked(as_ines, anns_attempt) == ["Class"]  # a bookmark, a link pasted in: never "Exercises"


def test_a_chain_of_links_stays_in_the_section_it_began_in(as_ines: Browser, anns_attempt: str,
                                                           db_session: Session) -> None:
    ann = db_session.scalars(select(User.id).where(User.username == "ann")).one()
    assert marked(as_ines, "/teach/learners") == ["Learners"]
    assert marked(as_ines, f"/teach/learners/{ann}") == ["Learners"]
    assert marked(as_ines, anns_attempt) == ["Learners"]
    assert marked(as_ines, anns_attempt) == ["Learners"]  # reloaded, or the attempt before it


def test_the_page_that_linked_here_wins_over_the_last_section(as_ines: Browser, anns_attempt: str) -> None:
    assert marked(as_ines, "/teach/learners") == ["Learners"]
    # Another tab shows the class view: its links lead to the attempt.
    assert marked(as_ines, anns_attempt, Referer="http://localhost/teach/?sort=progress") == ["Class"]
    assert marked(as_ines, anns_attempt, Referer="http://elsewhere.example/teach/learners") == ["Class"]


def test_a_class_view_left_open_in_another_tab_does_not_move_it(as_ines: Browser, anns_attempt: str) -> None:
    assert marked(as_ines, "/teach/learners") == ["Learners"]
    from_the_class_view = {"Referer": "http://localhost/teach/"}
    as_ines.get("/teach/panels", headers={"Accept": "application/json", **from_the_class_view})
    as_ines.get("/events?watch=cohort:999", headers={"Accept": "text/event-stream", **from_the_class_view})
    assert marked(as_ines, anns_attempt) == ["Learners"]


def test_the_administrators_health_page_leads_to_admin(as_ada: Browser, anns_attempt: str) -> None:
    assert marked(as_ada, "/admin/health") == ["Admin"]
    assert marked(as_ada, anns_attempt) == ["Admin"]


def test_ones_own_attempts_are_in_exercises(app: Flask, as_ann: Browser, as_ines: Browser,
                                            anns_attempt: str, db_session: Session) -> None:
    assert marked(as_ann, anns_attempt) == ["Exercises"]
    assert marked(as_ann, "/") == ["Exercises"]
    mine = f"/submissions/{graded_submission(db_session, 'ines', passed=True).id}"
    assert marked(as_ines, "/teach/") == ["Class"]
    assert marked(as_ines, mine) == ["Exercises"]  # staff trying an exercise themselves
    assert marked(login(app.test_client(), "bob"), "/portfolio/") == ["Portfolio"]


SECTIONS = [("/teach/", "Class"), ("/teach/learners", "Learners"), ("/teach/catalogue", "Catalogue"),
            ("/teach/exports/", "Exports"), ("/admin/", "Admin"), ("/", "Exercises")]


@pytest.mark.parametrize(("url", "section"), SECTIONS)
def test_each_section_marks_itself(as_ada: Browser, url: str, section: str) -> None:
    assert marked(as_ada, url) == [section]
