"""Allocation plans per subdistrict: made from the subdistrict's villages only, numbered per
subdistrict, listed and published per subdistrict; a plan of another subdistrict is not found
(reads and writes alike, and a refused write changes nothing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord, PlanItem, PlanItemEvent
from fieldsvc.services import planning
from fieldsvc.storage.plan_items import items_of_plan
from tests.tenancy.conftest import TwoSubdistricts
from tests.tenancy.plans_world import B_VILLAGE_NAMES, auth, fill_registers, open_client


@pytest.fixture
def world(session: Session, two: TwoSubdistricts) -> TwoSubdistricts:
    fill_registers(session, two)
    return two


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    yield from open_client(settings, engine)


def _plan_of_a(session: Session, settings: Settings, world: TwoSubdistricts) -> int:
    """Two plans of A (versions 1 and 2), the second published; returns its id."""
    a_id = world.a.subdistrict.id
    planning.create_plan(session=session, settings=settings, max_new_bins=2, subdistrict_id=a_id)
    plan = planning.create_plan(
        session=session, settings=settings, budget_baht=20_000, subdistrict_id=a_id
    )
    planning.publish_plan(session=session, plan=plan, published_by=world.a.users["staff"])
    session.commit()
    assert plan.id is not None and plan.version == 2
    return plan.id


def test_a_plan_made_by_b_is_b_own_first_version_of_b_villages_only(
    session: Session, settings: Settings, world: TwoSubdistricts, client: TestClient
) -> None:
    _plan_of_a(session, settings, world)
    made = client.post(
        "/api/v1/allocations", json={"budget_baht": 20_000}, headers=auth(world.b.tokens["staff"])
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["version"] == 1
    record = session.get(AllocationPlanRecord, body["id"])
    assert record is not None and record.subdistrict_id == world.b.subdistrict.id
    b_villages = set(world.b.village_ids.values())
    assert body["recommendations"], "B has households and no bins: the plan adds bins"
    assert {r["village_id"] for r in body["recommendations"]} <= b_villages
    assert {r["village_id"] for r in body["villages"]} == b_villages
    assert body["parameters"]["register_counts"] == {"villages": 2, "bins": 0, "households": 6}
    again = client.post(
        "/api/v1/allocations", json={"max_new_bins": 1}, headers=auth(world.b.tokens["admin"])
    )
    assert again.status_code == 201 and again.json()["version"] == 2
    # A's numbering goes on from its own plans
    a_next = planning.create_plan(
        session=session, settings=settings, max_new_bins=1, subdistrict_id=world.a.subdistrict.id
    )
    assert a_next.version == 3


def test_the_plan_form_makes_a_plan_of_the_workplace(
    session: Session, settings: Settings, world: TwoSubdistricts, client: TestClient
) -> None:
    _plan_of_a(session, settings, world)
    answer = client.post(
        "/staff/plans", data={"budget_baht": "15000"}, headers=auth(world.b.tokens["staff"])
    )
    assert answer.status_code == 303
    plan_id = int(answer.headers["location"].rsplit("/", 1)[1])
    plan = session.get(AllocationPlanRecord, plan_id)
    assert plan is not None
    assert (plan.subdistrict_id, plan.version) == (world.b.subdistrict.id, 1)


@pytest.mark.parametrize("role", ["staff", "viewer", "admin"])
def test_lists_of_plans_show_only_the_subdistrict_own(
    session: Session, settings: Settings, world: TwoSubdistricts, client: TestClient, role: str
) -> None:
    a_plan = _plan_of_a(session, settings, world)
    b_plan = planning.create_plan(
        session=session,
        settings=settings,
        budget_baht=9_000,
        title="แผนของตำบลโนนสูง",
        subdistrict_id=world.b.subdistrict.id,
    )
    session.commit()
    listed = client.get("/api/v1/allocations", headers=auth(world.b.tokens[role]))
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [b_plan.id]
    page = client.get("/staff/plans", headers=auth(world.b.tokens[role]))
    assert page.status_code == 200
    assert "แผนของตำบลโนนสูง" in page.text
    assert f"/staff/plans/{a_plan}" not in page.text
    a_listed = client.get("/api/v1/allocations", headers=auth(world.a.tokens[role]))
    assert b_plan.id not in [p["id"] for p in a_listed.json()]
    assert a_plan in [p["id"] for p in a_listed.json()]


def _a_plan_state(session: Session, plan_id: int) -> tuple[object, ...]:
    session.expire_all()
    plan = session.get(AllocationPlanRecord, plan_id)
    assert plan is not None
    items = sorted((i.id, str(i.stage), i.paid_baht) for i in items_of_plan(
        session=session, plan_id=plan_id
    ))  # fmt: skip
    events = session.exec(select(func.count()).select_from(PlanItemEvent)).one()
    plans = session.exec(select(func.count()).select_from(AllocationPlanRecord)).one()
    return plan.status, plan.published_at, tuple(items), events, plans


def test_a_plan_of_another_subdistrict_is_not_found_for_reads_and_writes(
    session: Session, settings: Settings, world: TwoSubdistricts, client: TestClient
) -> None:
    a_plan = _plan_of_a(session, settings, world)
    # an unpublished plan of A too, that B must not be able to publish
    draft = planning.create_plan(
        session=session, settings=settings, max_new_bins=1, subdistrict_id=world.a.subdistrict.id
    )
    session.commit()
    item = session.exec(select(PlanItem).where(col(PlanItem.plan_id) == a_plan)).first()
    assert item is not None and item.id is not None
    before = _a_plan_state(session, a_plan)
    draft_status = draft.status
    for role in ("staff", "viewer", "admin"):
        who = auth(world.b.tokens[role])
        for url in (
            f"/api/v1/allocations/{a_plan}",
            f"/api/v1/allocations/{a_plan}/items",
            f"/staff/plans/{a_plan}",
            f"/staff/plans/{a_plan}/export.csv",
            f"/staff/plans/{a_plan}/export.pdf",
        ):
            answer = client.get(url, headers=who)
            assert answer.status_code == 404, (role, url, answer.status_code)
            if url.startswith("/api/"):
                assert answer.json()["error"]["field"] == "plan_id", answer.text
    for role in ("staff", "admin"):
        who = auth(world.b.tokens[role])
        writes = [
            ("json", f"/api/v1/allocations/{draft.id}/publish", None),
            ("json", f"/api/v1/allocations/{a_plan}/publish", None),
            ("form", f"/staff/plans/{draft.id}/publish", {}),
            ("json", f"/api/v1/allocations/{a_plan}/items/{item.id}/stage", {"stage": "ordered"}),
            ("json", f"/api/v1/allocations/{a_plan}/items/{item.id}/price", {"paid_baht": 1.0}),
            (
                "json",
                f"/api/v1/allocations/{a_plan}/items/{item.id}/bins",
                {"bin_code": "A-1", "decision": "reject"},
            ),
            ("form", f"/staff/plans/{a_plan}/items/{item.id}/stage", {"stage": "ordered"}),
            ("form", f"/staff/plans/{a_plan}/items/{item.id}/price", {"paid_baht": "1"}),
            (
                "form",
                f"/staff/plans/{a_plan}/items/{item.id}/bins",
                {"bin_code": "A-1", "decision": "reject"},
            ),
        ]
        for kind, url, body in writes:
            if kind == "json":
                answer = client.post(url, json=body, headers=who)
            else:
                answer = client.post(url, data=body, headers=who)
            assert answer.status_code == 404, (role, url, answer.status_code, answer.text)
    assert _a_plan_state(session, a_plan) == before
    session.expire_all()
    assert session.get(AllocationPlanRecord, draft.id).status == draft_status  # type: ignore[union-attr]
    # A's own staff still reach it; so does a provincial officer, who works for both
    own = client.get(f"/api/v1/allocations/{a_plan}", headers=auth(world.a.tokens["staff"]))
    assert own.status_code == 200
    seen = client.get(f"/api/v1/allocations/{a_plan}", headers=auth(world.provincial_token))
    assert seen.status_code == 200


def test_each_subdistrict_publishes_its_own_plan(
    session: Session, settings: Settings, world: TwoSubdistricts, client: TestClient
) -> None:
    a_plan = _plan_of_a(session, settings, world)
    b_plan = planning.create_plan(
        session=session, settings=settings, budget_baht=9_000, subdistrict_id=world.b.subdistrict.id
    )
    session.commit()
    published = client.post(
        f"/api/v1/allocations/{b_plan.id}/publish", headers=auth(world.b.tokens["staff"])
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    session.expire_all()
    a_row = session.get(AllocationPlanRecord, a_plan)
    assert a_row is not None and a_row.status == "published"  # A's plan is not superseded
    a_id, b_id = world.a.subdistrict.id, world.b.subdistrict.id
    assert planning.published_plan(session=session, subdistrict_id=a_id).id == a_plan  # type: ignore[union-attr]
    assert planning.published_plan(session=session, subdistrict_id=b_id).id == b_plan.id  # type: ignore[union-attr]


def test_the_cli_plans_one_named_subdistrict(
    session: Session,
    settings: Settings,
    world: TwoSubdistricts,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fieldsvc.cli.main import main

    session.commit()
    assert main(["allocate", "--budget-baht", "9000"], settings=settings) == 2
    assert "subdistrict" in capsys.readouterr().err.lower()
    b_args = ["allocate", "--budget-baht", "9000", "--subdistrict", "999902"]
    assert main(b_args, settings=settings) == 0
    assert main(["allocate", "--bins", "1", "--subdistrict", "999902"], settings=settings) == 0
    session.expire_all()
    rows = session.exec(select(AllocationPlanRecord).order_by(col(AllocationPlanRecord.id))).all()
    assert [(p.subdistrict_id, p.version) for p in rows] == [
        (world.b.subdistrict.id, 1),
        (world.b.subdistrict.id, 2),
    ]
    assert all(r["village_name"] in B_VILLAGE_NAMES for r in rows[0].recommendations)
    capsys.readouterr()
    assert main(["plans", "--subdistrict", "999901"], settings=settings) == 0
    assert "v1" not in capsys.readouterr().out
