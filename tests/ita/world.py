"""A seeded, synthetic fiscal year 2569 (1 Oct 2025 – 30 Sep 2026) driven through the real
service paths, and every answer worked out by hand.

The subdistrict is the intake tests' three 0.01° squares (หมู่ 1 บ้านหนองบัว, หมู่ 2
บ้านโนนสะอาด, หมู่ 3 บ้านดอนแดง). The rounds policy is set to 90 days for a usable bin (7 for
a damaged or overflowing one, 3 for a missing one) so that the due dates can be listed by hand.
Surveys go through the web form's JSON API (``POST /api/v1/submissions``) as health staff, at
10:00 Thai time; the service unit marks work done through ``services.work_orders``; the plan is
published and followed through ``services.planning`` / ``services.plan_progress`` with the
clock of those modules set to the day of each step. All names and numbers are made up.

Bins (general waste, 240 L):

- IT-0001, หมู่ 1 (103.305, 16.305): usable 10 Sep 2025 (registered) · usable 20 Nov ·
  damaged 10 Jan 2026 (repair order O1) · O1 marked done 15 Jan · usable 16 Jan (O1 verified,
  6.0 days) · usable 1 Jun.
- IT-0002, หมู่ 2 (103.315, 16.305): usable 15 Sep 2025 (registered) · damaged 25 Sep (repair
  order O0, of the year before) · O0 done 5 Oct · usable 6 Oct (O0 verified, inside the year
  but opened before it: not the year's order) · missing 1 Mar 2026 (replace order O2) · O2
  done 5 Mar · still missing 6 Mar (O2 **reopened**) · O2 done 12 Mar · usable 13 Mar (O2
  verified, 12.0 days from its opening) · overflowing 20 Sep (extra collection O3, open at
  the year's end).
- IT-0003, หมู่ 3 at the plan's first site (103.325, 16.305): registered usable 20 May 2026,
  confirmed by staff on 25 May as one of row 1's bins.

Plan of 2569 (published 15 Oct 2025, budget 10,000 baht, equity floor 0.6): row 1 หมู่ 3
general 240 L × 2 at the site, 5,000 baht — ordered 1 Dec, delivered 1 Apr 2026 at 4,600 baht,
one bin confirmed; row 2 หมู่ 2 general 200 L × 1, 1,200 baht — ordered 1 Feb 2026; row 3 หมู่ 1
recyclable 120 L × 1 (no site), 2,500 baht — approved only. Planned 4 bins, installed 1, spent
4,600 (the delivered row at the price paid).

Households (points): 10 within 45 m of IT-0001, 8 within 45 m of IT-0002, 4 within 35 m of
IT-0003's site and 4 more in หมู่ 3 about 430 m east of it (out of the 200 m radius even
straight). A damaged or missing bin serves no one; an overflowing one still does.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord, Household, PlanItemStage, WorkOrder
from fieldsvc.services import plan_progress, planning, work_orders
from fieldsvc.services.work_orders import DoneMark
from fieldsvc.storage.plan_items import items_of_plan
from fieldsvc.thai import THAI_TZ
from tests.intake.conftest import Place, make_place

YEAR = 2569
FIRST, LAST = date(2025, 10, 1), date(2026, 9, 30)
USABLE_DAYS, ATTENTION_DAYS, MISSING_DAYS = 90, 7, 3
SITES = {1: (103.305, 16.305), 2: (103.315, 16.305), 3: (103.325, 16.305)}
VILLAGE_NAMES = {1: "บ้านหนองบัว", 2: "บ้านโนนสะอาด", 3: "บ้านดอนแดง"}

#: (bin, village, day, condition) in the order they were surveyed.
SURVEYS: list[tuple[str, int, date, str]] = [
    ("IT-0001", 1, date(2025, 9, 10), "usable"),
    ("IT-0002", 2, date(2025, 9, 15), "usable"),
    ("IT-0002", 2, date(2025, 9, 25), "damaged"),
    ("IT-0002", 2, date(2025, 10, 6), "usable"),
    ("IT-0001", 1, date(2025, 11, 20), "usable"),
    ("IT-0001", 1, date(2026, 1, 10), "damaged"),
    ("IT-0001", 1, date(2026, 1, 16), "usable"),
    ("IT-0002", 2, date(2026, 3, 1), "missing"),
    ("IT-0002", 2, date(2026, 3, 6), "missing"),
    ("IT-0002", 2, date(2026, 3, 13), "usable"),
    ("IT-0003", 3, date(2026, 5, 20), "usable"),
    ("IT-0001", 1, date(2026, 6, 1), "usable"),
    ("IT-0002", 2, date(2026, 9, 20), "overflowing"),
]
#: Work marked done: (bin, order kind, day done), between the surveys above.
DONE = [
    ("IT-0002", "repair", date(2025, 10, 5)),
    ("IT-0001", "repair", date(2026, 1, 15)),
    ("IT-0002", "replace", date(2026, 3, 5)),
    ("IT-0002", "replace", date(2026, 3, 12)),
]

#: Every due date of the year, worked out by hand from the surveys (day + 90 / 7 / 3), with
#: the next inspection's day and whether it came on or before the date.
DUE_DATES: list[tuple[str, date, date | None, bool]] = [
    # IT-0001
    ("IT-0001", date(2025, 12, 9), date(2025, 11, 20), True),  # 10 Sep + 90
    ("IT-0001", date(2026, 2, 18), date(2026, 1, 10), True),  # 20 Nov + 90
    ("IT-0001", date(2026, 1, 17), date(2026, 1, 16), True),  # 10 Jan damaged + 7
    ("IT-0001", date(2026, 4, 16), date(2026, 6, 1), False),  # 16 Jan + 90
    ("IT-0001", date(2026, 8, 30), None, False),  # 1 Jun + 90
    # IT-0002
    ("IT-0002", date(2025, 12, 14), date(2025, 9, 25), True),  # 15 Sep + 90
    ("IT-0002", date(2025, 10, 2), date(2025, 10, 6), False),  # 25 Sep damaged + 7
    ("IT-0002", date(2026, 1, 4), date(2026, 3, 1), False),  # 6 Oct + 90
    ("IT-0002", date(2026, 3, 4), date(2026, 3, 6), False),  # 1 Mar missing + 3
    ("IT-0002", date(2026, 3, 9), date(2026, 3, 13), False),  # 6 Mar missing + 3
    ("IT-0002", date(2026, 6, 11), date(2026, 9, 20), False),  # 13 Mar + 90
    ("IT-0002", date(2026, 9, 27), None, False),  # 20 Sep overflowing + 7
    # IT-0003
    ("IT-0003", date(2026, 8, 18), None, False),  # 20 May + 90
]


def thai_moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=THAI_TZ)


def month_key(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def year_months(last: date = LAST) -> list[date]:
    """First days of the months from October to ``last``'s month."""
    months, day = [], FIRST
    while day <= last:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def month_end(first: date, cap: date) -> date:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return min(following - timedelta(days=1), cap)


def bins_on(day: date) -> tuple[int, int]:
    """(registered, usable) at the end of ``day`` from the survey list alone."""
    latest: dict[str, str] = {}
    for code, _, when, condition in SURVEYS:
        if when <= day:
            latest[code] = condition
    return len(latest), sum(c == "usable" for c in latest.values())


#: Households near each bin (the 4 far ones in หมู่ 3 are never within reach).
NEAR = {"IT-0001": 10, "IT-0002": 8, "IT-0003": 4}
LOCATED = 10 + 8 + 8


def covered_on(day: date) -> int:
    """Households within reach at the end of ``day``: near a usable or overflowing bin."""
    latest: dict[str, str] = {}
    for code, _, when, condition in SURVEYS:
        if when <= day:
            latest[code] = condition
    return sum(NEAR[c] for c, cond in latest.items() if cond in ("usable", "overflowing"))


def expected_months(last: date = LAST) -> list[dict[str, Any]]:
    """The annex rows computed from the lists above (never from the code under test)."""
    done = Counter(month_key(d) for _, _, d, _ in SURVEYS if FIRST <= d <= last)
    due = Counter(month_key(d) for _, d, _, _ in DUE_DATES if d <= last)
    opened = Counter(
        month_key(d) for d in (date(2026, 1, 10), date(2026, 3, 1), date(2026, 9, 20)) if d <= last
    )
    closed = Counter(month_key(d) for d in (date(2026, 1, 16), date(2026, 3, 13)) if d <= last)
    installed = Counter(month_key(d) for d in (date(2026, 5, 25),) if d <= last)
    rows = []
    for first in year_months(last):
        end = month_end(first, last)
        registered, usable = bins_on(end)
        key = month_key(first)
        rows.append(
            {
                "month": first,
                "inspections_done": done[key],
                "inspections_due": due[key],
                "bins_registered": registered,
                "bins_usable": usable,
                "households_located": LOCATED,
                "households_covered": covered_on(end),
                "work_orders_opened": opened[key],
                "work_orders_closed": closed[key],
                "bins_installed": installed[key],
            }
        )
    return rows


@dataclass
class World:
    place: Place
    settings: Settings
    plan_id: int
    item_ids: list[int]
    client: TestClient


class Clock:
    """The clock of the plan services, set to each step's day."""

    def __init__(self) -> None:
        self.now = datetime(2025, 10, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def on(self, day: date) -> None:
        self.now = thai_moment(day, 14).astimezone(UTC)


def _survey(
    client: TestClient, token: str, code: str, village: int, day: date, condition: str
) -> None:
    lon, lat = SITES[village]
    body = {
        "form_id": "bin_survey",
        "submission_id": str(uuid.uuid4()),
        "bin_code": code,
        "village": village,
        "location": {"lat": lat, "lon": lon, "accuracy_m": 4.0},
        "condition": condition,
        "capacity_l": 240,
        "stream": "general",
        "households": 9,
        "observed_at": thai_moment(day).isoformat(),
    }
    answer = client.post(
        "/api/v1/submissions", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["applied"] is True, answer.json()


def _rows(village_ids: dict[int, int]) -> list[dict[str, object]]:
    def row(
        rank: int, moo: int, stream: str, size: float, count: int, site: bool, cost: float
    ) -> dict[str, object]:
        lon, lat = SITES[moo] if site else (None, None)
        return {
            "rank": rank, "reason": "coverage", "village_id": village_ids[moo],
            "village_number": moo, "village_name": VILLAGE_NAMES[moo], "stream": stream,
            "capacity_l": size, "count": count, "bin_id": None, "lon": lon, "lat": lat,
            "households_added": None, "cost_baht": cost,
        }  # fmt: skip

    return [
        row(1, 3, "general", 240.0, 2, True, 5000.0),
        row(2, 2, "general", 200.0, 1, True, 1200.0),
        row(3, 1, "recyclable", 120.0, 1, False, 2500.0),
    ]


def _households(session: Session, village_ids: dict[int, int]) -> None:
    spots: list[tuple[int, float, float]] = []
    for moo, count in ((1, 10), (2, 8), (3, 4)):
        lon, lat = SITES[moo]
        spots += [
            (moo, lon + (i % 4 - 1.5) * 0.0002, lat + (i // 4 - 1) * 0.0002) for i in range(count)
        ]
    lon, lat = SITES[3]
    spots += [(3, lon + 0.004, lat + (i - 1.5) * 0.0003) for i in range(4)]  # ~430 m east
    for i, (moo, x, y) in enumerate(spots):
        session.add(
            Household(ref=f"ITA-H{i:02d}", village_id=village_ids[moo], lon=x, lat=y, persons=3)
        )
    session.commit()


def _order(session: Session, code: str, kind: str) -> WorkOrder:
    from fieldsvc.storage.register import get_bin_by_code

    bin_row = get_bin_by_code(session=session, code=code)
    assert bin_row is not None
    query = (
        select(WorkOrder)
        .where(WorkOrder.bin_id == bin_row.id, WorkOrder.kind == kind)
        .order_by(col(WorkOrder.id).desc())
    )
    return session.exec(query).first()  # type: ignore[return-value]


def build_world(
    session: Session, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    """Seed the year (see the module's docstring); yields the world with its web client."""
    clock = Clock()
    for module in (
        "fieldsvc.services.planning",
        "fieldsvc.services.plan_progress",
        "fieldsvc.storage.plan_items",
    ):
        monkeypatch.setattr(f"{module}.utc_now", clock)
    office = settings.model_copy(
        update={
            "rounds_usable_days": USABLE_DAYS,
            "rounds_attention_days": ATTENTION_DAYS,
            "rounds_missing_days": MISSING_DAYS,
            "office_name": "องค์การบริหารส่วนตำบลทดสอบ",
            "report_thai_digits": True,
        }
    )
    place = make_place(session)
    _households(session, place.village_ids)
    with TestClient(create_app(office, engine=engine)) as client:
        # The steps in time order: surveys, work marked done, the plan's moves.
        clock.on(date(2025, 10, 15))
        plan = AllocationPlanRecord(
            version=1,
            title="แผนจัดสรรถังขยะ ปีงบประมาณ 2569 (สมมุติ)",
            fiscal_year_be=YEAR,
            budget_baht=10_000.0,
            parameters={"equity_floor_share": 0.6},
            recommendations=_rows(place.village_ids),
        )
        steps: list[tuple[date, int, Any]] = []
        for code, moo, day, condition in SURVEYS:
            steps.append((day, 1, ("survey", code, moo, condition)))
        for code, kind, day in DONE:
            steps.append((day, 0, ("done", code, kind)))
        steps += [
            (date(2025, 10, 15), 2, ("publish",)),
            (date(2025, 12, 1), 2, ("move", 0, PlanItemStage.ordered, None)),
            (date(2026, 2, 1), 2, ("move", 1, PlanItemStage.ordered, None)),
            (date(2026, 4, 1), 2, ("move", 0, PlanItemStage.delivered, 4600.0)),
            (date(2026, 5, 25), 2, ("confirm", 0, "IT-0003")),
        ]
        item_ids: list[int] = []
        marks = 0
        for day, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
            clock.on(day)
            session.expire_all()  # the web requests changed rows behind this session
            if step[0] == "survey":
                _survey(client, place.staff_token, step[1], step[2], day, step[3])
            elif step[0] == "done":
                marks += 1
                order = _order(session, step[1], step[2])
                work_orders.mark_done(
                    session=session, user=place.staff, order_id=order.id or 0,
                    mark=DoneMark(mark_id=f"ita-mark-{marks:04d}", done_at=thai_moment(day, 16)),
                )  # fmt: skip
            elif step[0] == "publish":
                session.add(plan)
                session.flush()
                planning.publish_plan(session=session, plan=plan, published_by=place.staff)
                session.commit()
                item_ids = [i.id or 0 for i in items_of_plan(session=session, plan_id=plan.id or 0)]
            elif step[0] == "move":
                plan_progress.move_item(
                    session=session, user=place.staff, plan_id=plan.id or 0,
                    item_id=item_ids[step[1]], stage=step[2], paid_baht=step[3],
                )  # fmt: skip
            else:
                plan_progress.decide_item_bin(
                    session=session, settings=office, user=place.staff, plan_id=plan.id or 0,
                    item_id=item_ids[step[1]], bin_code=step[2], confirm=True,
                )  # fmt: skip
        session.expire_all()
        yield World(place, office, plan.id or 0, item_ids, client)
