"""The items of a published allocation plan followed to the ground: stage, price paid, the
bins confirmed as installed, and an append-only history.

Items of plans already published (or published and since superseded) are made here from the
plan's recommendations as it was published, at stage ``approved`` and dated when the plan was
published, with an ``approved`` event by nobody (the system) noting the backfill.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import json
import math
from typing import Any

import sqlalchemy as sa
from alembic import op

from fieldsvc.models.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BACKFILL_NOTE = "backfill: item of a plan published before items were followed"


def upgrade() -> None:
    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("allocation_plan.id"), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("rank", sa.Integer),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("village_id", sa.Integer, sa.ForeignKey("village.id")),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("capacity_l", sa.Integer, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("replaces_bin_id", sa.Integer, sa.ForeignKey("bin.id")),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("planned_baht", sa.Float, nullable=False),
        sa.Column("paid_baht", sa.Float),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("approved_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime()),
        sa.UniqueConstraint("plan_id", "line", name="uq_plan_item_plan_line"),
    )
    op.create_index("ix_plan_item_plan_id", "plan_item", ["plan_id"])
    op.create_table(
        "plan_item_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("plan_item.id"), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id")),
        sa.Column("paid_baht", sa.Float),
        sa.Column("note", sa.Text),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("at", UTCDateTime()),
    )
    op.create_index("ix_plan_item_event_item_id", "plan_item_event", ["item_id"])
    op.create_table(
        "plan_item_bin",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("plan_item.id"), nullable=False),
        sa.Column("bin_id", sa.Integer, sa.ForeignKey("bin.id"), nullable=False),
        sa.Column("distance_m", sa.Float),
        sa.Column("confirmed_by_id", sa.Integer, sa.ForeignKey("appuser.id")),
        sa.Column("confirmed_at", UTCDateTime()),
    )
    op.create_index("ix_plan_item_bin_item_id", "plan_item_bin", ["item_id"])
    op.create_index("ix_plan_item_bin_bin_id", "plan_item_bin", ["bin_id"], unique=True)
    _backfill_published_plans()


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _backfill_published_plans() -> None:
    bind = op.get_bind()
    plans = sa.table(
        "allocation_plan",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("published_at", UTCDateTime()),
        sa.column("recommendations", sa.JSON),
    )
    items = sa.table(
        "plan_item",
        *(sa.column(name) for name in ("id", "plan_id", "line", "rank", "reason", "village_id")),
        *(sa.column(name) for name in ("stream", "capacity_l", "count", "replaces_bin_id")),
        *(sa.column(name) for name in ("lon", "lat", "planned_baht", "paid_baht", "stage")),
        sa.column("approved_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()),
    )
    events = sa.table(
        "plan_item_event",
        sa.column("item_id"),
        sa.column("action"),
        sa.column("note"),
        sa.column("at", UTCDateTime()),
    )
    published = bind.execute(
        sa.select(plans.c.id, plans.c.published_at, plans.c.recommendations)
        .where(plans.c.status.in_(["published", "superseded"]))
        .where(plans.c.published_at.is_not(None))
        .order_by(plans.c.id)
    ).all()
    for plan_id, published_at, recommendations in published:
        rows = json.loads(recommendations) if isinstance(recommendations, str) else recommendations
        for line, row in enumerate(rows or []):
            count = int(row.get("count") or 0)
            if count < 1:
                continue
            lon, lat = _number(row.get("lon")), _number(row.get("lat"))
            rank = _number(row.get("rank"))
            replaces = _number(row.get("bin_id"))
            village = _number(row.get("village_id"))
            item_id = bind.execute(
                items.insert()
                .values(
                    plan_id=plan_id,
                    line=line,
                    rank=None if rank is None else int(rank),
                    reason=str(row.get("reason") or ""),
                    village_id=None if village is None else int(village),
                    stream=str(row.get("stream")),
                    capacity_l=int(round(float(row.get("capacity_l") or 0))),
                    count=count,
                    replaces_bin_id=None if replaces is None else int(replaces),
                    lon=None if lat is None else lon,
                    lat=None if lon is None else lat,
                    planned_baht=_number(row.get("cost_baht")) or 0.0,
                    paid_baht=None,
                    stage="approved",
                    approved_at=published_at,
                    updated_at=published_at,
                )
                .returning(items.c.id)
            ).scalar_one()
            bind.execute(
                events.insert().values(
                    item_id=item_id, action="approved", note=BACKFILL_NOTE, at=published_at
                )
            )


def downgrade() -> None:
    op.drop_table("plan_item_bin")
    op.drop_table("plan_item_event")
    op.drop_table("plan_item")
