"""Tickets imported from Traffy Fondue's public export (their own read-only layer).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "traffy_ticket",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("types", sa.String(300)),
        sa.Column("organization", sa.Text),
        sa.Column("comment", sa.Text),
        sa.Column("photo_url", sa.String(1000)),
        sa.Column("photo_after_url", sa.String(1000)),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("address", sa.String(500)),
        sa.Column("subdistrict", sa.String(200)),
        sa.Column("district", sa.String(200)),
        sa.Column("province", sa.String(200)),
        sa.Column("reported_at", UTCDateTime()),
        sa.Column("state", sa.String(40)),
        sa.Column("star", sa.Float),
        sa.Column("count_reopen", sa.Integer),
        sa.Column("last_activity", UTCDateTime()),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("imported_at", UTCDateTime()),
        sa.Column("last_seen_at", UTCDateTime()),
        sa.Column("last_seen_file", sa.String(200)),
    )
    op.create_index("ix_traffy_ticket_ticket_id", "traffy_ticket", ["ticket_id"], unique=True)
    op.create_index("ix_traffy_ticket_village_id", "traffy_ticket", ["village_id"])
    op.create_index("ix_traffy_ticket_lat_lon", "traffy_ticket", ["lat", "lon"])


def downgrade() -> None:
    op.drop_table("traffy_ticket")
