"""A seeded class for the classroom view's tests: a catalogue of 70 exercises in five tracks (each one a
copy of the site fixture python/greet, so a real worker can grade any of them) and 15 learners of one
cohort with mixed progress, one of them (Dana) stuck on one check of one exercise.

Everything the learners did is in PLANS, relative to "now", so tests compute what the view must show
from the plans themselves, not from the code under test.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from store.failed_checks import failed_checks
from store.models import Cohort, Draft, Submission, User
from tests.helpers.data import CATALOGS
from web.accounts import create_user

COHORT = "Tuesday class"
PASSWORD = "correct horse battery"
TRACKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "python": ("Python", tuple(f"Python {n}" for n in (
        "hello", "names", "numbers", "loops", "strings", "lists", "dicts", "functions", "files", "errors",
        "classes", "modules", "sorting", "search", "sets", "tuples", "slices", "recursion", "dates", "csv"))),
    "html": ("HTML", tuple(f"HTML {n}" for n in (
        "first page", "headings", "links", "images", "lists", "tables", "forms", "inputs", "buttons",
        "layout", "semantics", "media", "meta", "iframes", "accessibility"))),
    "css": ("CSS", tuple(f"CSS {n}" for n in (
        "selectors", "colours", "fonts", "box model", "flexbox", "grid", "responsive", "forms", "animations",
        "variables"))),
    "javascript": ("JavaScript", tuple(f"JavaScript {n}" for n in (
        "values", "conditions", "loops", "arrays", "objects", "functions", "DOM", "events", "forms", "fetch",
        "timers", "storage", "classes", "modules", "errors"))),
    "flask": ("Flask", tuple(f"Flask {n}" for n in (
        "first route", "templates", "forms", "JSON", "guestbook", "sessions", "static files", "errors",
        "blueprints", "database"))),
}


def key(track: str, number: int) -> str:
    """The key of the `number`th exercise (from 1) of `track`."""
    return f"{track}/{number:02d}"


def write_catalogue(root: Path) -> Path:
    """The 70-exercise catalogue in `root` (made if needed)."""
    greet = CATALOGS / "site" / "python" / "greet"
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalog.yaml").write_text(yaml.safe_dump({"tracks": list(TRACKS)}))
    for track, (title, exercises) in TRACKS.items():
        slugs = [f"{n:02d}" for n in range(1, len(exercises) + 1)]
        (root / track).mkdir(exist_ok=True)
        (root / track / "track.yaml").write_text(yaml.safe_dump({"title": title, "order": slugs}))
        for slug, name in zip(slugs, exercises, strict=True):
            folder = root / track / slug
            if folder.exists():
                continue
            shutil.copytree(greet, folder)
            text = (folder / "exercise.yaml").read_text().replace("title: Greet", f"title: {name}")
            (folder / "exercise.yaml").write_text(text)
    return root


@dataclass(frozen=True)
class Plan:
    """What one learner did on one exercise: began `began_min` minutes ago (first draft saved), then
    one attempt every `step_min` minutes with these outcomes: f: both checks fail (0/2), h: only the
    hidden check fails (1/2), p: full marks (2/2). No outcomes: a draft only, last saved `step_min` ago."""

    exercise: str
    outcomes: str
    began_min: float
    step_min: float

    def attempt_minutes_ago(self) -> list[float]:
        return [self.began_min - self.step_min * (n + 1) for n in range(len(self.outcomes))]


STUCK = "dana"
STUCK_EXERCISE = key("python", 4)
IDLE = "lee"
NAMES = [("ali", "Ali Hassan"), ("bea", "Bea Novak"), ("cole", "Cole Martin"), (STUCK, "Dana Reyes"),
         ("eli", "Eli Brooks"), ("fay", "Fay Okafor"), ("gus", "Gus Ortega"), ("hana", "Hana Kim"),
         ("ivo", "Ivo Petrov"), ("jo", "Jo Turner"), ("kai", "Kai Walker"), (IDLE, "Lee Chen"),
         ("mo", "Mo Said"), ("nia", "Nia Grant"), ("otto", "Otto Berg")]
SOLVED = [12, 10, 9, 3, 8, 7, 6, 5, 5, 4, 3, 3, 2, 1, 0]  # python exercises finished, in order
HTML_SOLVED = {"ali": 6, "bea": 4, "cole": 2}


def _plans() -> dict[str, list[Plan]]:
    plans: dict[str, list[Plan]] = {}
    for n, ((username, _), solved) in enumerate(zip(NAMES, SOLVED, strict=True)):
        mine = []
        for j in range(solved):  # earlier days: one exercise a day, the latest yesterday
            outcomes = ("p", "fp", "ffp", "hp")[(n + j) % 4]
            mine.append(Plan(key("python", j + 1), outcomes, began_min=(solved - j) * 24 * 60 + 60,
                             step_min=4 + (n + j) % 5))
        for j in range(HTML_SOLVED.get(username, 0)):
            mine.append(Plan(key("html", j + 1), ("p", "fp")[(n + j) % 2], began_min=(6 - j) * 24 * 60 + 30,
                             step_min=6))
        if username == STUCK:
            mine.append(Plan(STUCK_EXERCISE, "ffff", began_min=35, step_min=7))
        elif username == IDLE:
            mine.append(Plan(key("python", solved + 1), "f", began_min=40, step_min=15))
        elif username == "mo":
            mine.append(Plan(key("python", solved + 1), "hh", began_min=12, step_min=4))
        elif username != "otto":  # otto never came
            mine.append(Plan(key("python", solved + 1), "", began_min=8, step_min=1 + n % 4))
        plans[username] = mine
    return plans


PLANS = _plans()


def result(exercise: str, outcome: str, printed: str = "Hello") -> dict[str, Any]:
    """A result (format 1) as the worker stores it for a copy of python/greet (`printed`: what the
    learner's program printed, when "Says hello" fails)."""
    visible = outcome == "f"
    difference = f"Line 1 is different.\n  expected: 'Hello, class!'\n  yours:    '{printed}'"
    hidden = outcome in ("f", "h")
    checks = [
        {"id": "io-1", "title": "Says hello", "kind": "io", "status": "fail" if visible else "pass",
         "score": 0.0 if visible else 1.0, "max_score": 1.0, "hint": "Use print(\"Hello, class!\").",
         "message": "Your program's output is not what was expected." if visible else "",
         "output": difference if visible else "",
         "tests": [], "hidden": False},
        {"id": "io-2", "title": "Secret check", "kind": "io", "status": "fail" if hidden else "pass",
         "score": 0.0 if hidden else 1.0, "max_score": 1.0, "hint": None,
         "message": "The greeting is not exactly right." if hidden else "", "output": "", "tests": [],
         "hidden": True},
    ]
    score = sum(check["score"] for check in checks)  # type: ignore[misc]
    return {"format": 1, "exercise": exercise, "status": "pass" if score == 2 else "fail", "score": score,
            "max_score": 2.0, "duration_s": 0.4, "checks": checks, "provenance": None, "message": ""}


CODE = {"f": 'print("Hello")\n', "h": 'print("Hello, class")\n', "p": 'print("Hello, class!")\n'}
# What a learner tries, one attempt after another, before the greeting is right, and what it prints.
TRIES = [
    ('print("Hello")\n', "Hello"),
    ('name = "class"\nprint("Hello", name)\n', "Hello class"),
    ('name = "class"\nprint("Hello " + name)\n', "Hello class"),
    ('name = "class"\ngreeting = "Hello, " + name\nprint(greeting)\n', "Hello, class"),
]


def seed_class(session: Session, now: datetime) -> dict[str, int]:
    """Add the cohort, its 15 learners (Dana can log in with PASSWORD) and everything in PLANS (the
    caller commits). Returns the learners' ids by username."""
    cohort = Cohort(name=COHORT)
    session.add(cohort)
    ids = {}
    for username, name in NAMES:
        if username == STUCK:
            user = create_user(session, username, name, "learner", PASSWORD).user
        else:
            user = User(username=username, display_name=name, password_hash="-", role="learner")
            session.add(user)
        if username != "otto":
            user.last_login_at = now - timedelta(minutes=50)
        cohort.members.append(user)
        session.flush()
        ids[username] = user.id
        for plan in PLANS[username]:
            _seed_plan(session, user.id, plan, now)
    return ids


def _seed_plan(session: Session, user_id: int, plan: Plan, now: datetime) -> None:
    began = now - timedelta(minutes=plan.began_min)
    last = CODE["f"]
    moments = plan.attempt_minutes_ago()
    for number, (outcome, minutes_ago) in enumerate(zip(plan.outcomes, moments, strict=True)):
        at = now - timedelta(minutes=minutes_ago)
        code, printed = TRIES[number % len(TRIES)]
        data = result(plan.exercise, outcome, printed)
        last = code if outcome == "f" else CODE[outcome]
        session.add(Submission(
            user_id=user_id, exercise_key=plan.exercise, files={"greet.py": last}, status="done", result=data,
            score=data["score"], max_score=2.0, failed_checks=failed_checks(data), created_at=at,
            started_at=at, finished_at=at + timedelta(seconds=1)))
    touched = now - timedelta(minutes=plan.step_min if not plan.outcomes else plan.attempt_minutes_ago()[-1])
    session.add(Draft(user_id=user_id, exercise_key=plan.exercise, files={"greet.py": last}, created_at=began,
                      updated_at=touched))


def add_attempt(session: Session, user_id: int, exercise: str, failing: tuple[str, ...], at: datetime,
                files: dict[str, str] | None = None) -> Submission:
    """A graded attempt of a copy of python/greet at `at` whose checks in `failing` ("io-1": Says hello,
    "io-2": the hidden Secret check) failed, as the worker leaves it (the caller commits)."""
    outcome = "f" if "io-1" in failing else "h" if "io-2" in failing else "p"
    data = result(exercise, outcome)
    if failing == ("io-1",):  # only the visible check
        data["checks"][1].update(status="pass", score=1.0, message="")
        data.update(score=1.0, status="fail")
    files = files or {"greet.py": CODE[outcome]}
    submission = Submission(user_id=user_id, exercise_key=exercise, files=files, status="done", result=data,
                            score=data["score"], max_score=2.0, failed_checks=failed_checks(data),
                            created_at=at, started_at=at, finished_at=at)
    session.add(submission)
    session.flush()
    return submission


def add_draft(session: Session, user_id: int, exercise: str, began: datetime, touched: datetime) -> Draft:
    draft = Draft(user_id=user_id, exercise_key=exercise, files={"greet.py": ""}, created_at=began,
                  updated_at=touched)
    session.add(draft)
    return draft
