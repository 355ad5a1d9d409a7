"""Bin codes follow one documented rule wherever they enter: the web form's JSON, OpenRosa,
staff corrections, sheets and map layers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.ingest.sheets import read_bin_sheet
from fieldsvc.ingest.values import is_bin_code, parse_bin_code
from tests.intake.conftest import Place, bin_xml

SID = "0b7a1d2c-3e4f-4a5b-8c6d-7e8f9a0b1c3f"
BAD = '=HYPERLINK("http://x")'


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def test_the_rule_accepts_the_codes_in_use_and_refuses_others() -> None:
    for code in ("NB-0101", "B-1", "07-0427", "SB-10-0017", "N1-A.2", "ก-12", "หมู่7/๑๒", "x_1"):
        assert is_bin_code(code), code
    for code in (BAD, "", " NB-1", "NB 1", "-NB", "+1", "@A", "<b>", "A;B", "a" * 41, "NB\t1"):
        assert not is_bin_code(code), code
    assert parse_bin_code("NB-๐๑๐๑") == "NB-0101"
    with pytest.raises(ValueError):
        parse_bin_code("NB 0101")


def test_json_survey_with_a_bad_code_is_422_naming_the_field(
    client: TestClient, place: Place
) -> None:
    answer = client.post(
        "/api/v1/submissions",
        json={"submission_id": SID, "bin_code": BAD, "village": 1},
        headers={"Authorization": f"Bearer {place.head_token}"},
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "bin_code"
    assert ". _ / -" in error["message"] and "bin_code" not in error["message_th"]
    assert "ตรวจแล้วส่งใหม่" in error["message_th"]  # plain Thai, what to do next (issue 17)


def test_openrosa_survey_with_a_bad_code_is_422_naming_the_field(
    client: TestClient, place: Place
) -> None:
    answer = client.post(
        f"/openrosa/{place.head_token}/submission",
        files={"xml_submission_file": ("s.xml", bin_xml(code="NB;0101").encode(), "text/xml")},
    )
    assert answer.status_code == 422
    assert "bin_code" in answer.text and ". _ / -" in answer.text
    assert answer.headers["X-OpenRosa-Version"] == "1.0"


def test_staff_correction_to_a_bad_code_is_422(client: TestClient, place: Place) -> None:
    sent = client.post(
        "/api/v1/submissions",
        json={"submission_id": SID, "bin_code": "NB-0101", "village": 1},
        headers={"Authorization": f"Bearer {place.head_token}"},
    )
    assert sent.status_code == 201, sent.text
    answer = client.post(
        f"/api/v1/submissions/uuid:{SID}/corrections",
        json={"bin_code": "NB 0101"},
        headers={"Authorization": f"Bearer {place.staff_token}"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "bin_code"


def test_sheet_row_with_a_bad_code_is_left_out_with_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "รหัสถัง,ละติจูด,ลองจิจูด,สภาพ\nNB-0101,16.3,103.3,ใช้งานได้\n=1+1,16.3,103.3,ใช้งานได้\n",
        "utf-8",
    )
    read = read_bin_sheet(path)
    assert [row.record.bin_code for row in read.rows] == ["NB-0101"]
    (note,) = read.report.rejected
    assert note.row == 3 and ". _ / -" in note.reason_en and ". _ / -" in note.reason_th


def test_map_layer_bin_with_a_bad_code_is_noted_and_the_code_left_blank(tmp_path: Path) -> None:
    import json

    from fieldsvc.ingest.points import read_points

    path = tmp_path / "bins.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": {"type": "Point", "coordinates": [100.5, 14.5 + i / 1000]},
        }
        for i, code in enumerate(["B-01", "<img src=x>"])
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    layer = read_points(path, kind="bins")
    assert layer.points.code.tolist()[0] == "B-01"
    assert layer.points.code.isna().tolist()[1] or layer.points.code.tolist()[1] is None
    assert {(n.row, n.value) for n in layer.report.repaired} == {(2, "<img src=x>")}
