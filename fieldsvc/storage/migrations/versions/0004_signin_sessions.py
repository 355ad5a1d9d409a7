"""Server-side sign-in sessions and optional token expiry.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appuser") as batch:
        batch.add_column(sa.Column("token_expires_at", UTCDateTime()))
    op.create_table(
        "signin_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("appuser.id"), nullable=False),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("last_seen_at", UTCDateTime()),
        sa.Column("revoked_at", UTCDateTime()),
    )
    op.create_index(
        "ix_signin_session_session_hash", "signin_session", ["session_hash"], unique=True
    )
    op.create_index("ix_signin_session_user_id", "signin_session", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_signin_session_user_id", table_name="signin_session")
    op.drop_index("ix_signin_session_session_hash", table_name="signin_session")
    op.drop_table("signin_session")
    with op.batch_alter_table("appuser") as batch:
        batch.drop_column("token_expires_at")
