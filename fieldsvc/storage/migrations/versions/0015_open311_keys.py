"""Open311 partner API keys (stored as SHA-256 only).

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0015"
down_revision = "0012"  # re-chained after the work-orders merge (0010 → 0012 → 0015)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open311_key",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("revoked_at", UTCDateTime()),
    )
    op.create_index("ix_open311_key_name", "open311_key", ["name"], unique=True)
    op.create_index("ix_open311_key_key_hash", "open311_key", ["key_hash"], unique=True)


def downgrade() -> None:
    op.drop_table("open311_key")
