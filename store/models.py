"""The site's tables (SQLAlchemy 2.0 typed models), shared by the site, the worker and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, String, Table, Text, TypeDecorator
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
    regrade_of: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), default=None
    )
    # The newer attempt that replaced this one while it waited (status "superseded"); a plain id, like
    # an audit entry's target: the row it names may be deleted.
    superseded_by: Mapped[int | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()


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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


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


def audit(
    session: Any, actor_id: int | None, action: str, target: str, detail: dict[str, Any], ip: str = ""
) -> AuditLog:
    """Add an audit entry to `session` (the caller commits): logins, submissions, grade overrides,
    account changes."""
    entry = AuditLog(actor_id=actor_id, action=action, target=target[:200], detail=detail, ip=ip[:64])
    session.add(entry)
    return entry
