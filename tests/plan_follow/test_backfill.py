"""Migration 0013 makes the items of plans published before it: one per funded row, at stage
``approved``, dated when the plan was published, with an ``approved`` event by the system.
A draft plan gets none. Run on a database of its own (the schema is taken down to 0010)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from fieldsvc.models import PlanItem
from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.migrate import upgrade_database

PUBLISHED_AT = datetime(2026, 10, 15, 3, 0, tzinfo=UTC)
ROWS = [
    {
        "rank": 1,
        "reason": "replacement",
        "village_id": None,
        "stream": "general",
        "capacity_l": 200.0,
        "count": 1,
        "bin_id": None,
        "lon": 103.3,
        "lat": 16.3,
        "cost_baht": 1200.0,
    },
    {
        "rank": 2,
        "reason": "capacity",
        "village_id": None,
        "stream": "organic",
        "capacity_l": 240.0,
        "count": 3,
        "bin_id": None,
        "lon": None,
        "lat": None,
        "cost_baht": 7500.0,
    },
]


def test_items_of_already_published_plans_are_backfilled(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade_database(engine, "0010")
    insert = text(
        "INSERT INTO allocation_plan (id, version, title, fiscal_year_be, status, published_at, "
        "budget_baht, spent_baht, parameters, summary, villages, recommendations, deferred) "
        "VALUES (:id, :id, 'แผน', 2570, :status, :published_at, 10000, 8700, '{}', '[]', '[]', "
        ":rows, '[]')"
    )
    with engine.begin() as connection:
        for plan_id, status, published in (
            (1, "superseded", PUBLISHED_AT),
            (2, "published", PUBLISHED_AT),
            (3, "draft", None),
        ):
            connection.execute(
                insert,
                {
                    "id": plan_id,
                    "status": status,
                    "published_at": published.strftime("%Y-%m-%d %H:%M:%S.%f")
                    if published
                    else None,
                    "rows": json.dumps(ROWS),
                },
            )
    upgrade_database(engine, "0013")
    with engine.connect() as connection:
        items = connection.execute(
            text(
                "SELECT plan_id, line, reason, stream, capacity_l, count, lon, lat, planned_baht, "
                "paid_baht, stage FROM plan_item ORDER BY plan_id, line"
            )
        ).all()
        events = connection.execute(
            text("SELECT action, actor_id, note FROM plan_item_event ORDER BY id")
        ).all()
    expected_rows = [
        (0, "replacement", "general", 200, 1, 103.3, 16.3, 1200.0, None, "approved"),
        (1, "capacity", "organic", 240, 3, None, None, 7500.0, None, "approved"),
    ]
    assert [tuple(r) for r in items] == [(1, *r) for r in expected_rows] + [
        (2, *r) for r in expected_rows
    ]
    assert len(events) == 4
    assert {(e.action, e.actor_id) for e in events} == {("approved", None)}
    assert all("backfill" in (e.note or "") for e in events)
    with Session(engine) as session:
        dated = {item.approved_at for item in session.exec(select(PlanItem))}
    assert dated == {PUBLISHED_AT}
    engine.dispose()
