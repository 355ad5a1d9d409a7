"""The built Collect form in step with the web form: a barcode question for the sticker, the
registered bin looked up in bins.csv (village from its row, size and stream skipped), and the
same GPS thresholds as the web form, from one source; bins.csv served per user."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from tests.intake.conftest import Place, make_place

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "mobile_forms" / "built" / "bin_survey.xml"
THRESHOLDS = json.loads((ROOT / "mobile_forms" / "gps_accuracy.json").read_text("utf-8"))
NS = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms"}


@pytest.fixture(scope="module")
def form() -> ET.Element:
    return ET.parse(BUILT).getroot()


def _binds(form: ET.Element) -> dict[str, dict[str, str]]:
    return {
        b.get("nodeset", "").rsplit("/", 1)[-1]: dict(b.attrib)
        for b in form.iter(f"{{{NS['x']}}}bind")
    }


def test_the_sticker_is_a_barcode_question(form: ET.Element) -> None:
    binds = _binds(form)
    assert binds["bin_code_scan"]["type"] == "barcode"
    assert "bin_code_scan" in binds["bin_code"]["calculate"]


def test_a_registered_bin_takes_its_village_from_bins_csv_and_skips_size_and_stream(
    form: ET.Element,
) -> None:
    sources = {i.get("id"): i.get("src") for i in form.iter(f"{{{NS['x']}}}instance")}
    assert sources["bins"] == "jr://file-csv/bins.csv"
    binds = _binds(form)
    # the bin is the one picked from the list, else the row whose code was scanned or typed
    assert binds["bin_id"]["calculate"] == (
        "coalesce( /data/bin_pick , instance('bins')/root/item[code= /data/bin_code ]/name)"
    )
    assert binds["bin_village"]["calculate"] == (
        "instance('bins')/root/item[name= /data/bin_id ]/village"
    )
    assert binds["registered"]["calculate"].replace(" ", "") == ("if(/data/bin_id!='','yes','no')")
    for skipped in ("capacity_l", "stream"):
        assert binds[skipped]["relevant"].replace(" ", "") == "/data/registered='no'"
    # the village the survey sends: the bin's row, else the user's only village, else asked
    assert binds["village"]["calculate"].replace(" ", "") == (
        "coalesce(/data/bin_village,coalesce(/data/only_village,/data/village_choice))"
    )
    assert binds["village_choice"]["relevant"].replace(" ", "") == (
        "/data/bin_village=''and/data/only_village=''"
    )


def test_gps_thresholds_are_the_web_forms(form: ET.Element) -> None:
    location = next(e for e in form.iter(f"{{{NS['x']}}}input") if e.get("ref") == "/data/location")
    assert float(location.get("accuracyThreshold", "")) == THRESHOLDS["good_m"] == 10
    assert float(location.get("unacceptableAccuracyThreshold", "")) == THRESHOLDS["max_m"] == 25
    web = (ROOT / "mobile_forms" / "web" / "gps_accuracy.js").read_text("utf-8")
    assert re.search(r"GPS_GOOD_M = (\d+);", web).group(1) == "10"  # type: ignore[union-attr]
    assert re.search(r"GPS_MAX_M = (\d+);", web).group(1) == "25"  # type: ignore[union-attr]
    assert "from './gps_accuracy.js'" in (ROOT / "mobile_forms/web/gps.js").read_text("utf-8")
    assert Settings().max_gps_accuracy_m == THRESHOLDS["max_m"]
    # no stale "5 m" hint left from before
    text = BUILT.read_text("utf-8")
    assert "ไม่เกิน 5 เมตร" not in text and "ไม่เกิน 10 เมตร" in text


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client


def test_bins_csv_is_served_per_user_and_listed_in_the_manifest(
    client: TestClient, session: Session
) -> None:
    from tests.mobile.conftest import seed_bins

    place: Place = make_place(session)
    seed_bins(session)
    head = f"/openrosa/{place.head_token}/forms/bin_survey"
    headers = {"X-OpenRosa-Version": "1.0"}
    manifest = client.get(f"{head}/manifest", headers=headers)
    assert "<filename>bins.csv</filename>" in manifest.text
    own = client.get(f"{head}/media/bins.csv", headers=headers)
    assert own.status_code == 200
    rows = list(csv.reader(io.StringIO(own.text)))
    assert rows[0] == [
        "name",
        "label",
        "__version",
        "code",
        "village",
        "capacity_l",
        "stream",
        "condition",
        "geometry",
        "last_inspected",
        "due_on",
        "due_state",
    ]
    assert [r[3:8] for r in rows[1:]] == [
        ["NB-0001", "1", "200", "general", "usable"],
        ["NB-0002", "1", "240", "recyclable", "usable"],
    ]
    # inspected 5 January 2026, usable: due 30 days later, long past
    assert [r[9:12] for r in rows[1:]] == [
        ["2026-01-05", "2026-02-04", "overdue"],
        ["2026-01-05", "2026-02-04", "overdue"],
    ]
    assert [r[1] for r in rows[1:]] == [
        "NB-0001 หมู่ 1 บ้านหนองบัว · ใช้งานได้ · เลยกำหนดตรวจ",
        "NB-0002 หมู่ 1 บ้านหนองบัว · ใช้งานได้ · เลยกำหนดตรวจ",
    ]
    assert [r[2] for r in rows[1:]] == ["1", "1"]
    staff = client.get(f"/openrosa/{place.staff_token}/forms/bin_survey/media/bins.csv")
    assert ",NB-0301,3,200,general,usable," in staff.text


# --- ODK entities (spec 2024.1) ---------------------------------------------------------------

ENTITIES_NS = "http://www.opendatakit.org/xforms/entities"


def test_the_form_declares_the_bins_entity_list_offline_version(form: ET.Element) -> None:
    from fieldsvc.services.form_lists import BINS_COLUMNS, DERIVED_COLUMNS

    model = form.find(f"h:head/{{{NS['x']}}}model", NS)
    assert model is not None
    assert model.get(f"{{{ENTITIES_NS}}}entities-version") == "2024.1.0"
    data = model.find(f"{{{NS['x']}}}instance/{{{NS['x']}}}data")
    assert data is not None and data.get("id") == "bin_survey"
    entity = data.find(f"{{{NS['x']}}}meta/{{{NS['x']}}}entity")
    assert entity is not None
    assert entity.attrib == {
        "dataset": "bins",
        "create": "1",
        "update": "1",
        "baseVersion": "",
        "trunkVersion": "",
        "branchId": "",
        "id": "",
    }
    assert [child.tag.split("}")[-1] for child in entity] == ["label"]

    binds = {b.get("nodeset", ""): dict(b.attrib) for b in form.iter(f"{{{NS['x']}}}bind")}
    entity_binds = {k.rsplit("/", 1)[-1]: v.get("calculate", "") for k, v in binds.items()}
    lookup = "instance('bins')/root/item[name= /data/entity_key ]/"
    assert entity_binds["@baseVersion"] == lookup + "__version"
    assert entity_binds["@trunkVersion"] == lookup + "__trunkVersion"
    assert entity_binds["@branchId"] == lookup + "__branchId"
    assert entity_binds["@id"].strip() == "/data/entity_key"
    assert entity_binds["@update"].replace(" ", "") == "/data/registered='yes'"
    assert entity_binds["@create"].replace(" ", "") == "/data/registered='no'"
    # the properties the form saves are the list's columns after name,label,__version
    saved = {
        k.rsplit("/", 1)[-1]: v[f"{{{ENTITIES_NS}}}saveto"]
        for k, v in binds.items()
        if f"{{{ENTITIES_NS}}}saveto" in v
    }
    assert saved == {
        "bin_code": "code",
        "village": "village",
        "location": "geometry",
        "condition": "condition",
        "bin_capacity_l": "capacity_l",
        "bin_stream": "stream",
        "last_inspected": "last_inspected",
    }
    # ... except the inspection round, which the server works out and the form never saves
    assert DERIVED_COLUMNS == ("due_on", "due_state")
    assert sorted(saved.values()) == sorted(c for c in BINS_COLUMNS[3:] if c not in DERIVED_COLUMNS)
    # the list is a searchable choice whose value is the entity id
    pick = next(s for s in form.iter(f"{{{NS['x']}}}select1") if s.get("ref") == "/data/bin_pick")
    itemset = pick.find(f"{{{NS['x']}}}itemset")
    assert itemset is not None and itemset.get("nodeset") == "instance('bins')/root/item"
    assert itemset.find(f"{{{NS['x']}}}value").get("ref") == "name"  # type: ignore[union-attr]
