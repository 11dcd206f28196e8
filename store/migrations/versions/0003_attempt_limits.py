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
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_submissions_superseded_by", "submissions", ["superseded_by"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_attempts", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_column("daily_attempts")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submissions_superseded_by", type_="foreignkey")
        batch_op.drop_column("superseded_by")
