"""Saved allocation plans.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allocation_plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("fiscal_year_be", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("budget_baht", sa.Float),
        sa.Column("spent_baht", sa.Float, nullable=False),
        sa.Column("parameters", sa.JSON),
        sa.Column("summary", sa.JSON),
        sa.Column("villages", sa.JSON),
        sa.Column("recommendations", sa.JSON),
        sa.Column("deferred", sa.JSON),
    )


def downgrade() -> None:
    op.drop_table("allocation_plan")
