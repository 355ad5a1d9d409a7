"""Each subdistrict's own office (``fieldsvc subdistrict set-office``): its public page, open-data
metadata, allocation list, coverage table, ITA report, staff pages and phone set-up name it, not
the neighbour's and not the install's; a subdistrict without one falls back to the install's
FIELDSVC_OFFICE_NAME.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import Subdistrict
from fieldsvc.services import planning
from fieldsvc.services.phone_setup import collect_settings, encode_collect_settings, qr_text
from tests.tenancy.conftest import TwoSubdistricts
from tests.tenancy.plans_world import auth, fill_registers, open_client

A_OFFICE = "องค์การบริหารส่วนตำบลหนองบัวทดสอบ"
A_OFFICE_EN = "Nong Bua Test SAO"
B_OFFICE = "องค์การบริหารส่วนตำบลโนนสูง"
B_OFFICE_EN = "Non Sung SAO"


@pytest.fixture
def world(
    session: Session,
    settings: Settings,
    two: TwoSubdistricts,
    capsys: pytest.CaptureFixture[str],
) -> TwoSubdistricts:
    fill_registers(session, two)
    assert (
        main(
            ["subdistrict", "set-office", "999901", A_OFFICE, "--en", A_OFFICE_EN],
            settings=settings,
        )
        == 0
    )
    assert (
        main(
            ["subdistrict", "set-office", "999902", B_OFFICE, "--en", B_OFFICE_EN],
            settings=settings,
        )
        == 0
    )
    assert B_OFFICE in capsys.readouterr().out
    session.expire_all()
    return two


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    yield from open_client(settings, engine)


def _offices(session: Session) -> dict[str, tuple[str | None, str | None]]:
    session.expire_all()
    rows = session.exec(select(Subdistrict)).all()
    return {s.code: (s.office_name, s.office_name_en) for s in rows}


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell
    )


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _own_only(text: str, own: str, other: str) -> None:
    assert own in text
    assert other not in text


def test_set_office_changes_only_the_named_subdistrict(
    session: Session, settings: Settings, world: TwoSubdistricts, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _offices(session) == {
        "999901": (A_OFFICE, A_OFFICE_EN),
        "999902": (B_OFFICE, B_OFFICE_EN),
    }
    # An empty name gives B the install's office again; A keeps its own.
    assert main(["subdistrict", "set-office", "999902", ""], settings=settings) == 0
    assert settings.office_name in capsys.readouterr().out
    assert _offices(session) == {"999901": (A_OFFICE, A_OFFICE_EN), "999902": (None, None)}


def test_set_office_refuses_an_unknown_code_or_a_name_too_long(
    session: Session, settings: Settings, world: TwoSubdistricts, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["subdistrict", "set-office", "999909", B_OFFICE], settings=settings) == 2
    assert "999909" in capsys.readouterr().err
    assert main(["subdistrict", "set-office", "999902", "อบต." * 60], settings=settings) == 2
    err = capsys.readouterr().err
    assert "office_name" in err and "200" in err
    assert (
        main(["subdistrict", "set-office", "999902", "x", "--en", "y" * 201], settings=settings)
        == 2
    )
    assert "office_name_en" in capsys.readouterr().err
    assert _offices(session)["999902"] == (B_OFFICE, B_OFFICE_EN)  # nothing changed


def test_each_public_page_and_its_metadata_name_their_own_office(
    settings: Settings, world: TwoSubdistricts, client: TestClient
) -> None:
    _own_only(client.get("/public/999901").text, A_OFFICE, B_OFFICE)
    _own_only(client.get("/public/999902").text, B_OFFICE, A_OFFICE)
    _own_only(client.get("/public/999902?lang=en").text, B_OFFICE_EN, A_OFFICE_EN)
    assert client.get("/public/999901/data/metadata.json").json()["publisher"] == A_OFFICE
    assert client.get("/public/999902/data/metadata.json").json()["publisher"] == B_OFFICE
    # Every subdistrict's files at once: the install speaks for them.
    assert client.get("/public/data/metadata.json").json()["publisher"] == settings.office_name


def test_a_subdistrict_without_its_own_office_shows_the_installs(
    settings: Settings, world: TwoSubdistricts, client: TestClient
) -> None:
    assert main(["subdistrict", "set-office", "999902", ""], settings=settings) == 0
    page = client.get("/public/999902").text
    _own_only(page, settings.office_name, A_OFFICE)
    assert (
        client.get("/public/999902/data/metadata.json").json()["publisher"] == settings.office_name
    )


def test_each_allocation_list_names_its_own_office(
    session: Session, settings: Settings, world: TwoSubdistricts, client: TestClient
) -> None:
    plans = {}
    for letter, place in (("a", world.a), ("b", world.b)):
        plan = planning.create_plan(
            session=session,
            settings=settings,
            budget_baht=9_000,
            subdistrict_id=place.subdistrict.id,
        )
        planning.publish_plan(session=session, plan=plan, published_by=place.users["staff"])
        plans[letter] = plan.id
    session.commit()
    _own_only(_xlsx_text(client.get("/public/999901/plan.xlsx").content), A_OFFICE, B_OFFICE)
    _own_only(_xlsx_text(client.get("/public/999902/plan.xlsx").content), B_OFFICE, A_OFFICE)
    staff_b = client.get(
        f"/staff/plans/{plans['b']}/export.xlsx", headers=auth(world.b.tokens["staff"])
    )
    _own_only(_xlsx_text(staff_b.content), B_OFFICE, A_OFFICE)
    # B's staff cannot fetch A's list under B's name (nor at all).
    other = client.get(
        f"/staff/plans/{plans['a']}/export.xlsx", headers=auth(world.b.tokens["staff"])
    )
    assert other.status_code == 404


def test_the_cli_allocation_list_and_coverage_table_name_the_chosen_subdistricts_office(
    session: Session, settings: Settings, world: TwoSubdistricts, tmp_path: object
) -> None:
    from pathlib import Path

    out = Path(str(tmp_path))
    planning.create_plan(
        session=session, settings=settings, budget_baht=9_000, subdistrict_id=world.b.subdistrict.id
    )
    session.commit()
    listing = out / "b-plan.xlsx"
    assert (
        main(
            ["export", "allocation", "--out", str(listing), "--subdistrict", "999902"],
            settings=settings,
        )
        == 0
    )
    _own_only(_xlsx_text(listing.read_bytes()), B_OFFICE, A_OFFICE)
    coverage = out / "a-coverage.xlsx"
    assert (
        main(
            ["export", "coverage", "--out", str(coverage), "--subdistrict", "999901"],
            settings=settings,
        )
        == 0
    )
    _own_only(_xlsx_text(coverage.read_bytes()), A_OFFICE, B_OFFICE)


def test_each_ita_report_and_coverage_table_names_its_own_office(
    world: TwoSubdistricts, client: TestClient
) -> None:
    for place, own, other in ((world.a, A_OFFICE, B_OFFICE), (world.b, B_OFFICE, A_OFFICE)):
        headers = auth(place.tokens["staff"])
        report = client.get("/staff/reports/ita.docx?fiscal_year=2570", headers=headers)
        assert report.status_code == 200, report.text
        text = _docx_text(report.content)
        _own_only(text, own, other)
        coverage = client.get("/staff/export/coverage.xlsx", headers=headers)
        _own_only(_xlsx_text(coverage.content), own, other)


def test_a_staff_page_names_the_office_of_the_subdistrict_it_works_in(
    world: TwoSubdistricts, client: TestClient
) -> None:
    province = auth(world.provincial_token)
    _own_only(
        client.get("/staff/plans?subdistrict=999902", headers=province).text, B_OFFICE, A_OFFICE
    )
    _own_only(
        client.get("/staff/plans?subdistrict=999901", headers=province).text, A_OFFICE, B_OFFICE
    )
    _own_only(
        client.get("/staff/plans", headers=auth(world.b.tokens["staff"])).text, B_OFFICE, A_OFFICE
    )


def test_the_phone_setup_qr_names_the_users_subdistrict(
    settings: Settings, world: TwoSubdistricts, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings.model_copy(update={"public_base_url": "https://bins.example.go.th/"})
    capsys.readouterr()

    def added(username: str, code: str) -> str:
        args = ["users", "add", username, "--name", "ผู้ใหญ่บ้าน", "--role", "village_head"]
        assert main([*args, "--village", "2", "--subdistrict", code], settings=settings) == 0
        return capsys.readouterr().out

    def qr_of(out: str, project: str) -> str:
        token = re.search(r"/openrosa/([A-Za-z0-9_\-]+)", out)
        assert token is not None, out
        url = f"https://bins.example.go.th/openrosa/{token.group(1)}"
        return qr_text(
            encode_collect_settings(collect_settings(server_url=url, project_name=project))
        )

    out_b = added("head_b2", "999902")
    assert qr_of(out_b, B_OFFICE) in out_b
    out_a = added("head_a2", "999901")
    assert qr_of(out_a, A_OFFICE) in out_a
    # Without an office of its own: the install's office and the subdistrict's name.
    assert main(["subdistrict", "set-office", "999902", ""], settings=settings) == 0
    capsys.readouterr()
    assert main(["users", "token", "head_b2"], settings=settings) == 0
    out = capsys.readouterr().out
    assert qr_of(out, f"{settings.office_name} · ตำบลโนนสูง") in out


@pytest.mark.parametrize("install_office", [None, "องค์การบริหารส่วนจังหวัดทดสอบ"])
def test_a_subdistrict_of_the_sample_install_stays_marked_synthetic_under_its_own_name(
    session: Session,
    settings: Settings,
    world: TwoSubdistricts,
    engine: Engine,
    install_office: str | None,
) -> None:
    """The sample install (the default FIELDSVC_OFFICE_NAME) marks its documents as synthetic,
    also those of a subdistrict with an office name of its own; a real install does not."""
    real = (
        settings
        if install_office is None
        else settings.model_copy(update={"office_name": install_office})
    )
    with TestClient(create_app(real, engine=engine)) as client:
        coverage = client.get("/staff/export/coverage.xlsx", headers=auth(world.a.tokens["staff"]))
    assert coverage.status_code == 200
    text = _xlsx_text(coverage.content)
    assert A_OFFICE in text
    assert ("ข้อมูลสมมุติ" in text) is (install_office is None)
