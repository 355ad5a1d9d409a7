"""The public report page's server side: sending, re-sending, limits, the honeypot, photos
without EXIF, joining a nearby report, moderation, the status page and erasing old contacts."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import CitizenReport, CitizenReportEvent, Role
from fieldsvc.models.types import utc_now
from fieldsvc.services.citizen_public import erase_old_contacts
from fieldsvc.storage.media import media_path
from fieldsvc.storage.users import create_user
from tests.intake.conftest import VILLAGE_CENTRES, Place

LAT, LON = VILLAGE_CENTRES[1]
NAME, PHONE = "นางสาวใจดี มีน้ำใจ", "0891234567"
AppFor = Callable[..., TestClient]


def _form(**overrides: Any) -> dict[str, str]:
    values = {
        "kind": "bin_full",
        "lat": str(LAT),
        "lon": str(LON),
        "accuracy": "8",
        "description": "ขยะล้นถังหน้าศาลา",
        "name": NAME,
        "phone": PHONE,
        "draft_id": str(uuid.uuid4()),
        "device_id": "phone-1",
    }
    values.update({k: str(v) for k, v in overrides.items()})
    return values


def _rows(engine: Engine) -> list[CitizenReport]:
    with Session(engine) as session:
        return list(session.exec(select(CitizenReport).order_by(CitizenReport.id)))


def _events(engine: Engine, report_id: int | None) -> list[str]:
    with Session(engine) as session:
        query = select(CitizenReportEvent).where(CitizenReportEvent.report_id == report_id)
        return [e.action for e in session.exec(query.order_by(CitizenReportEvent.id))]


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 90, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Maker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (16.0, 18.0, 18.0)
    gps[3], gps[4] = "E", (103.0, 18.0, 18.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def test_a_report_gets_a_ticket_and_a_status_page_without_contact_details(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for()
    sent = client.post("/report/send", data=_form())
    assert sent.status_code == 202, sent.text
    body = sent.json()
    assert re.fullmatch(r"\d{4}-00001", body["ticket"])
    [row] = _rows(engine)
    assert (row.contact_name, row.contact_phone) == (NAME, PHONE)
    assert row.village_id == place.village_ids[1] and row.visibility == "pending"
    assert row.located_by == "gps" and row.accuracy_m == 8.0
    assert body["status_url"] == f"/report/t/{row.ticket}?k={row.access_key}"
    page = client.get(body["status_url"])
    assert page.status_code == 200
    assert row.ticket in page.text and "ขยะล้นถังหน้าศาลา" in page.text
    assert "รับเรื่องแล้ว" in page.text and "ถังเต็ม / ขยะล้น" in page.text
    assert NAME not in page.text and PHONE not in page.text and row.access_key not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    english = client.get(body["status_url"] + "&lang=en")
    assert "Received" in english.text and "Bin full / overflowing" in english.text
    # A wrong key is the same answer as an unknown number: the page confirms nothing.
    wrong = client.get(f"/report/t/{row.ticket}?k=guess")
    unknown = client.get("/report/t/2500-99999?k=guess")
    assert wrong.status_code == unknown.status_code == 404


def test_a_resent_draft_is_one_report_and_is_not_counted_again(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for(citizen_reports_per_device_day=1)
    form = _form()
    first = client.post("/report/send", data=form)
    again = client.post("/report/send", data=form)
    assert first.status_code == again.status_code == 202
    assert first.json()["ticket"] == again.json()["ticket"]
    assert len(_rows(engine)) == 1


def test_per_address_limit_refuses_the_next_report_and_keeps_only_a_salted_hash(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for(citizen_reports_per_address_day=2, citizen_hash_salt="pepper")
    answers = [
        client.post("/report/send", data=_form(device_id=f"phone-{i}")).status_code
        for i in range(3)
    ]
    assert answers == [202, 202, 429]
    refused = client.post("/report/send", data=_form(device_id="phone-9")).json()["error"]
    assert refused["code"] == "too_many_requests" and "24" in refused["message_th"]
    rows = _rows(engine)
    assert len(rows) == 2
    hashes = {r.client_hash for r in rows}
    assert len(hashes) == 1
    [digest] = hashes
    assert digest is not None and re.fullmatch(r"[0-9a-f]{64}", digest)
    assert "testclient" not in digest  # the TestClient's address is never stored as sent
    # Another salt, another hash: the address cannot be found by hashing guesses without it.
    other = app_for(citizen_hash_salt="salt-2")
    assert other.post("/report/send", data=_form(device_id="phone-x")).status_code == 202
    assert _rows(engine)[-1].client_hash != digest


def test_per_device_limit_counts_one_phone_only(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for(citizen_reports_per_device_day=2)
    same = [client.post("/report/send", data=_form()).status_code for _ in range(3)]
    assert same == [202, 202, 429]
    assert client.post("/report/send", data=_form(device_id="phone-2")).status_code == 202
    rows = _rows(engine)
    assert len(rows) == 3
    assert len({r.device_hash for r in rows}) == 2
    assert all(r.device_hash and "phone" not in r.device_hash for r in rows)


def test_a_filled_honeypot_is_answered_like_a_report_but_nothing_is_kept(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for()
    sent = client.post("/report/send", data=_form(website="http://spam.example"))
    assert sent.status_code == 202 and sent.json() == {"status": "received"}
    assert _rows(engine) == []


def test_the_photo_is_stored_without_exif_or_gps(
    app_for: AppFor, place: Place, engine: Engine, settings: Settings
) -> None:
    client = app_for()
    photo = _jpeg_with_gps()
    with Image.open(io.BytesIO(photo)) as sent_image:  # the test photo really carries GPS
        assert sent_image.getexif().get_ifd(0x8825)
    assert b"SpyCam" in photo
    answer = client.post(
        "/report/send", data=_form(), files={"photo": ("bin.jpg", photo, "image/jpeg")}
    )
    assert answer.status_code == 202, answer.text
    [row] = _rows(engine)
    assert row.photo_sha256 and row.photo_media_type == "image/jpeg"
    stored = media_path(settings=settings, sha256=row.photo_sha256).read_bytes()
    assert b"SpyCam" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as kept:
        assert kept.size == (800, 600)
        assert not kept.getexif()
        assert not kept.getexif().get_ifd(0x8825)


def test_size_caps_photo_body_and_text(app_for: AppFor, place: Place, engine: Engine) -> None:
    photo = _jpeg_with_gps()
    small_photo = app_for(citizen_max_photo_bytes=len(photo) - 1)
    too_big = small_photo.post(
        "/report/send", data=_form(), files={"photo": ("bin.jpg", photo, "image/jpeg")}
    )
    assert too_big.status_code == 413
    not_a_photo = small_photo.post(
        "/report/send", data=_form(), files={"photo": ("bin.jpg", b"%PDF-1.4 x", "image/jpeg")}
    )
    assert not_a_photo.status_code == 415  # the survey photos' own check: not an image
    small_body = app_for(citizen_max_request_bytes=2000)
    body = small_body.post(
        "/report/send", data=_form(), files={"photo": ("bin.jpg", photo, "image/jpeg")}
    )
    assert body.status_code == 413
    assert body.json()["error"]["field"] == "body"
    short_text = app_for(citizen_max_text_chars=20)
    long = short_text.post("/report/send", data=_form(description="ก" * 21))
    assert long.status_code == 422 and long.json()["error"]["field"] == "description"
    bad_number = short_text.post("/report/send", data=_form(lat="north"))
    assert bad_number.status_code == 422 and bad_number.json()["error"]["field"] == "lat"
    unknown_kind = short_text.post("/report/send", data=_form(kind="noise"))
    assert unknown_kind.status_code == 422
    outside = short_text.post("/report/send", data=_form(lat="13.75", lon="100.5"))
    assert outside.status_code == 422 and outside.json()["error"]["field"] == "lat"
    assert _rows(engine) == []


def _token(engine: Engine, role: Role, username: str) -> str:
    with Session(engine) as session:
        _, token = create_user(session=session, username=username, display_name=username, role=role)
        session.commit()
    return token


def test_moderation_decides_what_nearby_shows_and_only_staff_may_moderate(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for()
    ticket = client.post("/report/send", data=_form()).json()["ticket"]
    near = {"lat": LAT + 0.0001, "lon": LON, "kind": "bin_full"}
    assert client.get("/report/nearby", params=near).json() == []  # pending: nobody sees it
    url = f"/api/v1/citizen/reports/{ticket}/moderation"
    admin = _token(engine, Role.admin, "admin1")
    refused = {
        "anonymous": client.post(url, json={"action": "accept"}).status_code,
        "viewer": client.post(
            url,
            json={"action": "accept"},
            headers={"Authorization": f"Bearer {place.viewer_token}"},
        ).status_code,
        "head": client.post(
            url, json={"action": "accept"}, headers={"Authorization": f"Bearer {place.head_token}"}
        ).status_code,
    }
    assert refused == {"anonymous": 401, "viewer": 403, "head": 403}
    assert _rows(engine)[0].visibility == "pending"
    staff = {"Authorization": f"Bearer {place.staff_token}"}
    accepted = client.post(url, json={"action": "accept"}, headers=staff)
    assert accepted.status_code == 200 and accepted.json()["visibility"] == "public"
    assert NAME not in accepted.text
    shown = client.get("/report/nearby", params=near).json()
    assert [(r["ticket"], r["days_ago"], r["distance_m"]) for r in shown] == [(ticket, 0, 11)]
    assert NAME not in str(shown) and PHONE not in str(shown)
    other_kind = client.get("/report/nearby", params={**near, "kind": "dumping"}).json()
    assert other_kind == []
    hidden = client.post(url, json={"action": "hide"}, headers={"Authorization": f"Bearer {admin}"})
    assert hidden.status_code == 200 and hidden.json()["visibility"] == "hidden"
    assert client.get("/report/nearby", params=near).json() == []
    wrong = client.post(url, json={"action": "delete"}, headers=staff)
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "action"
    assert (
        client.post(
            "/api/v1/citizen/reports/2500-99999/moderation", json={"action": "hide"}, headers=staff
        ).status_code
        == 404
    )
    assert _events(engine, _rows(engine)[0].id) == ["created", "moderation", "moderation"]


def test_at_once_setting_makes_a_report_public_without_staff(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for(citizen_reports_public_at_once=True)
    ticket = client.post("/report/send", data=_form()).json()["ticket"]
    shown = client.get("/report/nearby", params={"lat": LAT, "lon": LON, "kind": "bin_full"})
    assert [r["ticket"] for r in shown.json()] == [ticket]


def test_joining_a_nearby_report_is_a_duplicate_with_its_own_ticket(
    app_for: AppFor, place: Place, engine: Engine
) -> None:
    client = app_for(citizen_reports_public_at_once=True)
    first = client.post("/report/send", data=_form()).json()
    joined = client.post(
        "/report/send", data=_form(join=first["ticket"], device_id="phone-2")
    ).json()
    assert joined["ticket"] != first["ticket"]
    original, duplicate = _rows(engine)
    assert duplicate.duplicate_of_id == original.id
    assert _events(engine, original.id) == ["created", "supported"]
    assert _events(engine, duplicate.id) == ["created", "merge"]
    # The original still stands alone in the suggestions; its page counts the supporter.
    near = client.get("/report/nearby", params={"lat": LAT, "lon": LON, "kind": "bin_full"})
    assert [r["ticket"] for r in near.json()] == [first["ticket"]]
    assert "เพิ่ม 1 คน" in client.get(first["status_url"]).text
    wrong_kind = client.post(
        "/report/send", data=_form(join=first["ticket"], kind="dumping", device_id="phone-3")
    )
    assert wrong_kind.status_code == 422 and wrong_kind.json()["error"]["field"] == "join"
    assert len(_rows(engine)) == 2


def test_contacts_older_than_the_keeping_period_are_erased(
    app_for: AppFor, place: Place, engine: Engine, settings: Settings, session: Session
) -> None:
    client = app_for()
    client.post("/report/send", data=_form())
    client.post("/report/send", data=_form(device_id="phone-2", name="", phone=""))
    keep = settings.citizen_contact_keep_days
    assert erase_old_contacts(session=session, settings=settings) == 0  # all are fresh
    later = utc_now() + timedelta(days=keep, hours=1)
    assert erase_old_contacts(session=session, settings=settings, now=later) == 1
    first, second = _rows(engine)
    assert (first.contact_name, first.contact_phone) == (None, None)
    assert first.contact_erased_at is not None
    assert first.description == "ขยะล้นถังหน้าศาลา"  # the report itself stays
    assert second.contact_erased_at is None  # it had nothing to erase
    assert _events(engine, first.id) == ["created", "contact_erased"]
    assert erase_old_contacts(session=session, settings=settings, now=later) == 0


def test_the_erase_command_uses_the_keeping_period_of_the_settings(
    app_for: AppFor, place: Place, engine: Engine, settings: Settings, capsys: Any
) -> None:
    app_for().post("/report/send", data=_form())
    with Session(engine) as session:
        row = session.exec(select(CitizenReport)).one()
        row.created_at = utc_now() - timedelta(days=31)
        session.add(row)
        session.commit()
    assert main(["erase-citizen-contacts"], settings=settings) == 0  # kept 365 days
    assert _rows(engine)[0].contact_name == NAME
    shorter = settings.model_copy(update={"citizen_contact_keep_days": 30})
    assert main(["erase-citizen-contacts"], settings=shorter) == 0
    assert _rows(engine)[0].contact_name is None
    assert "1 report(s) older than 30 days" in capsys.readouterr().out


def test_the_page_uses_the_offices_own_tiles_only_when_it_has_them(
    app_for: AppFor, tmp_path: Any
) -> None:
    without = app_for().get("/report")
    assert without.status_code == 200 and 'data-tiles=""' in without.text
    assert 'data-keep-days="365"' in without.text
    tiles = app_for(tiles_dir=tmp_path, citizen_contact_keep_days=90).get("/report")
    assert 'data-tiles="/tiles/{z}/{x}/{y}.png"' in tiles.text
    assert 'data-keep-days="90"' in tiles.text
    sw = app_for().get("/report/sw.js")
    assert sw.headers["service-worker-allowed"] == "/report"
    assert "__PAGE_VERSION__" not in sw.text
    for name in ("report.js", "report.css", "index.html"):  # every file is precached
        assert f"'/report/{name}'" in sw.text or name == "index.html"
    assert app_for().get("/report/secrets.py").status_code == 404
