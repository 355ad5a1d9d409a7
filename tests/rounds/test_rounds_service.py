"""Inspection rounds from the register: Thai calendar days, the overrides staff set, the bins
list Collect and the phone receive, and the dashboard's counts (dates chosen by hand)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError
from fieldsvc.models import BinCreate, Condition, Stream
from fieldsvc.services.rounds import bins_due, set_policy, village_rounds
from fieldsvc.storage.register import create_bin
from tests.intake.conftest import Place, make_place

AS_OF = date(2026, 12, 2)

# code: village number, stream, condition found, last inspection (UTC)
REGISTER = {
    # 20:00 UTC on 1 Nov is 03:00 on 2 Nov in Thailand: due 2 Dec, today -> due
    "V1-A": (1, Stream.general, Condition.usable, datetime(2026, 11, 1, 20, 0, tzinfo=UTC)),
    # 10:00 UTC on 1 Nov is 1 Nov in Thailand: due 1 Dec -> overdue
    "V1-B": (1, Stream.general, Condition.usable, datetime(2026, 11, 1, 10, 0, tzinfo=UTC)),
    # inspected 25 Nov, usable: due 25 Dec -> done this round
    "V1-C": (1, Stream.general, Condition.usable, datetime(2026, 11, 25, 3, 0, tzinfo=UTC)),
    # damaged on 20 Nov: due 27 Nov -> overdue
    "V2-A": (2, Stream.general, Condition.damaged, datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
    # organic, usable on 15 Nov: due 15 Dec -> done (inspected in the round 3 Nov .. 2 Dec)
    "V2-B": (2, Stream.organic, Condition.usable, datetime(2026, 11, 15, 3, 0, tzinfo=UTC)),
}


def seed(session: Session, place: Place) -> None:
    for code, (village, stream, condition, at) in REGISTER.items():
        create_bin(
            session=session,
            bin_in=BinCreate(
                code=code,
                lon=103.305 + (village - 1) * 0.01,
                lat=16.305,
                capacity_l=200,
                stream=stream,
                condition=condition,
                village_id=place.village_ids[village],
            ),
            observed_at=at,
        )
    session.commit()


@pytest.fixture
def place(engine: Engine) -> Place:
    with Session(engine, expire_on_commit=False) as session:
        made = make_place(session)
        seed(session, made)
    return made


def states(session: Session, settings: Settings) -> dict[str, tuple[date, str]]:
    due = bins_due(session=session, settings=settings, village_ids=None, as_of=AS_OF)
    return {
        c: (d, str(s)) for c, d, s in zip(due["code"], due["due_on"], due["due_state"], strict=True)
    }


def test_due_dates_use_the_thai_calendar_day(
    engine: Engine, settings: Settings, place: Place
) -> None:
    with Session(engine) as session:
        assert states(session, settings) == {
            "V1-A": (date(2026, 12, 2), "due"),
            "V1-B": (date(2026, 12, 1), "overdue"),
            "V1-C": (date(2026, 12, 25), "done"),
            "V2-A": (date(2026, 11, 27), "overdue"),
            "V2-B": (date(2026, 12, 15), "done"),
        }
        table = village_rounds(session=session, settings=settings, as_of=AS_OF)
    rows = {r["number"]: r for r in table.to_dict("records")}
    assert [
        (rows[n]["overdue"], rows[n]["due"], rows[n]["done"], rows[n]["bins"]) for n in (1, 2, 3)
    ] == [
        (1, 1, 1, 3),
        (1, 0, 1, 2),
        (0, 0, 0, 0),
    ]


def test_overrides_for_a_village_and_a_stream(
    engine: Engine, settings: Settings, place: Place
) -> None:
    with Session(engine) as session:
        # organic bins of หมู่ 2: every 10 days -> V2-B due 25 Nov, overdue
        set_policy(
            session=session,
            village_number=2,
            stream="organic",
            usable_days=10,
            attention_days=None,
            missing_days=None,
            updated_by="test",
        )
        # all of หมู่ 1: every 45 days -> V1-B due 16 Dec (done), V1-A 17 Dec (done)
        set_policy(
            session=session,
            village_number=1,
            stream=None,
            usable_days=45,
            attention_days=None,
            missing_days=None,
            updated_by="test",
        )
        got = states(session, settings)
        assert got["V2-B"] == (date(2026, 11, 25), "overdue")
        assert got["V1-B"] == (date(2026, 12, 16), "done")
        assert got["V1-A"] == (date(2026, 12, 17), "done")
        assert got["V2-A"] == (date(2026, 11, 27), "overdue")  # damaged: still the default 7
        # set again: the same row is replaced, not added; then removed
        set_policy(
            session=session,
            village_number=1,
            stream=None,
            usable_days=None,
            attention_days=None,
            missing_days=None,
            updated_by="test",
            remove=True,
        )
        assert states(session, settings)["V1-B"] == (date(2026, 12, 1), "overdue")


@pytest.mark.parametrize(
    ("changes", "field", "thai"),
    [
        ({"village_number": 9}, "village", "ไม่พบหมู่ที่ 9"),
        ({"stream": "plastic"}, "stream", "ไม่รู้จักประเภทขยะ plastic"),
        ({"usable_days": 0}, "usable_days", "ต้องอยู่ระหว่าง 1 ถึง 366"),
        ({"missing_days": 400}, "missing_days", "จำนวนวัน 400 ต้องอยู่ระหว่าง 0 ถึง 366"),
    ],
)
def test_a_policy_that_cannot_be_set_is_refused_in_thai(
    engine: Engine, place: Place, changes: dict[str, object], field: str, thai: str
) -> None:
    arguments: dict[str, object] = {
        "village_number": 1,
        "stream": None,
        "usable_days": 14,
        "attention_days": None,
        "missing_days": None,
        "updated_by": "test",
    } | changes
    with Session(engine) as session, pytest.raises(FieldsvcError) as caught:
        set_policy(session=session, **arguments)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_input"
    assert caught.value.field == field
    assert thai in caught.value.message_th


def test_the_command_line_sets_a_village_policy(
    engine: Engine, settings: Settings, place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["rounds", "policy", "--village", "๑", "--usable-days", "14"], settings=settings) == 0
    )
    assert "override set" in capsys.readouterr().out
    # the per-village table (as of today): หมู่ 1 by number and name, with its three bins
    assert main(["rounds", "due"], settings=settings) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:2] == ["1", "บ้านหนองบัว"] and lines[1].split()[-1] == "3"
    with Session(engine) as session:
        # V1-C inspected 25 Nov: every 14 days -> due 9 Dec, within the 7 days ahead
        assert states(session, settings)["V1-C"] == (date(2026, 12, 9), "due")
    # a village the register does not have: refused in Thai and English, exit status 2
    assert (
        main(["rounds", "policy", "--village", "9", "--usable-days", "3"], settings=settings) == 2
    )
    assert "ไม่พบหมู่ที่ 9" in capsys.readouterr().err


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def test_bins_list_and_collect_csv_carry_due_dates_for_the_heads_village_only(
    client: TestClient, place: Place
) -> None:
    # The due dates are fixed; the states depend on the day the test runs (the order is
    # checked against them), so only the head's village and the dates are asserted exactly.
    head = {"Authorization": f"Bearer {place.head_token}"}
    features = client.get("/api/v1/bins", headers=head).json()["features"]
    got = {f["properties"]["code"]: f["properties"]["due_on"] for f in features}
    assert got == {"V1-A": "2026-12-02", "V1-B": "2026-12-01", "V1-C": "2026-12-25"}
    assert {f["properties"]["due_state"] for f in features} <= {"overdue", "due", "done"}
    text = client.get(
        f"/openrosa/{place.head_token}/forms/bin_survey/media/bins.csv",
        headers={"X-OpenRosa-Version": "1.0"},
    ).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["code"] for r in rows} == {"V1-A", "V1-B", "V1-C"}
    assert {r["code"]: r["due_on"] for r in rows} == got
    # overdue first, the longest overdue first; then due; then the rest
    order = {"overdue": 0, "due": 1, "done": 2, "not_due": 3}
    keys = [
        (order[r["due_state"]], r["due_on"] if order[r["due_state"]] <= 1 else "") for r in rows
    ]
    assert keys == sorted(keys)


def test_dashboard_shows_due_overdue_and_done_per_village(client: TestClient, place: Place) -> None:
    client.post("/login", data={"token": place.staff_token})
    page = client.get("/staff")
    assert page.status_code == 200
    assert "รอบการตรวจถังรายหมู่บ้าน" in page.text
    assert 'id="rounds"' in page.text and 'data-village="2"' in page.text
