"""exercise versions: drafts and published versions, attempts pinned to the version they were sent on

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 10:00:00

Before this revision every exercise the site had read was visible to learners. Each exercise that
loaded then is published as its version 1 (its current sha256, published when it was last read), so
learners keep everything they had; the files of that version are kept in the instance folder the next
time the site reads the exercises folder (store.catalog_sync). Attempts made before keep an empty
`exercise_sha256`: they are graded again on the exercises folder as it is, as before.

The downgrade drops the versions, the pins and the preview flag (instructors' preview attempts become
ordinary attempts of theirs).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Utc = store.models.UtcDateTime(timezone=True)
exercises = sa.table(
    "exercises", sa.column("key", sa.String), sa.column("title", sa.String), sa.column("sha256", sa.String),
    sa.column("valid", sa.Boolean), sa.column("synced_at", Utc), sa.column("published_sha256", sa.String),
    sa.column("published_version", sa.Integer), sa.column("published_at", Utc),
)
versions = sa.table(
    "exercise_versions", sa.column("key", sa.String), sa.column("number", sa.Integer),
    sa.column("sha256", sa.String), sa.column("title", sa.String), sa.column("note", sa.String),
    sa.column("published_at", Utc), sa.column("published_by_id", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_sha256", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("published_version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("published_at", Utc, nullable=True))
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exercise_sha256", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("preview", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("regrades", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_exercise_sha256", sa.String(length=64), nullable=True))
    op.create_table(
        "exercise_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("published_at", Utc, nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["published_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "number", name="uq_exercise_versions_key_number"),
    )
    with op.batch_alter_table("exercise_versions", schema=None) as batch_op:
        batch_op.create_index("ix_exercise_versions_key_sha", ["key", "sha256"], unique=False)

    connection = op.get_bind()
    live = connection.execute(sa.select(exercises.c.key, exercises.c.title, exercises.c.sha256,
                                        exercises.c.synced_at).where(exercises.c.valid.is_(True))).all()
    for key, title, sha256, synced_at in live:
        connection.execute(exercises.update().where(exercises.c.key == key).values(
            published_sha256=sha256, published_version=1, published_at=synced_at))
        connection.execute(versions.insert().values(
            key=key, number=1, sha256=sha256, title=title or "", published_at=synced_at, published_by_id=None,
            note="Published when the site began to keep versions."))


def downgrade() -> None:
    with op.batch_alter_table("exercise_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_versions_key_sha")
    op.drop_table("exercise_versions")
    with op.batch_alter_table("regrades", schema=None) as batch_op:
        batch_op.drop_column("previous_exercise_sha256")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("preview")
        batch_op.drop_column("exercise_sha256")
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.drop_column("published_at")
        batch_op.drop_column("published_version")
        batch_op.drop_column("published_sha256")
