"""Bins as ODK entities: a stable UUID and a version per bin (backfilled), and what each
Collect submission said about the entity it creates or updates.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bin") as batch:
        batch.add_column(sa.Column("entity_id", sa.String(36), nullable=True))
        batch.add_column(
            sa.Column("entity_version", sa.Integer, nullable=False, server_default="1")
        )
    bind = op.get_bind()
    bins = sa.table("bin", sa.column("id", sa.Integer), sa.column("entity_id", sa.String))
    ids = [row[0] for row in bind.execute(sa.select(bins.c.id))]
    for bin_id in ids:  # one UUID per existing bin, made here (no database function needed)
        bind.execute(bins.update().where(bins.c.id == bin_id).values(entity_id=str(uuid.uuid4())))
    with op.batch_alter_table("bin") as batch:
        batch.alter_column("entity_id", existing_type=sa.String(36), nullable=False)
        batch.alter_column("entity_version", server_default=None)
    op.create_index("ix_bin_entity_id", "bin", ["entity_id"], unique=True)
    op.create_table(
        "entity_update",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submission.id"), nullable=False),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id")),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("base_version", sa.Integer),
        sa.Column("trunk_version", sa.Integer),
        sa.Column("branch_id", sa.String(64)),
        sa.Column("made_version", sa.Integer),
    )
    op.create_index(
        "ix_entity_update_submission_id", "entity_update", ["submission_id"], unique=True
    )
    op.create_index("ix_entity_update_bin_id", "entity_update", ["bin_id"])


def downgrade() -> None:
    op.drop_table("entity_update")
    op.drop_index("ix_bin_entity_id", table_name="bin")
    with op.batch_alter_table("bin") as batch:
        batch.drop_column("entity_version")
        batch.drop_column("entity_id")
