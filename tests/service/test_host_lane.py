"""The host lane (service/host_lane.py): a submission to an exercise judged wholly on the host is graded
while every grading slot is busy with container work, not after it; and the worker's choice of what is
judged on the host follows the exercise, not its track's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from grader.catalog import scan_catalog
from grader.grading import judged_on_host
from sandbox import SandboxSettings
from service.scheduler import claim_next
from store.models import Submission
from tests.helpers.data import DATA
from tests.helpers.service import (
    WorkerProcess,
    add_learners,
    migrated,
    rows,
    service_env,
    submit,
    wait_until,
    write_exercises,
)

ROOT = Path(__file__).resolve().parents[2]
PAGE_YAML = """\
format: 1
title: A heading
summary: One heading.
runtime: web
files: [index.html]
checks:
  - kind: html
    title: The page has a heading
    assert:
      - selector: h1
        count: 1
        message: The page should have one <h1>.
"""
PAGE = "<!doctype html><html lang='en'><head><title>Hi</title></head><body><h1>Hello</h1></body></html>\n"


def write_page_exercise(root: Path) -> None:
    folder = root / "html" / "heading"
    (folder / "solution").mkdir(parents=True)
    (folder / "starter").mkdir()
    (folder / "exercise.yaml").write_text(PAGE_YAML)
    (folder / "instructions.md").write_text("Write a page with one heading.\n")
    (folder / "starter" / "index.html").write_text("<!doctype html>\n")
    (folder / "solution" / "index.html").write_text(PAGE)


def submit_page(sessions: sessionmaker[Session], user_id: int) -> int:
    with sessions() as session:
        row = Submission(user_id=user_id, exercise_key="html/heading", files={"index.html": PAGE},
                         status="queued")
        session.add(row)
        session.commit()
        return row.id


def status_of(sessions: sessionmaker[Session], submission_id: int) -> str:
    with sessions() as session:
        row = session.get(Submission, submission_id)
        assert row is not None
        return row.status


@pytest.mark.docker
def test_a_page_judged_on_the_host_does_not_wait_for_a_busy_slot(tmp_path: Path, runner_image: str) -> None:
    exercises = write_exercises(tmp_path / "exercises", slow_s=300.0)  # the slot's grading never ends here
    write_page_exercise(exercises)
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        ann, bo = add_learners(sessions, 2)
        worker = WorkerProcess(service_env(tmp_path, f"sqlite:///{tmp_path / 'grader.db'}", queue, exercises),
                               tmp_path / "worker.log", slots=1).start()
        try:
            slow = submit(sessions, ann, queue_url=queue)
            wait_until(lambda: status_of(sessions, slow) == "running", 120, f"a slot ({worker.log})")
            page = submit_page(sessions, bo)  # no token: the lane looks for such work itself
            wait_until(lambda: status_of(sessions, page) == "done", 120, f"the page's grading ({worker.log})")
            graded = {row.id: row for row in rows(sessions)}
            assert graded[page].score == graded[page].max_score == 1.0
            assert status_of(sessions, slow) == "running", "the one slot was still busy all along"
        finally:
            worker.kill()


def test_a_lane_that_takes_only_some_exercises_claims_only_those(tmp_path: Path) -> None:
    with migrated(f"sqlite:///{tmp_path / 'grader.db'}") as sessions:
        ann, bo = add_learners(sessions, 2)
        python = submit(sessions, ann)
        page = submit_page(sessions, bo)
        with sessions() as session:
            claim = claim_next(session, "lane", lambda key, sha256: key.startswith("html/"))
            assert claim is not None and claim.id == page
            assert claim_next(session, "lane", lambda key, sha256: key.startswith("html/")) is None
            other = claim_next(session, "slot")
            assert other is not None and other.id == python


def test_what_is_judged_on_the_host_is_read_from_the_checks() -> None:
    limits = SandboxSettings().limits
    found = {exercise.key: judged_on_host(exercise, limits)
             for root in (ROOT / "exercises", DATA / "exercises")
             for exercise in scan_catalog(root).catalog.exercises()}
    assert found["html/01-first-page"] and found["html/profile"]
    assert not found["css/01-selectors"]  # css as the browser applies it: a Chromium step
    assert not found["python/01-hello-world"] and not found["dom/counter"]
    assert not found["calls/functions"]
