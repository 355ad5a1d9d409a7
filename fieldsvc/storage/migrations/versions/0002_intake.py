"""Survey intake: the history of staff review decisions on submissions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submission_review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submission.id"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("reviewed_at", UTCDateTime()),
    )
    op.create_index("ix_submission_review_submission_id", "submission_review", ["submission_id"])


def downgrade() -> None:
    op.drop_table("submission_review")
