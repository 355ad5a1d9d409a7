"""Earlier photos of an attachment, kept when a photo is replaced.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("attachment_id", sa.Integer, sa.ForeignKey("attachment.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(80)),
        sa.Column("size_bytes", sa.Integer),
        sa.Column("received_at", UTCDateTime()),
        sa.Column("replaced_at", UTCDateTime()),
        sa.Column("replaced_by_id", sa.Integer, sa.ForeignKey("appuser.id")),
    )
    op.create_index("ix_attachment_version_attachment_id", "attachment_version", ["attachment_id"])
    op.create_index("ix_attachment_version_sha256", "attachment_version", ["sha256"])


def downgrade() -> None:
    op.drop_table("attachment_version")
