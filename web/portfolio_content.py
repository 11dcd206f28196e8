"""What a learner's portfolio holds: the pieces they chose, each through their best graded attempt,
with its code, the checks it passed and the pictures the browser checks took of their page.

Read from the database only (exercise titles from the synced catalogue table), so the site, the
preview origin and the command line all gather the same content.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from grader.browser.pictures import clean_png
from grader.result import for_learner
from store.models import ExerciseRow, Portfolio, PortfolioPiece, Submission, User, utcnow
from web.overrides import overrides_for

ABOUT_MAX = 1500
LINE_MAX = 200
MAX_PIECES = 12


@dataclass(frozen=True)
class Picture:
    check: str
    viewport: str
    png: bytes


@dataclass(frozen=True)
class Piece:
    """One exercise shown in a portfolio, through one graded attempt."""

    key: str
    title: str
    track: str
    line: str
    submission_id: int
    files: dict[str, str]
    finished_at: datetime | None
    score: float | None
    max_score: float | None
    passed: list[str]  # titles of the checks it passed (hidden ones included: their titles are shown)
    not_passed: list[str]
    pictures: list[Picture]
    exercise_sha256: str

    @property
    def slug(self) -> str:
        return self.key.replace("/", "-")

    @property
    def is_page(self) -> bool:
        return any(path.endswith((".html", ".htm")) for path in self.files)

    @property
    def entry(self) -> str:
        pages = sorted(p for p in self.files if p.endswith((".html", ".htm")))
        return "index.html" if "index.html" in self.files else pages[0] if pages else ""


@dataclass(frozen=True)
class Choice:
    """An exercise the learner may show: one with a graded attempt."""

    key: str
    title: str
    submission_id: int
    score: float | None
    max_score: float | None
    chosen: bool
    line: str


@dataclass(frozen=True)
class PortfolioContent:
    name: str
    about: str
    pieces: list[Piece] = field(default_factory=list)
    made_at: datetime = field(default_factory=utcnow)


def exercise_rows(session: Session) -> dict[str, ExerciseRow]:
    return {row.key: row for row in session.scalars(select(ExerciseRow))}


def best_attempts(session: Session, user_id: int) -> dict[str, tuple[Submission, float | None]]:
    """For each exercise, the learner's graded attempt with the best score that counts (an
    instructor's when they changed it), the newest of equals; with that score."""
    attempts = list(session.scalars(
        select(Submission).options(defer(Submission.files), defer(Submission.result))
        .where(Submission.user_id == user_id, Submission.status == "done", Submission.counts.is_(True))
        .order_by(Submission.created_at, Submission.id)
    ))
    changed = overrides_for(session, attempts)
    best: dict[str, tuple[Submission, float | None]] = {}
    for attempt in attempts:
        score = changed[attempt.id].score if attempt.id in changed else attempt.score
        held = best.get(attempt.exercise_key)
        if held is None or (score or 0) >= (held[1] or 0):
            best[attempt.exercise_key] = (attempt, score)
    return best


def choices(session: Session, user: User) -> list[Choice]:
    """Every exercise the learner has a graded attempt at, in teaching order, marked when chosen."""
    rows = exercise_rows(session)
    chosen = {piece.exercise_key: piece for piece in pieces_of(session, user.id)}
    found = []
    for key, (attempt, score) in best_attempts(session, user.id).items():
        row = rows.get(key)
        piece = chosen.get(key)
        found.append(Choice(key, row.title if row else key, attempt.id, score, attempt.max_score,
                            piece is not None, piece.line if piece else ""))
    order = {key: row.position for key, row in rows.items()}
    return sorted(found, key=lambda choice: (order.get(choice.key, 10**6), choice.key))


def pieces_of(session: Session, user_id: int) -> list[PortfolioPiece]:
    query = select(PortfolioPiece).where(PortfolioPiece.user_id == user_id)
    return list(session.scalars(query.order_by(PortfolioPiece.position, PortfolioPiece.id)))


def save_choices(session: Session, user: User, about: str, picked: dict[str, str]) -> Portfolio:
    """Keep the learner's words and pieces (`picked`: exercise key -> their line); each piece shows the
    best graded attempt of its exercise. Keys without a graded attempt are ignored. The caller commits."""
    portfolio = session.get(Portfolio, user.id) or Portfolio(user_id=user.id)
    portfolio.about = about.strip()[:ABOUT_MAX]
    portfolio.updated_at = utcnow()
    session.add(portfolio)
    best = best_attempts(session, user.id)
    order = {choice.key: n for n, choice in enumerate(choices(session, user))}
    existing = {piece.exercise_key: piece for piece in pieces_of(session, user.id)}
    for key, piece in existing.items():
        if key not in picked or key not in best:
            session.delete(piece)
    for key, line in list(picked.items())[:MAX_PIECES]:
        if key not in best:
            continue
        piece = existing.get(key) or PortfolioPiece(user_id=user.id, exercise_key=key)
        piece.submission_id = best[key][0].id
        piece.line = line.strip()[:LINE_MAX]
        piece.position = order.get(key, 0)
        session.add(piece)
    return portfolio


def _pictures(check: dict[str, Any]) -> list[Picture]:
    found = []
    for image in check.get("images") or []:
        cleaned = clean_png(image.get("png_base64"))  # decoded and encoded again: never bytes as stored
        if cleaned is None:
            continue
        try:
            found.append(Picture(str(check.get("title", "")), str(image.get("viewport", "")),
                                 base64.b64decode(cleaned)))
        except (binascii.Error, ValueError):
            continue
    return found


def piece_from(attempt: Submission, title: str, line: str, score: float | None) -> Piece:
    result = for_learner(attempt.result or {})
    checks = result.get("checks") or []
    provenance = result.get("provenance") or {}
    return Piece(
        key=attempt.exercise_key, title=title, track=attempt.exercise_key.split("/", 1)[0], line=line,
        submission_id=attempt.id, files={str(p): str(t) for p, t in sorted((attempt.files or {}).items())},
        finished_at=attempt.finished_at or attempt.created_at, score=score, max_score=attempt.max_score,
        passed=[str(c.get("title", "")) for c in checks if c.get("status") == "pass"],
        not_passed=[str(c.get("title", "")) for c in checks if c.get("status") != "pass"],
        pictures=[picture for c in checks if not c.get("hidden") for picture in _pictures(c)],
        exercise_sha256=str(provenance.get("exercise_sha256") or ""),
    )


def gather(session: Session, user: User) -> PortfolioContent:
    """The learner's portfolio as it stands."""
    portfolio = session.get(Portfolio, user.id)
    rows = exercise_rows(session)
    pieces = []
    for chosen in pieces_of(session, user.id):
        attempt = session.get(Submission, chosen.submission_id)
        if attempt is None or attempt.user_id != user.id:
            continue
        score = overrides_for(session, [attempt]).get(attempt.id)
        row = rows.get(chosen.exercise_key)
        pieces.append(piece_from(attempt, row.title if row else chosen.exercise_key, chosen.line,
                                 score.score if score is not None else attempt.score))
    return PortfolioContent(user.display_name, portfolio.about if portfolio else "", pieces)
