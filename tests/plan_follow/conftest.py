"""A small subdistrict with a published plan of three rows whose answers are known:

row 1  coverage     หมู่ 1  general     240 L × 2  at (103.305, 16.305)   5,000 baht
row 2  replacement  หมู่ 2  general     200 L × 1  at (103.315, 16.305)   1,200 baht
row 3  capacity     หมู่ 3  recyclable  120 L × 1  no site (matched in หมู่ 3)  2,500 baht

Budget 10,000 baht; planned 4 bins and 8,700 baht. A bin of an item's stream and size
registered after the plan was published within 30 m of its site is a suggested match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord, Bin, BinCreate, Condition, Role, Stream
from fieldsvc.services import planning
from fieldsvc.storage.register import create_bin
from fieldsvc.storage.users import create_user
from tests.intake.conftest import Place, make_place

SITE_1 = (103.305, 16.305)
SITE_2 = (103.315, 16.305)
#: 0.00018° of latitude is 20.0 m (6,371,008.8 m × 0.00018 × π / 180 = 20.02 m); 0.0004° 44.5 m.
NEAR_DLAT, FAR_DLAT = 0.00018, 0.0004


@dataclass
class Followed:
    place: Place
    plan_id: int
    item_ids: list[int]  # rows 1, 2, 3
    admin_token: str
    head_b_token: str


def recommendations(village_ids: dict[int, int]) -> list[dict[str, object]]:
    def row(
        rank: int,
        reason: str,
        moo: int,
        stream: str,
        size: float,
        count: int,
        site: tuple[float, float] | None,
        cost: float,
    ) -> dict[str, object]:
        return {
            "rank": rank,
            "reason": reason,
            "village_id": village_ids[moo],
            "village_number": moo,
            "village_name": f"บ้าน {moo}",
            "stream": stream,
            "capacity_l": size,
            "count": count,
            "bin_id": None,
            "lon": site[0] if site else None,
            "lat": site[1] if site else None,
            "households_added": None,
            "cost_baht": cost,
        }

    return [
        row(1, "coverage", 1, "general", 240.0, 2, SITE_1, 5000.0),
        row(2, "replacement", 2, "general", 200.0, 1, SITE_2, 1200.0),
        row(3, "capacity", 3, "recyclable", 120.0, 1, None, 2500.0),
    ]


def new_plan(session: Session, place: Place, *, version: int = 1) -> AllocationPlanRecord:
    plan = AllocationPlanRecord(
        version=version,
        title=f"แผนทดสอบ {version}",
        fiscal_year_be=2570,
        budget_baht=10_000.0,
        spent_baht=8_700.0,
        recommendations=recommendations(place.village_ids),
    )
    session.add(plan)
    session.flush()
    return plan


def add_bin(
    session: Session,
    code: str,
    lon: float,
    lat: float,
    *,
    stream: Stream = Stream.general,
    capacity_l: int = 240,
    village_id: int | None = None,
    condition: Condition = Condition.usable,
) -> Bin:
    made = create_bin(
        session=session,
        bin_in=BinCreate(
            code=code,
            lon=lon,
            lat=lat,
            capacity_l=capacity_l,
            stream=stream,
            condition=condition,
            village_id=village_id,
        ),
    )
    session.commit()
    return made


@pytest.fixture
def followed(session: Session) -> Followed:
    place = make_place(session)
    _, admin = create_user(session=session, username="admin", display_name="ผู้ดูแล", role=Role.admin)
    _, head_b = create_user(
        session=session,
        username="head2",
        display_name="ผู้ใหญ่บ้านหมู่ 2",
        role=Role.village_head,
        village_ids=[place.village_ids[2]],
    )
    plan = new_plan(session, place)
    planning.publish_plan(session=session, plan=plan, published_by=place.staff)
    session.commit()
    from fieldsvc.storage.plan_items import items_of_plan

    assert plan.id is not None
    ids = [i.id or 0 for i in items_of_plan(session=session, plan_id=plan.id)]
    return Followed(place, plan.id, ids, admin, head_b)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client
