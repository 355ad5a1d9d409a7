"""Codes issued on QR stickers before a bin carries them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_code",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), nullable=False),
        sa.Column("issued_by_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("issued_at", UTCDateTime()),
        sa.Column("used_at", UTCDateTime()),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id")),
    )
    op.create_index("ix_issued_code_code", "issued_code", ["code"], unique=True)
    op.create_index("ix_issued_code_village_id", "issued_code", ["village_id"])


def downgrade() -> None:
    op.drop_table("issued_code")
