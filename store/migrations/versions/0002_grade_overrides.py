"""grade overrides

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:51:32.656575
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grade_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("at", store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grade_overrides", schema=None) as batch_op:
        batch_op.create_index("ix_grade_overrides_submission", ["submission_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("grade_overrides", schema=None) as batch_op:
        batch_op.drop_index("ix_grade_overrides_submission")

    op.drop_table("grade_overrides")
