"""attempt limits: superseded attempts, a cohort's daily cap

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, never a batch copy of the table: on SQLite a copy drops the old table, and
    # its ON DELETE CASCADE would empty grade_overrides and cohort_members.
    op.add_column("submissions", sa.Column("superseded_by", sa.Integer(), nullable=True))
    op.add_column("cohorts", sa.Column("daily_attempts", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("cohorts", "daily_attempts")
    op.drop_column("submissions", "superseded_by")
