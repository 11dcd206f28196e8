"""Two sites for transfer tests: each an instance folder and a database (SQLite file or PostgreSQL),
a learner's work to move, and that work read back in a form two sites can compare."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, inspect, select, table
from sqlalchemy.orm import Session

from cli import main
from store.db import make_engine, session_factory, upgrade_database
from store.models import (
    Cohort,
    Draft,
    GradeOverride,
    Portfolio,
    PortfolioPiece,
    Regrade,
    Submission,
    TransferredRow,
    User,
)
from web.accounts import create_user

AT = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)
RESULT = {"format": 1, "exercise": "python/greet", "status": "fail", "score": 1.0, "max_score": 2.0,
          "checks": [{"id": "io-1", "title": "Says hello", "status": "pass", "score": 1.0, "max_score": 1.0},
                     {"id": "io-2", "title": "Secret", "status": "fail", "score": 0.0, "max_score": 1.0,
                      "hidden": True, "output": "ünïcode ✓"}],
          "provenance": {"exercise_sha256": "ab" * 32}}


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class TransferSite:
    folder: Path
    url: str

    @property
    def instance(self) -> Path:
        return self.folder / "instance"

    def env(self) -> dict[str, str | None]:
        return {"GRADER_INSTANCE": str(self.instance), "GRADER_DATABASE_URL": self.url,
                "GRADER_HOME": str(self.folder / "home"), "GRADER_SITE_NAME": f"Site {self.folder.name}"}

    def grader(self, *args: str) -> Ran:
        """`grader ARGS` with this site's settings, in this process (the command line as it parses,
        reads settings and exits; in-process because each new interpreter costs seconds)."""
        env = {name: None for name in os.environ if name.startswith("GRADER_")}
        result = CliRunner().invoke(main, list(args), env={**env, **self.env()}, catch_exceptions=False)
        return Ran(result.exit_code, result.stdout, result.stderr)

    @contextmanager
    def session(self) -> Iterator[Session]:
        engine = make_engine(self.url)
        try:
            with session_factory(engine)() as session:
                yield session
        finally:
            engine.dispose()


def make_site(folder: Path, url: str | None = None) -> TransferSite:
    folder.mkdir(parents=True, exist_ok=True)
    site = TransferSite(folder, url or f"sqlite:///{folder / 'instance' / 'grader.db'}")
    upgrade_database(site.url)
    return site


def seed_learner(site: TransferSite, username: str = "ann") -> None:
    """A learner with graded attempts (one re-graded, one that could not be graded, one still
    queued), an instructor's score change, two drafts and a portfolio; and a classmate."""
    with site.session() as session:
        instructor = create_user(session, "ines", "Ines Teacher", "instructor", "password-1").user
        learner = create_user(session, username, "Ann Lee", "learner", "password-2").user
        create_user(session, "bob", "Bob", "learner", "password-3")
        cohort = Cohort(name="Tuesday")
        cohort.members.append(learner)
        session.add(cohort)
        first = Submission(user_id=learner.id, exercise_key="python/greet",
                           files={"greet.py": "print('hi')\n"}, status="done", result=RESULT, score=1.0,
                           max_score=2.0, created_at=AT,
                           started_at=AT + timedelta(seconds=1), finished_at=AT + timedelta(seconds=2))
        session.add(first)
        session.flush()
        first.failed_checks = [{"id": "greets", "title": "Greets", "message": "Expected Hello"}]
        regrade = Regrade(submission_id=first.id, by_user_id=instructor.id, reason="Fixed the tests.",
                          requested_at=AT + timedelta(days=1), state="done",
                          settled_at=AT + timedelta(days=1, seconds=3), previous_status="done",
                          previous_result=RESULT, previous_score=0.5, previous_max_score=2.0,
                          previous_failed_checks=[{"id": "greets"}], previous_counts=True,
                          previous_started_at=AT + timedelta(seconds=1), previous_finished_at=AT)
        broken = Submission(user_id=learner.id, exercise_key="web/page", files={"index.html": "<h1>x</h1>"},
                            status="error", counts=False, error_message="engine down",
                            created_at=AT + timedelta(days=2), finished_at=AT + timedelta(days=2))
        waiting = Submission(user_id=learner.id, exercise_key="web/page", files={"index.html": "<h1>y</h1>"},
                             status="queued", created_at=AT + timedelta(days=3))
        session.add_all([regrade, broken, waiting])
        session.flush()
        session.add(GradeOverride(submission_id=first.id, score=2.0, reason="The comma was right.",
                                  by_user_id=instructor.id, at=AT + timedelta(hours=5)))
        session.add_all([Draft(user_id=learner.id, exercise_key="python/greet", files={"greet.py": "# next"},
                               updated_at=AT + timedelta(days=4)),
                         Draft(user_id=learner.id, exercise_key="web/page", files={"index.html": "<p>draft"},
                               updated_at=AT + timedelta(days=4, hours=1))])
        session.add(Portfolio(user_id=learner.id, about="I build pages.", updated_at=AT))
        session.add(PortfolioPiece(user_id=learner.id, exercise_key="python/greet", submission_id=first.id,
                                   line="My first program", position=0))
        session.commit()


def learner_rows(site: TransferSite, username: str = "ann") -> dict[str, Any]:
    """What `username` has on `site`, without the ids each site gives its rows."""
    with site.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None, f"no {username} on {site.folder}"
        attempts = list(session.scalars(select(Submission).where(Submission.user_id == user.id)
                                        .order_by(Submission.created_at)))
        by_id = {a.id: a for a in attempts}
        overrides = session.scalars(select(GradeOverride).where(
            GradeOverride.submission_id.in_(list(by_id))).order_by(GradeOverride.at))
        return {
            "account": (user.username, user.display_name, user.role, user.active, user.created_at),
            "attempts": [(a.exercise_key, a.files, a.status, a.result, a.score, a.max_score, a.created_at,
                          a.started_at, a.finished_at, a.counts, a.error_message, a.failed_checks,
                          [(r.reason, r.requested_at, r.state, r.settled_at, r.message, r.previous_status,
                            r.previous_result, r.previous_score, r.previous_max_score,
                            r.previous_failed_checks, r.previous_counts, r.previous_started_at,
                            r.previous_finished_at)
                           for r in session.scalars(select(Regrade).where(Regrade.submission_id == a.id)
                                                    .order_by(Regrade.id))])
                         for a in attempts],
            "overrides": [(o.score, o.reason, o.at, by_id[o.submission_id].created_at) for o in overrides],
            "drafts": [(d.exercise_key, d.files, d.updated_at) for d in session.scalars(
                select(Draft).where(Draft.user_id == user.id).order_by(Draft.exercise_key))],
            "portfolio": [(p.exercise_key, p.line, by_id[p.submission_id].created_at) for p in
                          session.scalars(select(PortfolioPiece).where(PortfolioPiece.user_id == user.id))],
        }


def table_counts(site: TransferSite) -> dict[str, int]:
    engine = make_engine(site.url)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {name: int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())
                    for name in names}
    finally:
        engine.dispose()


def transferred(site: TransferSite) -> int:
    with site.session() as session:
        return int(session.scalar(select(func.count()).select_from(TransferredRow)) or 0)
