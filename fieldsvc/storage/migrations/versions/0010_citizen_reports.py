"""Reports from residents and their append-only history.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_report",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket", sa.String(32), nullable=False),
        sa.Column("access_key", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("accuracy_m", sa.Float),
        sa.Column("located_by", sa.String(8), nullable=False),
        sa.Column("address", sa.String(500)),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id")),
        sa.Column("duplicate_of_id", sa.Integer, sa.ForeignKey("citizen_report.id")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("public_reply", sa.Text),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("partner", sa.String(80)),
        sa.Column("photo_sha256", sa.String(64)),
        sa.Column("photo_media_type", sa.String(80)),
        sa.Column("contact_name", sa.String(200)),
        sa.Column("contact_phone", sa.String(40)),
        sa.Column("contact_email", sa.String(200)),
        sa.Column("contact_erased_at", UTCDateTime()),
        sa.Column("client_hash", sa.String(64)),
        sa.Column("device_hash", sa.String(64)),
        sa.Column("draft_id", sa.String(64)),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("closed_at", UTCDateTime()),
    )
    op.create_index("ix_citizen_report_ticket", "citizen_report", ["ticket"], unique=True)
    op.create_index("ix_citizen_report_draft_id", "citizen_report", ["draft_id"], unique=True)
    op.create_index("ix_citizen_report_village_id", "citizen_report", ["village_id"])
    op.create_index("ix_citizen_report_bin_id", "citizen_report", ["bin_id"])
    op.create_index("ix_citizen_report_client_hash", "citizen_report", ["client_hash"])
    op.create_index("ix_citizen_report_device_hash", "citizen_report", ["device_hash"])
    op.create_index("ix_citizen_report_lat_lon", "citizen_report", ["lat", "lon"])
    op.create_table(
        "citizen_report_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("citizen_report.id"), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("at", UTCDateTime()),
    )
    op.create_index("ix_citizen_report_event_report_id", "citizen_report_event", ["report_id"])


def downgrade() -> None:
    op.drop_table("citizen_report_event")
    op.drop_table("citizen_report")
