"""Residents' reports on the public side: the public map's layer, the recent list on /public,
and the open-data files reports.csv / reports.geojson. Accepted reports only, a merged duplicate
once (as its original), public fields only; moderation shows up at once (the cache follows)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import CitizenReport, ReportStatus
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.services import public_data
from fieldsvc.services.citizen_reports import ReportDraft, accept_report
from fieldsvc.services.public_reports import PUBLIC_REPORT_COLUMNS
from tests.intake.conftest import Place

NAME, PHONE, EMAIL = "นายลับ ไม่เผยนาม", "0811112233", "lab@example.org"
PENDING_TEXT = "PENDING-SECRET-ถังหลังบ้านผู้ใหญ่"
HIDDEN_TEXT = "HIDDEN-SECRET-ด่าเจ้าหน้าที่"
DUPLICATE_TEXT = "DUPLICATE-TEXT-ถังเดียวกัน"
REPLY = "รถเก็บขยะจะเข้าเก็บวันพรุ่งนี้"


@dataclass(frozen=True)
class Planted:
    accepted: str  # bin_full, in progress, with a reply: shown
    done: str  # bin_broken, done: shown
    pending: str
    hidden: str
    duplicate: str  # accepted, merged into ``accepted``: not shown again


def _report(session: Session, settings: Settings, *, kind: str, lon: float, text: str,
            visibility: ReportVisibility, **values: Any) -> CitizenReport:  # fmt: skip
    report = accept_report(
        session=session,
        draft=ReportDraft(
            kind=kind,
            lon=lon,
            lat=16.305,
            description=text,
            contact_name=NAME,
            contact_phone=PHONE,
            contact_email=EMAIL,
        ),
        settings=settings,
    )
    report.visibility = visibility
    for name, value in values.items():
        setattr(report, name, value)
    session.add(report)
    session.commit()
    session.refresh(report)
    return report


@pytest.fixture
def planted(engine: Engine, settings: Settings, place: Place) -> Planted:
    with Session(engine) as session:
        accepted = _report(
            session, settings, kind="bin_full", lon=103.305, text="ถังหน้าโรงเรียนเต็ม",
            visibility=ReportVisibility.public, status=ReportStatus.in_progress,
            public_reply=REPLY,
        )  # fmt: skip
        done = _report(
            session, settings, kind="bin_broken", lon=103.315, text="ฝาถังหัก",
            visibility=ReportVisibility.public, status=ReportStatus.done,
        )  # fmt: skip
        pending = _report(
            session, settings, kind="dumping", lon=103.325, text=PENDING_TEXT,
            visibility=ReportVisibility.pending,
        )  # fmt: skip
        hidden = _report(
            session, settings, kind="bin_missing", lon=103.3255, text=HIDDEN_TEXT,
            visibility=ReportVisibility.hidden,
        )  # fmt: skip
        duplicate = _report(
            session, settings, kind="bin_full", lon=103.3051, text=DUPLICATE_TEXT,
            visibility=ReportVisibility.public, duplicate_of_id=accepted.id,
        )  # fmt: skip
        shown = (accepted, done, pending, hidden, duplicate)
        return Planted(*(r.ticket for r in shown))


@pytest.fixture
def client(settings: Settings, engine: Engine, planted: Planted) -> Iterator[TestClient]:
    public_data.clear_cache()
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client
    public_data.clear_cache()


NEVER = (NAME, PHONE, EMAIL, PENDING_TEXT, HIDDEN_TEXT, DUPLICATE_TEXT)


def _no_private(text: str, planted: Planted) -> None:
    for secret in (*NEVER, planted.pending, planted.hidden, planted.duplicate):
        assert secret not in text, secret


def _csv_rows(answer: Any) -> list[dict[str, str]]:
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == PUBLIC_REPORT_COLUMNS
    return list(reader)


def test_reports_csv_lists_accepted_originals_with_public_fields_only(
    client: TestClient, planted: Planted
) -> None:
    answer = client.get("/public/data/reports.csv")
    rows = _csv_rows(answer)
    assert [r["ticket"] for r in rows] == [planted.done, planted.accepted]  # newest first
    first = rows[1]
    assert (first["kind"], first["kind_th"]) == ("bin_full", "ถังเต็ม / ขยะล้น")
    assert (first["status"], first["status_th"]) == ("in_progress", "กำลังดำเนินการ")
    assert first["description"] == "ถังหน้าโรงเรียนเต็ม" and first["public_reply"] == REPLY
    assert (first["lon"], first["lat"]) == ("103.305", "16.305")
    assert first["reported_at"].endswith("+07:00") and first["closed_at"] == ""
    assert rows[0]["status_th"] == "เสร็จแล้ว"
    _no_private(answer.content.decode("utf-8-sig"), planted)


def test_reports_geojson_has_one_point_per_shown_report_and_the_metadata(
    client: TestClient, planted: Planted
) -> None:
    answer = client.get("/public/data/reports.geojson")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/geo+json")
    data = answer.json()
    features = {f["properties"]["ticket"]: f for f in data["features"]}
    assert set(features) == {planted.accepted, planted.done}
    point = features[planted.accepted]["geometry"]
    assert point == {"type": "Point", "coordinates": [103.305, 16.305]}
    assert set(features[planted.accepted]["properties"]) == set(PUBLIC_REPORT_COLUMNS)
    listed = {d["name"]: d for d in data["metadata"]["datasets"]}
    assert listed["reports"]["downloads"] == [
        "/public/data/reports.csv",
        "/public/data/reports.geojson",
    ]
    _no_private(answer.text, planted)


def test_public_page_links_the_report_page_and_lists_recent_reports(
    client: TestClient, planted: Planted
) -> None:
    page = client.get("/public")
    assert page.status_code == 200
    text = page.text
    assert 'id="report-link" href="/report">แจ้งปัญหาถังขยะ</a>' in text
    table = text.split('id="public-reports"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr class=") == 2
    assert planted.accepted in table and planted.done in table
    assert "กำลังดำเนินการ" in table and "เสร็จแล้ว" in table and REPLY in table
    assert "ถังหน้าโรงเรียนเต็ม" in table  # the accepted text is shown (staff read it)
    assert '"/public/data/reports.csv"' in text and '"/public/data/reports.geojson"' in text
    _no_private(text, planted)
    english = client.get("/public?lang=en").text
    assert "Report a bin problem" in english and "In progress" in english


def test_public_map_draws_accepted_reports_as_their_own_layer_with_a_legend(
    client: TestClient, planted: Planted
) -> None:
    answer = client.get("/public/map.html")
    assert answer.status_code == 200
    # the layer's name and popups sit in scripts as \u escapes: read them decoded
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), answer.text)
    assert '"เรื่องที่ประชาชนแจ้ง (residents\' reports)" : geo_json_' in text  # in the layer list
    for status in ("received", "in_progress", "done"):
        assert f"fs-legend-report-{status}" in text
    assert planted.accepted in text and planted.done in text
    assert REPLY in text and "ถังเต็ม / ขยะล้น" in text
    _no_private(text, planted)


def test_moderation_reaches_the_public_files_at_once(
    client: TestClient, planted: Planted, engine: Engine
) -> None:
    assert len(_csv_rows(client.get("/public/data/reports.csv"))) == 2
    with Session(engine) as session:
        report = session.get(CitizenReport, 3)
        assert report is not None and report.ticket == planted.pending
        report.visibility = ReportVisibility.public
        report.description = "ขยะกองข้างทาง"  # staff accepted it with the secret edited out
        session.add(report)
        session.commit()
    rows = _csv_rows(client.get("/public/data/reports.csv"))
    assert [r["ticket"] for r in rows] == [planted.pending, planted.done, planted.accepted]
    assert planted.pending in client.get("/public/map.html").text
    assert planted.pending in client.get("/public").text


def test_an_unknown_dataset_still_names_the_known_ones(client: TestClient) -> None:
    answer = client.get("/public/data/complaints.geojson")
    assert answer.status_code == 404
    assert "reports" in answer.text
    assert client.get("/public/data/reports.xlsx").status_code == 404


def test_a_report_waiting_for_moderation_does_not_rebuild_the_public_answers(
    client: TestClient, planted: Planted, engine: Engine, settings: Settings
) -> None:
    """Anyone may send a report: a pending one must not make the public map rebuild."""
    client.get("/public/map.html")
    client.get("/public/data/reports.csv")
    builds = dict(public_data.BUILDS)
    with Session(engine) as session:
        _report(
            session, settings, kind="bin_full", lon=103.306, text="ใหม่ รอตรวจ",
            visibility=ReportVisibility.pending,
        )  # fmt: skip
    client.get("/public/map.html")
    client.get("/public/data/reports.csv")
    assert public_data.BUILDS["map"] == builds["map"]
    assert public_data.BUILDS["reports.csv"] == builds["reports.csv"]
    # hiding a public report is seen (it leaves the public files)
    with Session(engine) as session:
        report = session.get(CitizenReport, 2)
        assert report is not None and report.ticket == planted.done
        report.visibility = ReportVisibility.hidden
        session.add(report)
        session.commit()
    rows = _csv_rows(client.get("/public/data/reports.csv"))
    assert [r["ticket"] for r in rows] == [planted.accepted]
    assert public_data.BUILDS["reports.csv"] == builds["reports.csv"] + 1
