"""ODK entities for bins, over real HTTP as ODK Collect speaks it (spec 2024.1, offline
entities): formList → manifest (``type="entityList"``, ``integrityUrl``) → bins.csv →
integrity → submissions carrying ``<meta><entity update="1" baseVersion trunkVersion branchId>``.

uvicorn serves the app on a free port (SQLite, or PostGIS with FIELDSVC_TEST_DATABASE_URL);
httpx plays the phone. The submission XML has the built form's instance shape, element for
element (tests/test_mobile_forms.py keeps that shape in step with the README).
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Bin, EntityUpdate, Inspection, ReviewState, Role, Submission, User
from fieldsvc.storage.submissions import review_submission
from fieldsvc.storage.users import create_user
from fieldsvc.thai import thai_now
from tests.intake.conftest import Place, add_bin
from tests.live import serve

#: Seconds a request to the local test server may take: the 2-core test box runs the suite
#: in two workers beside browser tests, and httpx's 5 s default was once exceeded there.
SLOW_BOX_S = 60.0

FORMS_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
COLLECT_HEADERS = {
    "X-OpenRosa-Version": "1.0",
    "User-Agent": "org.odk.collect.android/v2025.2.3 okhttp/4.12.0",
}
FORM_VERSION = "2026120301"


@dataclass
class Phone:
    """What a phone downloaded: the bins list rows by code, and the manifest's entry."""

    base: str
    rows: dict[str, dict[str, str]]
    bins_hash: str
    integrity_url: str


@pytest.fixture
def server_url(engine: Engine, settings: Settings, place: Place) -> Iterator[str]:
    with Session(engine) as db:
        add_bin(db, "NB-0001", 16.3050, 103.3050)  # หมู่ 1 (head1's)
        add_bin(db, "NB-0301", 16.3050, 103.3250)  # หมู่ 3 (not head1's)
    with serve(create_app(settings, engine=engine)) as base:
        yield base


@pytest.fixture
def second_head_token(engine: Engine, place: Place) -> str:
    """Another village head of หมู่ 1 (the two heads inspect the same bin offline)."""
    with Session(engine) as db:
        _user, token = create_user(
            session=db,
            username="head1b",
            display_name="ผู้ช่วยผู้ใหญ่บ้านหมู่ 1",
            role=Role.village_head,
            village_ids=[place.village_ids[1]],
        )
        db.commit()
    return token


def download(server_url: str, token: str) -> Phone:
    """formList → manifest → bins.csv, as Collect does before opening the form."""
    base = f"{server_url}/openrosa/{token}"
    with httpx.Client(headers=COLLECT_HEADERS, timeout=SLOW_BOX_S) as client:
        forms = ET.fromstring(client.get(f"{base}/formList").content)
        entry = next(
            x
            for x in forms.iter(f"{FORMS_NS}xform")
            if x.findtext(f"{FORMS_NS}formID") == "bin_survey"
        )
        assert entry.findtext(f"{FORMS_NS}version") == FORM_VERSION
        manifest = client.get(entry.findtext(f"{FORMS_NS}manifestUrl") or "")
        assert manifest.headers["X-OpenRosa-Version"] == "1.0"
        files = {
            f.findtext(f"{MANIFEST_NS}filename"): f
            for f in ET.fromstring(manifest.content).iter(f"{MANIFEST_NS}mediaFile")
        }
        bins_file = files["bins.csv"]
        assert bins_file.get("type") == "entityList"
        assert files["villages.csv"].get("type") is None  # a plain media file
        integrity_url = bins_file.findtext(f"{MANIFEST_NS}integrityUrl") or ""
        assert integrity_url == f"{base}/entities/bins/integrity"
        response = client.get(bins_file.findtext(f"{MANIFEST_NS}downloadUrl") or "")
        assert response.status_code == 200
        digest = "md5:" + hashlib.md5(response.content).hexdigest()
        assert bins_file.findtext(f"{MANIFEST_NS}hash") == digest
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert (reader.fieldnames or [])[:3] == ["name", "label", "__version"]
    return Phone(base, {r["code"]: r for r in reader}, digest, integrity_url)


def entity_xml(
    *,
    instance: str,
    entity_id: str,
    code: str = "NB-0001",
    action: str = "update",
    base_version: str | None = None,
    trunk_version: str | None = None,
    branch_id: str = "",
    condition: str = "damaged",
    village: str = "1",
    location: str = "16.30501 103.30502 150.0 4.0",
    start: str = "2026-11-25T09:15:02.123+07:00",
    capacity: str = "",
    stream: str = "",
) -> str:
    """A bin_survey submission as Collect writes it from the built form: every element of the
    instance, the not-relevant ones empty, and ``<meta><entity …>`` filled by the form's binds
    (``create``/``update`` are written as ``1``/``0`` by Collect's javarosa). An update is
    built on version 1 of the list unless told otherwise; a create carries no versions."""
    picked = action == "update"
    if base_version is None:
        base_version = "1" if picked else ""
    if trunk_version is None:
        trunk_version = "1" if picked else ""
    create, update = ("0", "1") if picked else ("1", "0")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
        f'xmlns:entities="http://www.opendatakit.org/xforms/entities" id="bin_survey" '
        f'version="{FORM_VERSION}">'
        f"<start>{start}</start><end>{start}</end><today>{start[:10]}</today>"
        "<deviceid>collect:Xy12AbCdEf</deviceid>"
        f"<bin_pick>{entity_id if picked else ''}</bin_pick>"
        f"<bin_code_scan>{'' if picked else code}</bin_code_scan><bin_code_typed/>"
        f"<bin_code>{code}</bin_code><bin_id>{entity_id if picked else ''}</bin_id>"
        f"<new_entity_id>{str(uuid.uuid4()) if picked else entity_id}</new_entity_id>"
        f"<entity_key>{entity_id}</entity_key>"
        f"<bin_village>{village if picked else ''}</bin_village>"
        f"<registered>{'yes' if picked else 'no'}</registered>"
        f"<only_village>1</only_village><village_choice/><village>{village}</village>"
        f"<registered_note/><location>{location}</location><condition>{condition}</condition>"
        f"<capacity_l>{capacity}</capacity_l><stream>{stream}</stream>"
        f"<bin_capacity_l>{capacity or '200'}</bin_capacity_l>"
        f"<bin_stream>{stream or 'general'}</bin_stream>"
        f"<last_inspected>{start[:10]}</last_inspected>"
        "<households>12</households><photo/><remarks/>"
        f'<meta><entity dataset="bins" create="{create}" update="{update}" '
        f'baseVersion="{base_version}" trunkVersion="{trunk_version}" branchId="{branch_id}" '
        f'id="{entity_id}"><label>{code} หมู่ {village} {condition}</label></entity>'
        f"<instanceID>{instance}</instanceID>"
        f"<instanceName>{code} หมู่ {village} {start[:10]}</instanceName></meta></data>"
    )


def send(phone: Phone, xml: str) -> httpx.Response:
    """HEAD pre-flight, then the multipart POST (no photo: the bin is shown damaged)."""
    with httpx.Client(headers=COLLECT_HEADERS, timeout=SLOW_BOX_S) as client:
        assert client.head(f"{phone.base}/submission").status_code == 204
        files = [("xml_submission_file", ("bin_survey.xml", xml.encode(), "text/xml"))]
        response = client.post(f"{phone.base}/submission", files=files)
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    return response


def integrity(phone: Phone, ids: list[str]) -> dict[str, str]:
    with httpx.Client(headers=COLLECT_HEADERS, timeout=SLOW_BOX_S) as client:
        response = client.get(phone.integrity_url, params={"id": ",".join(ids)})
    assert response.status_code == 200 and response.headers["X-OpenRosa-Version"] == "1.0"
    root = ET.fromstring(response.content)
    assert root.tag == "data"
    return {e.get("id", ""): e.findtext("deleted") or "" for e in root.findall("./entities/entity")}


def _bin(engine: Engine, code: str) -> Bin:
    with Session(engine) as db:
        return db.exec(select(Bin).where(Bin.code == code)).one()


def _submission(engine: Engine, instance: str) -> Submission:
    with Session(engine) as db:
        return db.exec(select(Submission).where(Submission.instance_id == instance)).one()


def _codes(submission: Submission) -> list[str]:
    return [f["code"] for f in submission.flags or []]


def _inspections(engine: Engine, bin_id: int) -> int:
    with Session(engine) as db:
        return len(db.exec(select(Inspection).where(Inspection.bin_id == bin_id)).all())


# --- the wire, one update ---------------------------------------------------------------------


def test_collect_downloads_the_list_checks_integrity_and_updates_a_bin(
    server_url: str, engine: Engine, place: Place
) -> None:
    phone = download(server_url, place.head_token)
    # a village head's list holds their village's bin only
    assert list(phone.rows) == ["NB-0001"]
    row = phone.rows["NB-0001"]
    bin_before = _bin(engine, "NB-0001")
    assert row["name"] == bin_before.entity_id and uuid.UUID(row["name"])
    assert row["__version"] == "1"
    # inspected 1 October, usable: due 30 days later, past by now, so the label says so
    assert row["label"] == "NB-0001 หมู่ 1 บ้านหนองบัว · ใช้งานได้ · เลยกำหนดตรวจ"
    assert (row["due_on"], row["due_state"]) == ("2026-10-31", "overdue")
    assert (row["village"], row["capacity_l"], row["stream"], row["condition"]) == (
        "1",
        "200",
        "general",
        "usable",
    )
    assert row["geometry"] == "16.3050000 103.3050000 0 0"
    assert row["last_inspected"] == "2026-10-01"

    # integrity: the listed bin is there; an unknown id and another village's bin are gone
    other = _bin(engine, "NB-0301").entity_id
    unknown = "00000000-0000-4000-8000-00000000dead"
    assert integrity(phone, [row["name"], unknown, other]) == {
        row["name"]: "false",
        unknown: "true",
        other: "true",
    }

    xml = entity_xml(
        instance="uuid:aaaa0000-0000-4000-8000-000000000001",
        entity_id=row["name"],
        branch_id="a1b2c3d4-0000-4000-8000-000000000001",
    )
    response = send(phone, xml)
    assert response.status_code == 201
    after = _bin(engine, "NB-0001")
    assert after.condition == "damaged" and after.entity_version == 2
    assert _inspections(engine, after.id or 0) == 2
    stored = _submission(engine, "uuid:aaaa0000-0000-4000-8000-000000000001")
    assert stored.applied and stored.bin_id == after.id and stored.raw_payload == xml
    with Session(engine) as db:
        (update,) = db.exec(select(EntityUpdate)).all()
    assert (update.action, update.base_version, update.trunk_version, update.made_version) == (
        "update",
        1,
        1,
        2,
    )
    assert update.branch_id == "a1b2c3d4-0000-4000-8000-000000000001"

    # the list follows: version 2, the new condition in the label, a new hash
    again = download(server_url, place.head_token)
    assert again.rows["NB-0001"]["__version"] == "2"
    # damaged on 25 November: re-inspected 7 days later, 2 December (due that day, then overdue)
    due_state = "overdue" if thai_now().date() > date(2026, 12, 2) else "due"
    suffix = {"due": "ครบกำหนดตรวจ", "overdue": "เลยกำหนดตรวจ"}[due_state]
    assert again.rows["NB-0001"]["label"] == f"NB-0001 หมู่ 1 บ้านหนองบัว · ชำรุด · {suffix}"
    assert (again.rows["NB-0001"]["due_on"], again.rows["NB-0001"]["due_state"]) == (
        "2026-12-02",
        due_state,
    )
    assert again.rows["NB-0001"]["last_inspected"] == "2026-11-25"
    assert again.bins_hash != phone.bins_hash

    # Collect re-sends after a timeout: the same survey, nothing applied twice
    assert send(phone, xml).status_code == 201
    assert _bin(engine, "NB-0001").entity_version == 2
    assert _inspections(engine, after.id or 0) == 2


# --- two heads, one bin, both offline ----------------------------------------------------------


@pytest.mark.parametrize("first", ["head1", "head1b"])
def test_two_offline_updates_of_one_bin_one_applies_the_other_is_held(
    server_url: str,
    engine: Engine,
    settings: Settings,
    place: Place,
    second_head_token: str,
    first: str,
) -> None:
    phones = {
        "head1": download(server_url, place.head_token),
        "head1b": download(server_url, second_head_token),
    }
    entity_id = phones["head1"].rows["NB-0001"]["name"]
    assert phones["head1b"].rows["NB-0001"]["name"] == entity_id
    surveys = {  # both built on version 1 of the list, each on its own phone's branch
        name: entity_xml(
            instance=f"uuid:bbbb0000-0000-4000-8000-00000000000{n}",
            entity_id=entity_id,
            branch_id=f"bbbbbbbb-0000-4000-8000-00000000000{n}",
            condition=condition,
            start=f"2026-11-25T{8 + n:02d}:00:00.000+07:00",
        )
        for n, (name, condition) in enumerate(
            [("head1", "damaged"), ("head1b", "overflowing")], start=1
        )
    }
    second = "head1b" if first == "head1" else "head1"
    assert send(phones[first], surveys[first]).status_code == 201
    response = send(phones[second], surveys[second])
    assert response.status_code == 201  # kept: the phone must not retry forever
    assert "ถูกตรวจโดยคนอื่นก่อน" in (response.text or "")

    instance = {"head1": "uuid:bbbb0000-0000-4000-8000-000000000001"}
    instance["head1b"] = "uuid:bbbb0000-0000-4000-8000-000000000002"
    applied = _submission(engine, instance[first])
    held = _submission(engine, instance[second])
    assert applied.applied and not _codes(applied)
    assert not held.applied and _codes(held) == ["entity_version_conflict"]
    assert held.review_state == "has_issues" and held.raw_payload == surveys[second]
    (flag,) = held.flags or []
    assert flag["details"]["current_version"] == 2 and flag["details"]["value"] == 1
    after = _bin(engine, "NB-0001")
    assert after.entity_version == 2
    assert after.condition == {"head1": "damaged", "head1b": "overflowing"}[first]
    assert _inspections(engine, after.id or 0) == 2  # registration + the applied update

    # staff look at the held survey and approve it: it is applied on top, version 3
    with Session(engine) as db:
        review_submission(
            session=db,
            submission=db.get(Submission, held.id),  # type: ignore[arg-type]
            state=ReviewState.approved,
            comment="ตรวจแล้ว ทั้งสองคนเห็นจริง",
            reviewer=db.get(User, place.staff.id),  # type: ignore[arg-type]
            settings=settings,
        )
        db.commit()
        made = sorted(u.made_version or 0 for u in db.exec(select(EntityUpdate)).all())
    assert made == [2, 3]
    assert _bin(engine, "NB-0001").entity_version == 3
    assert _inspections(engine, after.id or 0) == 3


# --- one phone, two offline updates, any arrival order -----------------------------------------


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_one_phones_offline_updates_apply_in_the_order_made(
    server_url: str, engine: Engine, place: Place, order: tuple[int, int]
) -> None:
    phone = download(server_url, place.head_token)
    entity_id = phone.rows["NB-0001"]["name"]
    branch = "cccccccc-0000-4000-8000-000000000001"
    # Collect: the first update is built on the server's version 1, the second on the phone's
    # own version 2 of the same branch (trunk still 1)
    made = [
        entity_xml(
            instance="uuid:cccc0000-0000-4000-8000-000000000001",
            entity_id=entity_id,
            branch_id=branch,
            condition="damaged",
            start="2026-11-25T08:00:00.000+07:00",
        ),
        entity_xml(
            instance="uuid:cccc0000-0000-4000-8000-000000000002",
            entity_id=entity_id,
            base_version="2",
            branch_id=branch,
            condition="overflowing",
            start="2026-11-26T08:00:00.000+07:00",
        ),
    ]
    first, second = order
    assert send(phone, made[first]).status_code == 201
    if order == (1, 0):  # the later update waits for the earlier one
        waiting = _submission(engine, "uuid:cccc0000-0000-4000-8000-000000000002")
        assert not waiting.applied and _codes(waiting) == ["entity_update_waiting"]
        assert _bin(engine, "NB-0001").entity_version == 1
    assert send(phone, made[second]).status_code == 201

    after = _bin(engine, "NB-0001")
    assert after.entity_version == 3
    assert after.condition == "overflowing"  # the later observation is the bin's state
    assert _inspections(engine, after.id or 0) == 3
    for n in (1, 2):
        stored = _submission(engine, f"uuid:cccc0000-0000-4000-8000-00000000000{n}")
        assert stored.applied and _codes(stored) == [] and stored.review_state == "received"
    with Session(engine) as db:
        made_versions = sorted(
            (u.base_version, u.made_version) for u in db.exec(select(EntityUpdate)).all()
        )
    assert made_versions == [(1, 2), (2, 3)]


# --- scope, unknown ids, creates ---------------------------------------------------------------


def test_a_head_cannot_update_a_bin_outside_their_villages(
    server_url: str, engine: Engine, place: Place
) -> None:
    phone = download(server_url, place.head_token)
    assert "NB-0301" not in phone.rows
    before = _bin(engine, "NB-0301")
    # a hand-made request naming the other village's bin by its entity id
    xml = entity_xml(
        instance="uuid:dddd0000-0000-4000-8000-000000000001",
        entity_id=before.entity_id,
        code="NB-0301",
        branch_id="dddddddd-0000-4000-8000-000000000001",
        village="3",
        location="16.30501 103.32502 150.0 4.0",
    )
    response = send(phone, xml)
    assert response.status_code == 201  # kept and held, not lost
    held = _submission(engine, "uuid:dddd0000-0000-4000-8000-000000000001")
    assert not held.applied
    assert "bin_outside_my_villages" in _codes(held)
    after = _bin(engine, "NB-0301")
    assert (after.condition, after.entity_version) == ("usable", 1)
    assert _inspections(engine, after.id or 0) == 1


def test_an_update_of_an_unknown_entity_is_held(
    server_url: str, engine: Engine, place: Place
) -> None:
    phone = download(server_url, place.head_token)
    gone = "00000000-0000-4000-8000-00000000beef"
    xml = entity_xml(
        instance="uuid:eeee0000-0000-4000-8000-000000000001",
        entity_id=gone,
        branch_id="eeeeeeee-0000-4000-8000-000000000001",
    )
    assert send(phone, xml).status_code == 201
    held = _submission(engine, "uuid:eeee0000-0000-4000-8000-000000000001")
    assert not held.applied and _codes(held) == ["entity_not_found"]
    assert _bin(engine, "NB-0001").entity_version == 1


def test_a_create_registers_the_bin_under_the_phones_entity_id(
    server_url: str, engine: Engine, place: Place
) -> None:
    phone = download(server_url, place.head_token)
    new_id = "5f0e1d2c-3b4a-4968-8776-655443322110"
    xml = entity_xml(
        instance="uuid:ffff0000-0000-4000-8000-000000000001",
        entity_id=new_id,
        code="NB-0102",
        action="create",
        condition="usable",
        capacity="240",
        stream="recyclable",
        location="16.30701 103.30802 150.0 4.0",
    )
    assert send(phone, xml).status_code == 201
    created = _bin(engine, "NB-0102")
    assert created.entity_id == new_id and created.entity_version == 1
    assert (created.capacity_l, created.stream, created.village_id) == (
        240,
        "recyclable",
        place.village_ids[1],
    )
    with Session(engine) as db:
        (made,) = db.exec(select(EntityUpdate)).all()
    assert (made.action, made.bin_id, made.made_version) == ("create", created.id, 1)
    again = download(server_url, place.head_token)
    assert again.rows["NB-0102"]["name"] == new_id
    assert again.rows["NB-0102"]["__version"] == "1"
    assert integrity(again, [new_id]) == {new_id: "false"}


def test_a_create_goes_through_every_check_of_a_new_bin(
    server_url: str, engine: Engine, place: Place
) -> None:
    """A head's new bin at a point in another village is kept but held, as from any channel."""
    phone = download(server_url, place.head_token)
    xml = entity_xml(
        instance="uuid:ffff0000-0000-4000-8000-000000000002",
        entity_id="6a0e1d2c-3b4a-4968-8776-655443322111",
        code="NB-0103",
        action="create",
        condition="usable",
        capacity="240",
        stream="general",
        location="16.30501 103.31502 150.0 4.0",  # หมู่ 2
    )
    assert send(phone, xml).status_code == 201
    held = _submission(engine, "uuid:ffff0000-0000-4000-8000-000000000002")
    assert not held.applied and "point_outside_my_villages" in _codes(held)
    with Session(engine) as db:
        assert db.exec(select(Bin).where(Bin.code == "NB-0103")).first() is None


def test_integrity_of_another_list_is_404(server_url: str, place: Place) -> None:
    url = f"{server_url}/openrosa/{place.head_token}/entities/households/integrity?id=a"
    response = httpx.get(url, headers=COLLECT_HEADERS, timeout=SLOW_BOX_S)
    assert response.status_code == 404
    assert response.headers["X-OpenRosa-Version"] == "1.0"
