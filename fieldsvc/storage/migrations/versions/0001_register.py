"""The bin register: places, bins, inspections, submissions, households, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import GeometryType, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subdistrict",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200)),
        sa.Column("district", sa.String(200)),
        sa.Column("province", sa.String(200)),
        sa.Column("boundary", GeometryType("MULTIPOLYGON")),
    )
    op.create_table(
        "village",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subdistrict_id", sa.Integer, sa.ForeignKey("subdistrict.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(12)),
        sa.Column("households", sa.Integer),
        sa.Column("population", sa.Integer),
        sa.Column("collection_interval_days", sa.Float),
        sa.Column("waste_kg_per_person_day", sa.Float),
        sa.Column("boundary", GeometryType("MULTIPOLYGON")),
        sa.UniqueConstraint("subdistrict_id", "number", name="uq_village_number"),
    )
    op.create_index("ix_village_subdistrict_id", "village", ["subdistrict_id"])
    op.create_table(
        "appuser",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64)),
        sa.Column("token_created_at", UTCDateTime()),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime()),
    )
    op.create_index("ix_appuser_token_hash", "appuser", ["token_hash"], unique=True)
    op.create_table(
        "uservillage",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("appuser.id"), primary_key=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id"), primary_key=True),
    )
    op.create_table(
        "bin",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("capacity_l", sa.Integer, nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("condition", sa.String(16), nullable=False),
        sa.Column("households_served", sa.Integer),
        sa.Column("installed_on", sa.Date),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("last_inspected_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime()),
    )
    op.create_index("ix_bin_code", "bin", ["code"], unique=True)
    op.create_index("ix_bin_village_id", "bin", ["village_id"])
    op.create_index("ix_bin_lat_lon", "bin", ["lat", "lon"])
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.String(120), nullable=False),
        sa.Column("root_id", sa.String(120), nullable=False),
        sa.Column("deprecated_id", sa.String(120)),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("form_id", sa.String(80), nullable=False),
        sa.Column("form_version", sa.String(80)),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("received_at", UTCDateTime()),
        sa.Column("observed_at", UTCDateTime()),
        sa.Column("submitter_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("device_id", sa.String(120)),
        sa.Column("gps_accuracy_m", sa.Float),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id")),
        sa.Column("raw_payload", sa.Text, nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(80), nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("applied", sa.Boolean, nullable=False),
        sa.Column("review_state", sa.String(16), nullable=False),
        sa.Column("flags", sa.JSON),
        sa.Column("parsed", sa.JSON),
    )
    op.create_index("ix_submission_instance_id", "submission", ["instance_id"], unique=True)
    op.create_index("ix_submission_root_id", "submission", ["root_id"])
    for column in ("submitter_id", "village_id", "bin_id"):
        op.create_index(f"ix_submission_{column}", "submission", [column])
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submission.id"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("media_type", sa.String(80)),
        sa.Column("size_bytes", sa.Integer),
        sa.Column("received_at", UTCDateTime()),
        sa.UniqueConstraint("submission_id", "name", name="uq_attachment_name"),
    )
    op.create_index("ix_attachment_submission_id", "attachment", ["submission_id"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id"), nullable=False),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submission.id")),
        sa.Column("source", sa.String(24), nullable=False),
        sa.Column("observed_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime()),
        sa.Column("condition", sa.String(16), nullable=False),
        sa.Column("capacity_l", sa.Integer),
        sa.Column("stream", sa.String(16)),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("accuracy_m", sa.Float),
        sa.Column("households_served", sa.Integer),
        sa.Column("note", sa.String(2000)),
    )
    op.create_index("ix_inspection_bin_id", "inspection", ["bin_id"])
    op.create_index("ix_inspection_submission_id", "inspection", ["submission_id"])
    op.create_table(
        "household",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(80), nullable=False, unique=True),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("persons", sa.Float),
        sa.Column("house_no", sa.String(40)),
    )
    op.create_index("ix_household_village_id", "household", ["village_id"])

    if op.get_bind().dialect.name == "postgresql":
        # Real geometry for spatial SQL: a point column generated from lon/lat (one source of
        # truth), and GiST indexes on every geometry.
        for table in ("bin", "household"):
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, 4326) "
                "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")
        for table in ("subdistrict", "village"):
            op.execute(f"CREATE INDEX ix_{table}_boundary ON {table} USING gist (boundary)")


def downgrade() -> None:
    for table in (
        "household",
        "inspection",
        "attachment",
        "submission",
        "bin",
        "uservillage",
        "appuser",
        "village",
        "subdistrict",
    ):
        op.drop_table(table)
