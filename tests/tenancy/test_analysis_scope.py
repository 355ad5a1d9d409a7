"""Analyses per subdistrict: the coverage table, the dashboard, the staff map, the downloads
and the ITA figures of the request's subdistrict show its villages only."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.services import overview, planning, rounds
from fieldsvc.services.coverage_history import current_fiscal_year
from fieldsvc.services.ita import gather_ita_figures
from tests.tenancy.conftest import TwoSubdistricts
from tests.tenancy.plans_world import (
    A_VILLAGE_NAMES,
    B_VILLAGE_NAMES,
    auth,
    fill_registers,
    open_client,
)


@pytest.fixture
def world(session: Session, two: TwoSubdistricts) -> TwoSubdistricts:
    fill_registers(session, two)
    return two


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    yield from open_client(settings, engine)


ROLES = ("staff", "viewer", "admin")


def _shows(text: str, name: str) -> bool:
    """Whether a page holds ``name`` as text or escaped in a map's script."""
    return name in text or json.dumps(name)[1:-1] in text


@pytest.mark.parametrize("role", ROLES)
def test_coverage_api_covers_the_workplace_villages_only(
    world: TwoSubdistricts, client: TestClient, role: str
) -> None:
    for mine, theirs in ((world.b, world.a), (world.a, world.b)):
        answer = client.get("/api/v1/coverage", headers=auth(mine.tokens[role]))
        assert answer.status_code == 200
        ids = {row["village_id"] for row in answer.json()["villages"]}
        assert ids == set(mine.village_ids.values())
        shapes = client.get("/api/v1/coverage?format=geojson", headers=auth(mine.tokens[role]))
        shown = {f["properties"]["village_id"] for f in shapes.json()["features"]}
        assert shown == set(mine.village_ids.values())
        assert not shown & set(theirs.village_ids.values())
    b_rows = client.get("/api/v1/coverage?stream=general", headers=auth(world.b.tokens[role]))
    # B has no bins: nobody there is within reach of one, whatever A's bins next door do
    assert all(r["covered_share"] in (0, 0.0) for r in b_rows.json()["villages"])


def test_a_provincial_officer_sees_the_subdistrict_asked_for(
    world: TwoSubdistricts, client: TestClient
) -> None:
    who = auth(world.provincial_token)
    b = client.get("/api/v1/coverage?subdistrict=999902", headers=who)
    assert {r["village_id"] for r in b.json()["villages"]} == set(world.b.village_ids.values())
    a = client.get("/api/v1/coverage?subdistrict=999901", headers=who)
    assert {r["village_id"] for r in a.json()["villages"]} == set(world.a.village_ids.values())
    refused = client.get(
        "/api/v1/coverage?subdistrict=999901", headers=auth(world.b.tokens["staff"])
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_map_and_downloads_show_only_b(
    session: Session,
    settings: Settings,
    world: TwoSubdistricts,
    client: TestClient,
    role: str,
) -> None:
    planning.create_plan(
        session=session,
        settings=settings,
        budget_baht=20_000,
        title="แผนของตำบลทดสอบเท่านั้น",
        subdistrict_id=world.a.subdistrict.id,
    )
    session.commit()
    who = auth(world.b.tokens[role])
    pages = {
        url: client.get(url, headers=who)
        for url in (
            "/staff",
            "/staff/map.html",
            "/staff/export/coverage.csv",
            "/staff/export/coverage.html",
            "/staff/export/coverage-series.csv?by=village",
        )
    }
    for url, page in pages.items():
        assert page.status_code == 200, (url, page.status_code)
        text = page.content.decode("utf-8-sig")
        for name in A_VILLAGE_NAMES:
            assert not _shows(text, name), (url, name)
        assert "A-1" not in text or url == "/staff", url
        assert "แผนของตำบลทดสอบเท่านั้น" not in text, url
    for name in B_VILLAGE_NAMES:
        assert _shows(pages["/staff"].text, name)
        assert _shows(pages["/staff/map.html"].text, name)
    table = pages["/staff/export/coverage.csv"].content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(table)))[1:]
    assert rows and all(any(n in ",".join(r) for n in B_VILLAGE_NAMES) for r in rows)
    series = client.get("/staff/export/coverage-series.json?by=village", headers=who).json()
    assert series and {r["village_id"] for r in series} == set(world.b.village_ids.values())


def test_services_take_one_subdistrict_and_none_means_the_whole_install(
    session: Session, settings: Settings, world: TwoSubdistricts
) -> None:
    a_id, b_id = world.a.subdistrict.id, world.b.subdistrict.id
    every = set(world.a.village_ids.values()) | set(world.b.village_ids.values())
    table = overview.village_overview(session=session, settings=settings)
    assert set(table["village_id"]) == every
    b_table = overview.village_overview(session=session, settings=settings, subdistrict_id=b_id)
    assert set(b_table["village_id"]) == set(world.b.village_ids.values())
    assert int(b_table["bins_total"].sum()) == 0 and int(b_table["households"].sum()) == 6
    a_table = overview.village_overview(session=session, settings=settings, subdistrict_id=a_id)
    assert int(a_table["bins_total"].sum()) == 3 and int(a_table["households"].sum()) == 12
    due = rounds.village_rounds(session=session, settings=settings, subdistrict_id=b_id)
    assert sorted(due["name"]) == sorted(B_VILLAGE_NAMES) and int(due["bins"].sum()) == 0
    year = current_fiscal_year()
    a_ita = gather_ita_figures(session, settings, year, subdistrict_id=a_id)
    b_ita = gather_ita_figures(session, settings, year, subdistrict_id=b_id)
    assert (a_ita.bins_registered_end, b_ita.bins_registered_end) == (3, 0)
    assert (a_ita.households_located_end, b_ita.households_located_end) == (12, 6)
