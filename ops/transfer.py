"""A learner's transfer file: their account (never its password), attempts with the results this
site gave them, drafts, instructors' score changes with their reasons, portfolio and the versions of
the exercises they were graded on, signed with this site's key (`grader transfer export`).

Rows that came to this site from another one carry where they came from (`origin`), so a learner
moved back and forth is never given the same attempt twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader import __version__
from ops.errors import OpsError
from store.models import (
    Draft,
    ExerciseRow,
    GradeOverride,
    Portfolio,
    PortfolioPiece,
    Regrade,
    Submission,
    TransferredRow,
    User,
    utcnow,
)
from store.signed import sign_document
from store.site_key import SiteKey

TRANSFER_FORMAT = "transfer/1"
FINISHED = ("done", "error")


class TransferRefused(OpsError):
    """A transfer that cannot be made or read; the message says why and what to do."""


class Origin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(max_length=64)
    id: int


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=120)
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    cohorts: list[str]
    origin: Origin | None = None


class RegradeIn(BaseModel):
    """One earlier grading of an attempt that an instructor's re-grade replaced (its history)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=500)
    by: str = Field(max_length=120)
    requested_at: datetime
    state: str = Field(pattern="^(done|error)$")
    settled_at: datetime | None
    message: str
    previous_status: str = Field(max_length=16)
    previous_result: dict[str, Any] | None
    previous_score: float | None
    previous_max_score: float | None
    previous_failed_checks: list[dict[str, Any]]
    previous_counts: bool
    previous_started_at: datetime | None
    previous_finished_at: datetime | None


class AttemptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    exercise_key: str = Field(max_length=200)
    files: dict[str, str]
    status: str = Field(pattern="^(done|error)$")
    result: dict[str, Any] | None
    score: float | None
    max_score: float | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    counts: bool
    failed_checks: list[dict[str, Any]] = Field(default_factory=list)
    regrades: list[RegradeIn] = Field(default_factory=list)
    error_message: str | None
    origin: Origin | None = None


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    attempt: int
    score: float | None
    reason: str = Field(max_length=500)
    by: str = Field(max_length=120)
    at: datetime
    origin: Origin | None = None


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exercise_key: str = Field(max_length=200)
    files: dict[str, str]
    updated_at: datetime


class PieceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exercise_key: str = Field(max_length=200)
    attempt: int
    line: str = Field(max_length=200)
    position: int


class PortfolioIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    about: str = Field(max_length=5000)
    pieces: list[PieceIn]


class SiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    key: str = Field(max_length=64)


class TransferPayload(BaseModel):
    """What a transfer file holds (checked field by field before anything is written)."""

    model_config = ConfigDict(extra="forbid")
    format: str = Field(pattern=f"^{TRANSFER_FORMAT}$")
    site: SiteIn
    made_at: datetime
    grader_version: str
    account: AccountIn
    curriculum: dict[str, str]  # exercise key -> SHA-256 of the exercise at the sending site
    attempts: list[AttemptIn]
    overrides: list[OverrideIn]
    drafts: list[DraftIn]
    portfolio: PortfolioIn | None


def _history(session: Session, submission_id: int) -> list[dict[str, Any]]:
    """The attempt's settled re-grades, oldest first (a re-grade still waiting does not move)."""
    rows = session.scalars(select(Regrade).where(Regrade.submission_id == submission_id,
                                                 Regrade.state != "pending").order_by(Regrade.id))
    return [{
        "reason": r.reason, "by": r.by.display_name if r.by else "", "requested_at": _when(r.requested_at),
        "state": r.state, "settled_at": _when(r.settled_at), "message": r.message,
        "previous_status": r.previous_status, "previous_result": r.previous_result,
        "previous_score": r.previous_score, "previous_max_score": r.previous_max_score,
        "previous_failed_checks": list(r.previous_failed_checks), "previous_counts": r.previous_counts,
        "previous_started_at": _when(r.previous_started_at),
        "previous_finished_at": _when(r.previous_finished_at),
    } for r in rows]


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _origins(session: Session, kind: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Where rows of this site that came from elsewhere first came from, by local id."""
    if not ids:
        return {}
    rows = session.scalars(select(TransferredRow).where(TransferredRow.kind == kind,
                                                        TransferredRow.local_id.in_(ids))
                           .order_by(TransferredRow.id))
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        found.setdefault(row.local_id, {"source": row.source, "id": row.source_id})
    return found


@dataclass(frozen=True)
class TransferCounts:
    attempts: int
    overrides: int
    drafts: int
    unfinished: int  # attempts still waiting to be graded, left out


def transfer_payload(session: Session, user: User, site_name: str, key_fingerprint: str
                     ) -> tuple[dict[str, Any], TransferCounts]:
    """Everything of `user` that moves with them, JSON-ready."""
    submissions = list(session.scalars(select(Submission).where(Submission.user_id == user.id)
                                       .order_by(Submission.id)))
    finished = [s for s in submissions if s.status in FINISHED]
    attempt_origins = _origins(session, "submission", [s.id for s in finished])
    overrides = list(session.scalars(select(GradeOverride).where(
        GradeOverride.submission_id.in_([s.id for s in finished])).order_by(GradeOverride.id)))
    override_origins = _origins(session, "override", [o.id for o in overrides])
    drafts = list(session.scalars(select(Draft).where(Draft.user_id == user.id).order_by(Draft.exercise_key)))
    keys = {s.exercise_key for s in finished} | {d.exercise_key for d in drafts}
    rows = session.scalars(select(ExerciseRow).where(ExerciseRow.key.in_(keys)))
    versions = {row.key: row.sha256 for row in rows}
    portfolio = session.get(Portfolio, user.id)
    pieces = session.scalars(select(PortfolioPiece).where(PortfolioPiece.user_id == user.id))
    payload: dict[str, Any] = {
        "format": TRANSFER_FORMAT,
        "site": {"name": site_name, "key": key_fingerprint},
        "made_at": utcnow().isoformat(),
        "grader_version": __version__,
        "account": {
            "id": user.id, "username": user.username, "display_name": user.display_name,
            "active": user.active,
            "created_at": _when(user.created_at), "last_login_at": _when(user.last_login_at),
            "cohorts": [cohort.name for cohort in user.cohorts],
            "origin": _origins(session, "user", [user.id]).get(user.id),
        },
        "curriculum": {key: versions.get(key, "") for key in sorted(keys)},
        "attempts": [{
            "id": s.id, "exercise_key": s.exercise_key, "files": dict(s.files), "status": s.status,
            "result": s.result, "score": s.score, "max_score": s.max_score, "created_at": _when(s.created_at),
            "started_at": _when(s.started_at), "finished_at": _when(s.finished_at), "counts": s.counts,
            "failed_checks": list(s.failed_checks), "regrades": _history(session, s.id),
            "error_message": s.error_message, "origin": attempt_origins.get(s.id),
        } for s in finished],
        "overrides": [{
            "id": o.id, "attempt": o.submission_id, "score": o.score, "reason": o.reason,
            "by": o.by.display_name if o.by else "", "at": _when(o.at), "origin": override_origins.get(o.id),
        } for o in overrides],
        "drafts": [{"exercise_key": d.exercise_key, "files": dict(d.files), "updated_at": _when(d.updated_at)}
                   for d in drafts],
        "portfolio": None if portfolio is None else {
            "about": portfolio.about,
            "pieces": [{"exercise_key": p.exercise_key, "attempt": p.submission_id, "line": p.line,
                        "position": p.position} for p in pieces],
        },
    }
    counts = TransferCounts(len(finished), len(overrides), len(drafts), len(submissions) - len(finished))
    return payload, counts


def export_learner(session: Session, username: str, key: SiteKey, site_name: str, out: Path
                   ) -> tuple[Path, TransferCounts]:
    """Write the signed transfer file of the learner `username` to `out` (a file, or a folder to put
    `transfer-<username>-<date>.json` in).

    Raises:
        TransferRefused: no such learner, or the file already exists.
    """
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise TransferRefused(f"there is no account called {username!r} on this site")
    if user.role != "learner":
        raise TransferRefused(f"{user.username} is an {user.role}: only learners' accounts are transferred")
    payload, counts = transfer_payload(session, user, site_name, key.fingerprint)
    if out.is_dir():
        out = out / f"transfer-{user.username}-{utcnow():%Y%m%d-%H%M%S}.json"
    if out.exists():
        raise TransferRefused(f"{out} already exists: a transfer file is never overwritten")
    draft = out.with_name(f".{out.name}.part")
    draft.write_bytes(sign_document(key, "transfer", payload))
    draft.replace(out)
    return out, counts
