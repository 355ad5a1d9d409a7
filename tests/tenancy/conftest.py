"""Two subdistricts in one install: A (the intake tests' ตำบลทดสอบ, 999901, หมู่ 1–3) and B
(999902, east of it, หมู่ 1–2: the same village numbers as A on purpose), each with its own
health staff, viewer, admin and village head; plus a provincial officer who works for both.

A's users from ``make_place`` were made before B joined, so ``pin_unscoped_users`` pins them
to A, as an office that imports a neighbour's data would see.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, box
from sqlmodel import Session

from fieldsvc.models import Role, Subdistrict, User
from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.register import list_villages
from fieldsvc.storage.tenancy import pin_unscoped_users, set_user_subdistricts
from fieldsvc.storage.users import create_user
from tests.intake.conftest import Place, make_place

#: B's villages: two 0.01° squares east of A (A spans 103.30–103.33 E).
B_VILLAGE_CENTRES = {1: (16.305, 103.345), 2: (16.305, 103.355)}


@dataclass
class SubdistrictUsers:
    subdistrict: Subdistrict
    village_ids: dict[int, int]
    tokens: dict[str, str]  # role name → token: staff, viewer, admin, head (of หมู่ 1)
    users: dict[str, User]


@dataclass
class TwoSubdistricts:
    a: SubdistrictUsers
    b: SubdistrictUsers
    place_a: Place  # the intake tests' place: A's staff, head of หมู่ 1, viewer
    provincial_token: str  # works for every subdistrict


def make_two_subdistricts(session: Session) -> TwoSubdistricts:
    place = make_place(session)
    _, admin_a_token = create_user(
        session=session, username="admin_a", display_name="ผู้ดูแล ก", role=Role.admin
    )
    session.flush()
    pin_unscoped_users(session=session)
    sub_b = Subdistrict(
        code="999902",
        name="ตำบลโนนสูง",
        boundary=MultiPolygon([box(103.34, 16.30, 103.36, 16.31)]),
    )
    session.add(sub_b)
    session.flush()
    frame = gpd.GeoDataFrame(
        {"number": [1, 2], "name": ["บ้านหนองใหญ่", "บ้านโคกกลาง"]},
        geometry=[box(103.34 + i * 0.01, 16.30, 103.35 + i * 0.01, 16.31) for i in range(2)],
        crs="EPSG:4326",
    )
    save_villages(session=session, subdistrict=sub_b, villages=frame)
    b_ids = {
        v.number: v.id or 0 for v in list_villages(session=session) if v.subdistrict_id == sub_b.id
    }
    b_users: dict[str, User] = {}
    b_tokens: dict[str, str] = {}
    for key, role in (("staff", Role.health_staff), ("viewer", Role.viewer), ("admin", Role.admin)):
        user, token = create_user(
            session=session, username=f"{key}_b", display_name=f"{key} ข", role=role
        )
        set_user_subdistricts(session=session, user=user, subdistrict_ids=[sub_b.id or 0])
        b_users[key], b_tokens[key] = user, token
    head_b, head_b_token = create_user(
        session=session,
        username="head_b1",
        display_name="ผู้ใหญ่บ้าน ข หมู่ 1",
        role=Role.village_head,
        village_ids=[b_ids[1]],
    )
    b_users["head"], b_tokens["head"] = head_b, head_b_token
    _, provincial_token = create_user(
        session=session, username="province", display_name="สำนักงานจังหวัด", role=Role.admin
    )
    session.commit()
    a_users = {"staff": place.staff, "head": place.head}
    a_tokens = {
        "staff": place.staff_token,
        "viewer": place.viewer_token,
        "admin": admin_a_token,
        "head": place.head_token,
    }
    return TwoSubdistricts(
        a=SubdistrictUsers(place.subdistrict, place.village_ids, a_tokens, a_users),
        b=SubdistrictUsers(sub_b, b_ids, b_tokens, b_users),
        place_a=place,
        provincial_token=provincial_token,
    )


@pytest.fixture
def two(session: Session) -> TwoSubdistricts:
    return make_two_subdistricts(session)
