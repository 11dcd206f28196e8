"""The site's tables (SQLAlchemy 2.0 typed models), shared by the site, the worker and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

Role = Literal["admin", "instructor", "learner"]
ROLES: tuple[Role, ...] = ("admin", "instructor", "learner")
SubmissionStatus = Literal["queued", "running", "done", "error", "superseded"]
"""`superseded`: replaced by the learner's newer attempt while it waited; never graded, never counted."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every engine (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use store.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON}


cohort_members = Table(
    "cohort_members",
    Base.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="learner")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped by logout and password resets: a session made with an older version is refused.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    cohorts: Mapped[list[Cohort]] = relationship(
        secondary=cohort_members, back_populates="members", order_by="Cohort.name"
    )


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Attempts a learner of this cohort may send in 24 hours (None: the site's GRADER_DAILY_ATTEMPTS).
    daily_attempts: Mapped[int | None] = mapped_column(default=None)

    members: Mapped[list[User]] = relationship(
        secondary=cohort_members, back_populates="cohorts", order_by="User.username"
    )


class ExerciseRow(Base):
    """An exercise of the catalogue as last synced from the exercises folder."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # "track/slug"
    track: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(default=0)
    valid: Mapped[bool] = mapped_column(default=True)
    problems: Mapped[str] = mapped_column(Text, default="")
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_user_exercise", "user_id", "exercise_key", "created_at"),
        Index("ix_submissions_status_created", "status", "created_at"),
        Index("ix_submissions_exercise", "exercise_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_key: Mapped[str] = mapped_column(String(200))
    files: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {path: text}
    status: Mapped[str] = mapped_column(String(16), default="queued")
    result: Mapped[dict[str, Any] | None] = mapped_column(default=None)  # result format 1
    score: Mapped[float | None] = mapped_column(default=None)
    max_score: Mapped[float | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)  # infrastructure retries, not learner attempts
    worker: Mapped[str | None] = mapped_column(String(200), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    # False once grading ends in "error": that never counts as one of the learner's attempts.
    counts: Mapped[bool] = mapped_column(default=True)
    # The checks this grading did not pass, in short (store.failed_checks): the classroom view counts
    # and quotes failures without loading results (a result can hold pictures).
    failed_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Set while an instructor's re-grade of this attempt waits or runs: the row keeps the grading it
    # replaces until the new one lands (store.regrades), and the scheduler serves learners' own first.
    regrade_requested_at: Mapped[datetime | None] = mapped_column(default=None)
    # The newer attempt that replaced this one while it waited (status "superseded"); a plain id, like
    # an audit entry's target: the row it names may be deleted.
    superseded_by: Mapped[int | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()


class Regrade(Base):
    """An instructor's re-grade of one learner attempt: who asked, why, and the grading it replaced.

    A re-grade grades the attempt's row again in place (it never becomes a new attempt); these rows are
    the attempt's grading history, oldest first (store.regrades)."""

    __tablename__ = "regrades"
    __table_args__ = (Index("ix_regrades_submission", "submission_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | error
    settled_at: Mapped[datetime | None] = mapped_column(default=None)
    message: Mapped[str] = mapped_column(Text, default="")  # why it could not be graded, when it could not
    # The grading it replaced, as the attempt's row held it.
    previous_status: Mapped[str] = mapped_column(String(16))
    previous_result: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    previous_score: Mapped[float | None] = mapped_column(default=None)
    previous_max_score: Mapped[float | None] = mapped_column(default=None)
    previous_failed_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    previous_counts: Mapped[bool] = mapped_column(default=True)
    previous_started_at: Mapped[datetime | None] = mapped_column(default=None)
    previous_finished_at: Mapped[datetime | None] = mapped_column(default=None)
    previous_error_message: Mapped[str | None] = mapped_column(Text, default=None)

    by: Mapped[User | None] = relationship()


class GradeOverride(Base):
    """An instructor's score for one learner attempt, with the reason the learner reads. Rows are only
    ever added: the newest row of an attempt is its override, and a row without a score removes it."""

    __tablename__ = "grade_overrides"
    __table_args__ = (Index("ix_grade_overrides_submission", "submission_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    score: Mapped[float | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship()


class Draft(Base):
    """A learner's unsubmitted editor content for one exercise (autosave and live preview)."""

    __tablename__ = "drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    exercise_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    files: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # first saved: when work on it began
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Run(Base):
    """A learner's program run without grading (the Run button, "Try a request"): asked by the site,
    run by a worker's run lane, read back by the page. `request` holds what to run with (stdin, or
    the HTTP request), `output` what came of it (see grader.tryout)."""

    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_status_id", "status", "id"),
        Index("ix_runs_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # "program" | "request"
    files: Mapped[dict[str, Any]] = mapped_column(default=dict)
    request: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | error
    output: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    worker: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class Change(Base):
    """One line of the change feed: "`topic` changed" (e.g. `submission:12`, `run:4`), written in the
    same transaction as the change itself, read by the site's event streams (web/events.py). Only
    the newest rows are kept (store.changes.publish prunes)."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[User | None] = relationship()


class LoginAttempt(Base):
    """A failed login, kept for throttling: keyed by (username, client IP) and by client IP."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_ip_at", "ip", "at"),
        Index("ix_login_attempts_user_ip", "username", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkerHeartbeat(Base):
    """A grading worker's last sign of life, written by the worker every few seconds and read by the
    health page: the site itself never talks to the container engine."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # e.g. "host:pid"
    host: Mapped[str] = mapped_column(String(200), default="")
    slots: Mapped[int] = mapped_column(default=1)
    busy: Mapped[int] = mapped_column(default=0)
    engine_ok: Mapped[bool] = mapped_column(default=False)  # its Docker engine answered
    image_current: Mapped[bool] = mapped_column(default=False)  # the runner image is built and current
    detail: Mapped[str] = mapped_column(Text, default="")  # what is wrong, in words, when something is
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)



# ---- Leaving with proof: portfolios, their reviewed exports, and learners moved from another site ----

ExportState = Literal["requested", "approved", "returned", "withdrawn"]


class Portfolio(Base):
    """What a learner says about themselves on their portfolio; its pieces are `PortfolioPiece` rows.
    No contact or personal details: the instructor guide says why."""

    __tablename__ = "portfolios"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    about: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PortfolioPiece(Base):
    """One exercise a learner shows, through one of their attempts, with a line about it."""

    __tablename__ = "portfolio_pieces"
    __table_args__ = (UniqueConstraint("user_id", "exercise_key", name="uq_portfolio_pieces_user_exercise"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_key: Mapped[str] = mapped_column(String(200))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    line: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)


class PortfolioExport(Base):
    """A learner's request to take their portfolio out, frozen when asked: the website's files (a zip)
    and the record of completion, exactly as the reviewer sees them. Approval adds the signed record
    and the PDF; a reviewer who sends it back gives the reason."""

    __tablename__ = "portfolio_exports"
    __table_args__ = (
        Index("ix_portfolio_exports_state", "state", "requested_at"),
        Index("ix_portfolio_exports_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="requested")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    site_zip: Mapped[bytes] = mapped_column(deferred=True)
    site_sha256: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the payload to sign on approval
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    signed_record: Mapped[bytes | None] = mapped_column(default=None, deferred=True)
    pdf: Mapped[bytes | None] = mapped_column(default=None, deferred=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])


class TransferImport(Base):
    """A transfer file read into this site (`grader transfer import`); the same file is read once."""

    __tablename__ = "transfer_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(64))  # the fingerprint of the site that signed it
    source_site: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TransferredRow(Base):
    """A row that came from another site: what it was called there, so importing again adds nothing
    twice, and pages can say that an attempt was graded elsewhere."""

    __tablename__ = "transferred_rows"
    __table_args__ = (
        UniqueConstraint("source", "kind", "source_id", name="uq_transferred_rows_source"),
        Index("ix_transferred_rows_local", "kind", "local_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("transfer_imports.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # "user", "submission" or "override"
    source_id: Mapped[int] = mapped_column()
    local_id: Mapped[int] = mapped_column()

    transfer: Mapped[TransferImport] = relationship()


class PasswordChangeRequired(Base):
    """An account whose next login must set a new password (one made by a transfer import)."""

    __tablename__ = "password_changes_required"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    since: Mapped[datetime] = mapped_column(default=utcnow)


def audit(
    session: Any, actor_id: int | None, action: str, target: str, detail: dict[str, Any], ip: str = ""
) -> AuditLog:
    """Add an audit entry to `session` (the caller commits): logins, submissions, grade overrides,
    account changes."""
    entry = AuditLog(actor_id=actor_id, action=action, target=target[:200], detail=detail, ip=ip[:64])
    session.add(entry)
    return entry
