"""Inspection-round policy overrides per village and stream.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_policy",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("stream", sa.String(16)),
        sa.Column("usable_days", sa.Integer),
        sa.Column("attention_days", sa.Integer),
        sa.Column("missing_days", sa.Integer),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("updated_by", sa.String(120)),
    )
    op.create_index("ix_inspection_policy_village_id", "inspection_policy", ["village_id"])


def downgrade() -> None:
    op.drop_table("inspection_policy")
