"""The national picture: runs over every subdistrict and each subdistrict's result.

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "national_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("parameters", sa.JSON),
        sa.Column("cluster", sa.String(200)),
        sa.Column("subdistricts", sa.Integer, nullable=False),
        sa.Column("finished", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("started_at", UTCDateTime()),
        sa.Column("ended_at", UTCDateTime()),
    )
    op.create_table(
        "national_result",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("national_run.id"), nullable=False),
        sa.Column("subdistrict_id", sa.Integer, sa.ForeignKey("subdistrict.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("summary", sa.JSON),
        sa.Column("villages", sa.JSON),
        sa.Column("recommendations", sa.JSON),
        sa.Column("seconds", sa.Float),
        sa.Column("worker", sa.String(200)),
        sa.Column("computed_at", UTCDateTime()),
        sa.UniqueConstraint("run_id", "subdistrict_id", name="uq_national_result_subdistrict"),
    )
    op.create_index("ix_national_result_run_id", "national_result", ["run_id"])
    op.create_index("ix_national_result_subdistrict_id", "national_result", ["subdistrict_id"])


def downgrade() -> None:
    op.drop_table("national_result")
    op.drop_table("national_run")
