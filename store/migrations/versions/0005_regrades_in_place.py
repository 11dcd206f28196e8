"""re-grades in place, failed checks per attempt, drafts' first save

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01 09:00:00

Before this revision a re-grade was a new `submissions` row pointing at the learner's attempt with
`regrade_of`, listed among the learner's attempts. Now an attempt is graded again in place and its
earlier gradings live in `regrades`. Each old re-grade row R of attempt A becomes, in id order:
- graded (R done): a settled `regrades` row holding A's grading at that moment, and A takes R's result;
- could not be graded (R error): a `regrades` row settled as "error" with R's message; A is unchanged;
- still waiting or running: A is queued again as a pending re-grade (one per attempt), keeping its
  grading in a pending `regrades` row until the worker grades it.
Who asked comes from the audit log ("submission.regrade" names R; "exercise.regrade" the exercise, the
latest one before R); the reason was not recorded then and stays empty. Score overrides made on R (the
site never allowed them) would move to A. Then R is deleted and `regrade_of` dropped.

The downgrade keeps every attempt with its newest grading and drops the re-grade history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 200
Utc = store.models.UtcDateTime(timezone=True)

submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer), sa.column("user_id", sa.Integer), sa.column("exercise_key", sa.String),
    sa.column("status", sa.String), sa.column("result", sa.JSON), sa.column("score", sa.Float),
    sa.column("max_score", sa.Float), sa.column("created_at", Utc), sa.column("started_at", Utc),
    sa.column("finished_at", Utc), sa.column("attempts", sa.Integer), sa.column("worker", sa.String),
    sa.column("error_message", sa.Text), sa.column("counts", sa.Boolean), sa.column("regrade_of", sa.Integer),
    sa.column("failed_checks", sa.JSON), sa.column("regrade_requested_at", Utc),
)
regrades = sa.table(
    "regrades",
    sa.column("submission_id", sa.Integer), sa.column("by_user_id", sa.Integer),
    sa.column("reason", sa.String), sa.column("requested_at", Utc), sa.column("state", sa.String),
    sa.column("settled_at", Utc), sa.column("message", sa.Text), sa.column("previous_status", sa.String),
    sa.column("previous_result", sa.JSON),
    sa.column("previous_score", sa.Float), sa.column("previous_max_score", sa.Float),
    sa.column("previous_failed_checks", sa.JSON), sa.column("previous_counts", sa.Boolean),
    sa.column("previous_started_at", Utc), sa.column("previous_finished_at", Utc),
    sa.column("previous_error_message", sa.Text),
)
audit_log = sa.table(
    "audit_log", sa.column("id", sa.Integer), sa.column("at", Utc), sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String), sa.column("target", sa.String), sa.column("detail", sa.JSON),
)
grade_overrides = sa.table("grade_overrides", sa.column("submission_id", sa.Integer))
drafts = sa.table("drafts", sa.column("created_at", Utc), sa.column("updated_at", Utc))


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_checks", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("regrade_requested_at", Utc, nullable=True))
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", Utc, nullable=True))
    op.execute(drafts.update().values(created_at=drafts.c.updated_at))
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.alter_column("created_at", existing_type=Utc, nullable=False)

    op.create_table(
        "regrades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_at", Utc, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("settled_at", Utc, nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("previous_status", sa.String(length=16), nullable=False),
        sa.Column("previous_result", sa.JSON(), nullable=True),
        sa.Column("previous_score", sa.Double(), nullable=True),
        sa.Column("previous_max_score", sa.Double(), nullable=True),
        sa.Column("previous_failed_checks", sa.JSON(), nullable=False),
        sa.Column("previous_counts", sa.Boolean(), nullable=False),
        sa.Column("previous_started_at", Utc, nullable=True),
        sa.Column("previous_finished_at", Utc, nullable=True),
        sa.Column("previous_error_message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("regrades", schema=None) as batch_op:
        batch_op.create_index("ix_regrades_submission", ["submission_id", "id"], unique=False)

    connection = op.get_bind()
    _fill_failed_checks(connection)
    _fold_regrades(connection)
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("regrade_of")


MESSAGE_CAP = 240


def _failed(result: Any) -> list[dict[str, Any]]:
    """store.failed_checks as of this revision: id, title, status, a capped message, hidden."""
    checks = result.get("checks") if isinstance(result, dict) else None
    found = []
    for check in checks or []:
        if not isinstance(check, dict) or check.get("status") == "pass":
            continue
        message = str(check.get("message") or "").strip()
        if not message:
            lines = (line.strip() for line in str(check.get("output") or "").splitlines())
            message = next((line for line in lines if line), "")
        if len(message) > MESSAGE_CAP:
            message = message[: MESSAGE_CAP - 1] + "…"
        found.append({"id": str(check.get("id")), "title": str(check.get("title") or check.get("id")),
                      "status": str(check.get("status")), "message": message,
                      "hidden": bool(check.get("hidden"))})
    return found


def _fill_failed_checks(connection: sa.Connection) -> None:
    """Every graded attempt's failed checks, read from its result a batch at a time (results can be
    large: pictures)."""
    last = 0
    while True:
        rows = connection.execute(
            sa.select(submissions.c.id, submissions.c.result)
            .where(submissions.c.id > last, submissions.c.result.is_not(None))
            .order_by(submissions.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            failed = _failed(row.result)
            if failed:
                connection.execute(submissions.update().where(submissions.c.id == row.id)
                                   .values(failed_checks=failed))
        last = rows[-1].id


Requests = list[tuple[datetime, str, int | None]]  # (when, exercise key, who) of "exercise.regrade"


def _requesters(connection: sa.Connection) -> tuple[dict[int, int | None], Requests]:
    """Who asked for re-grades: by re-grade row id ("submission.regrade"), and by exercise and time
    ("exercise.regrade")."""
    by_copy: dict[int, int | None] = {}
    by_exercise: Requests = []
    rows = connection.execute(
        sa.select(audit_log.c.at, audit_log.c.actor_id, audit_log.c.action, audit_log.c.target,
                  audit_log.c.detail)
        .where(audit_log.c.action.in_(("submission.regrade", "exercise.regrade"))).order_by(audit_log.c.id)
    ).all()
    for row in rows:
        if row.action == "submission.regrade" and isinstance(row.detail, dict):
            copy = row.detail.get("new")
            if isinstance(copy, int):
                by_copy[copy] = row.actor_id
        elif row.action == "exercise.regrade":
            by_exercise.append((row.at, row.target, row.actor_id))
    return by_copy, by_exercise


def _requester(copy: Any, by_copy: dict[int, int | None], by_exercise: Requests) -> int | None:
    if copy.id in by_copy:
        return by_copy[copy.id]
    earlier = [actor for at, key, actor in by_exercise if key == copy.exercise_key and at <= copy.created_at]
    return earlier[-1] if earlier else None


def _previous(attempt: Any) -> dict[str, Any]:
    return {
        "previous_status": attempt.status, "previous_result": attempt.result,
        "previous_score": attempt.score, "previous_max_score": attempt.max_score,
        "previous_failed_checks": attempt.failed_checks or [], "previous_counts": attempt.counts,
        "previous_started_at": attempt.started_at, "previous_finished_at": attempt.finished_at,
        "previous_error_message": attempt.error_message,
    }


def _fold_regrades(connection: sa.Connection) -> None:
    by_copy, by_exercise = _requesters(connection)
    copies = connection.execute(
        sa.select(submissions).where(submissions.c.regrade_of.is_not(None)).order_by(submissions.c.id)
    ).all()
    # Finished re-grades first, in the order they were asked for; then those still waiting.
    ordered = [c for c in copies if c.status in ("done", "error")] + [
        c for c in copies if c.status not in ("done", "error")]
    for copy in ordered:
        attempt = connection.execute(
            sa.select(submissions).where(submissions.c.id == copy.regrade_of)).first()
        if attempt is not None:
            _fold(connection, copy, attempt, _requester(copy, by_copy, by_exercise))
        connection.execute(grade_overrides.update().where(grade_overrides.c.submission_id == copy.id)
                           .values(submission_id=copy.regrade_of))
        connection.execute(submissions.delete().where(submissions.c.id == copy.id))


def _fold(connection: sa.Connection, copy: Any, attempt: Any, requester: int | None) -> None:
    record = {"submission_id": attempt.id, "by_user_id": requester, "reason": "",
              "requested_at": copy.created_at, "message": "", **_previous(attempt)}
    this = submissions.update().where(submissions.c.id == attempt.id)
    if copy.status == "done":
        connection.execute(regrades.insert().values(**record, state="done", settled_at=copy.finished_at))
        connection.execute(this.values(
            status="done", result=copy.result, score=copy.score, max_score=copy.max_score,
            failed_checks=_failed(copy.result), counts=True, started_at=copy.started_at,
            finished_at=copy.finished_at, error_message=None))
    elif copy.status == "error":
        connection.execute(regrades.insert().values(
            **{**record, "message": copy.error_message or ""}, state="error",
            settled_at=copy.finished_at or copy.created_at))
    elif attempt.status in ("done", "error") and attempt.regrade_requested_at is None:
        connection.execute(regrades.insert().values(**record, state="pending", settled_at=None))
        connection.execute(this.values(status="queued", regrade_requested_at=copy.created_at, attempts=0,
                                       worker=None, error_message=None))


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("regrade_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_submissions_regrade_of", "submissions", ["regrade_of"], ["id"],
                                    ondelete="SET NULL")
    # An attempt waiting for its re-grade gets its earlier grading back: 0002 has no pending re-grade.
    connection = op.get_bind()
    pending = connection.execute(sa.select(regrades).where(regrades.c.state == "pending")).all()
    for row in pending:
        connection.execute(submissions.update().where(submissions.c.id == row.submission_id).values(
            status=row.previous_status, result=row.previous_result, score=row.previous_score,
            max_score=row.previous_max_score, counts=row.previous_counts, started_at=row.previous_started_at,
            finished_at=row.previous_finished_at, error_message=row.previous_error_message))
    with op.batch_alter_table("regrades", schema=None) as batch_op:
        batch_op.drop_index("ix_regrades_submission")
    op.drop_table("regrades")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("created_at")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("regrade_requested_at")
        batch_op.drop_column("failed_checks")
