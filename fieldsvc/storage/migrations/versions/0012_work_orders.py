"""Work orders for the service unit and their append-only history.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

_OPEN_SQL = "status IN ('open', 'assigned', 'done', 'reopened')"


def upgrade() -> None:
    op.create_table(
        "work_order",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id"), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("inspection_id", sa.Integer, sa.ForeignKey("inspection.id")),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("clock_at", UTCDateTime(), nullable=False),
        sa.Column("assigned_to_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("assigned_at", UTCDateTime()),
        sa.Column("done_at", UTCDateTime()),
        sa.Column("found_usable_at", UTCDateTime()),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime()),
    )
    op.create_index("ix_work_order_bin_id", "work_order", ["bin_id"])
    op.create_index("ix_work_order_village_id", "work_order", ["village_id"])
    op.create_index("ix_work_order_assigned_to_id", "work_order", ["assigned_to_id"])
    op.create_index("ix_work_order_status_clock", "work_order", ["status", "clock_at"])
    # One open order per bin and kind, kept by the database as well as by the code.
    op.create_index(
        "ux_work_order_open_per_kind",
        "work_order",
        ["bin_id", "kind"],
        unique=True,
        sqlite_where=sa.text(_OPEN_SQL),
        postgresql_where=sa.text(_OPEN_SQL),
    )
    op.create_table(
        "work_order_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("order_id", sa.Integer, sa.ForeignKey("work_order.id"), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("inspection_id", sa.Integer, sa.ForeignKey("inspection.id")),
        sa.Column("assigned_to_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("mark_id", sa.String(64), unique=True),
        sa.Column("note", sa.Text),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime()),
    )
    op.create_index("ix_work_order_event_order_id", "work_order_event", ["order_id"])


def downgrade() -> None:
    op.drop_table("work_order_event")
    op.drop_table("work_order")
