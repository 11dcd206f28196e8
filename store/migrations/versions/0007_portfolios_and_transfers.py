"""portfolios, their reviewed exports, and learners transferred from another site

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 13:43:32.365940
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolios",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("updated_at", store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "portfolio_pieces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exercise_key", sa.String(length=200), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "exercise_key", name="uq_portfolio_pieces_user_exercise"),
    )
    op.create_table(
        "portfolio_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_at", store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("site_zip", sa.LargeBinary(), nullable=False),
        sa.Column("site_sha256", sa.String(length=64), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", store.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("signed_record", sa.LargeBinary(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("portfolio_exports", schema=None) as batch_op:
        batch_op.create_index("ix_portfolio_exports_state", ["state", "requested_at"], unique=False)
        batch_op.create_index("ix_portfolio_exports_user", ["user_id", "id"], unique=False)
    op.create_table(
        "transfer_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_site", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("made_at", store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("imported_at", store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("file_sha256"),
    )
    op.create_table(
        "transferred_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["transfer_imports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "kind", "source_id", name="uq_transferred_rows_source"),
    )
    with op.batch_alter_table("transferred_rows", schema=None) as batch_op:
        batch_op.create_index("ix_transferred_rows_local", ["kind", "local_id"], unique=False)
    op.create_table(
        "password_changes_required",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("since", store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("password_changes_required")
    with op.batch_alter_table("transferred_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_transferred_rows_local")
    op.drop_table("transferred_rows")
    op.drop_table("transfer_imports")
    with op.batch_alter_table("portfolio_exports", schema=None) as batch_op:
        batch_op.drop_index("ix_portfolio_exports_user")
        batch_op.drop_index("ix_portfolio_exports_state")
    op.drop_table("portfolio_exports")
    op.drop_table("portfolio_pieces")
    op.drop_table("portfolios")
