"""Open311 GeoReport v2 for partner apps: the services (one per report kind), sending a request
(through ``accept_report``, like the public report page) and reading requests back (through
``public_fields``: contact details are never answered, not even to the partner who sent them).

Choices where the specification leaves room:

* ``service_request_id`` is the report's ticket (``2570-00012``); the spec allows any string.
* ``jurisdiction_id`` is optional; when given it must be the DOPA code of a subdistrict this
  install serves, else 404 naming ``jurisdiction_id``. ``GET requests`` (and one request) then
  answer only that subdistrict's reports, and a ``POST`` must lie inside it. An install of
  several subdistricts serves them all from one endpoint (discovery lists it once).
* A partner key may be tied to one subdistrict (``fieldsvc open311 key add --subdistrict``):
  a request it sends located in another subdistrict is refused (400 naming ``lat``).
* ``POST requests`` needs ``api_key`` (form field, or query parameter); a missing, unknown or
  revoked key is 403. Open311 has no idempotency key: two POSTs are two requests.
* Abuse limits: a key may send ``open311_posts_per_key_hour`` requests in any hour (then 429,
  in the spec's error body: the spec names 403 for key problems, but a key that is good and
  only busy is told to come back later, as the public page's limits say); the body is capped
  like the public page's (a declared size, a few fields, no files) and each text as there.
* A location is ``lat`` and ``long``; ``address_string`` alone is refused (no geocoder runs
  here, and nothing may call the internet). ``media_url`` is not fetched.
* ``GET requests`` lists public reports only (moderated; ``visibility`` public), newest first.
  Without dates it covers the last 90 days, as the spec's default. Paging is the common
  extension ``page`` (from 1) and ``page_size`` (default 100, at most 1000).
* Status: received and in_progress are ``open``, done is ``closed``; ``status_notes`` is the
  office's public reply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError, Forbidden, InvalidInput, NotFound, TooManyRequests
from fieldsvc.models import CitizenReport, ReportKind, ReportStatus
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.models.types import utc_now
from fieldsvc.services.citizen_reports import (
    ReportDraft,
    accept_report,
    public_fields,
    subdistrict_of_point,
)
from fieldsvc.storage.citizen_reports import count_reports_since, list_reports, report_by_ticket
from fieldsvc.storage.open311_keys import active_key, subdistrict_codes
from fieldsvc.thai import THAI_TZ

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
PATH = "/open311/v2"
#: When the service list or its definitions last changed (the discovery ``changeset``).
CHANGESET = "2026-12-02T00:00:00+07:00"
DEFAULT_DAYS = 90
#: The window of the per-key limit on POST requests.
RATE_WINDOW = timedelta(hours=1)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

#: service_code → (service_name, description, group, keywords), Thai first.
SERVICES: dict[ReportKind, tuple[str, str, str, str]] = {
    ReportKind.bin_full: (
        "ถังขยะเต็ม / ขยะล้นถัง",
        "ถังขยะเต็มหรือมีขยะล้นออกนอกถัง รอการเก็บขน (bin full or overflowing)",
        "ถังขยะ",
        "ถังเต็ม,ขยะล้น,overflowing",
    ),
    ReportKind.bin_broken: (
        "ถังขยะชำรุด",
        "ถังแตก ฝาหาย ล้อหัก หรือใช้งานไม่ได้ (bin broken)",
        "ถังขยะ",
        "ถังแตก,ชำรุด,broken",
    ),
    ReportKind.bin_missing: (
        "ถังขยะหาย",
        "ถังขยะที่เคยตั้งอยู่ ณ จุดนี้ไม่อยู่แล้ว (bin missing)",
        "ถังขยะ",
        "ถังหาย,missing",
    ),
    ReportKind.bin_request: (
        "ขอให้ตั้งถังขยะ",
        "ขอให้ อบต. ตั้งถังขยะที่จุดนี้ (please put a bin here)",
        "ถังขยะ",
        "ขอถัง,request",
    ),
    ReportKind.dumping: (
        "ทิ้งขยะไม่เป็นที่",
        "มีการทิ้งขยะในที่ที่ไม่ใช่จุดทิ้งขยะ (illegal dumping)",
        "ความสะอาด",
        "ทิ้งขยะ,ขยะเกลื่อน,dumping",
    ),
}

#: accept_report's field names → the Open311 names a partner sent.
_FIELD_NAMES = {
    "kind": "service_code",
    "name": "first_name",
    "address": "address_string",
}

_STATUS = {
    ReportStatus.received: "open",
    ReportStatus.in_progress: "open",
    ReportStatus.done: "closed",
}
_STATUSES_OF = {
    "open": (ReportStatus.received, ReportStatus.in_progress),
    "closed": (ReportStatus.done,),
}


# --- reading the parameters ---------------------------------------------------------------------


def _text(params: Mapping[str, str], name: str) -> str | None:
    value = (params.get(name) or "").strip()
    return value or None


def _number(params: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    text = _text(params, name)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # NaN fails too
        raise InvalidInput.of(
            "open311_number_invalid", field=name, name=name, value=text, low=low, high=high
        )
    return value


def _whole(params: Mapping[str, str], name: str, default: int, high: int) -> int:
    value = _number(params, name, 1, high)
    if value is None:
        return default
    if value != int(value):
        raise InvalidInput.of(
            "open311_number_invalid", field=name, name=name, value=params[name], low=1, high=high
        )
    return int(value)


def _w3_datetime(params: Mapping[str, str], name: str) -> datetime | None:
    text = _text(params, name)
    if text is None:
        return None
    # A "+07:00" sent unencoded in a query string arrives as " 07:00" (a W3C datetime has no
    # space, so this can only be the decoded plus).
    text = re.sub(r" (\d{2}:\d{2})$", r"+\1", text)
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None or "T" not in text:
        raise InvalidInput.of("open311_date_invalid", field=name, name=name, value=text)
    return value


def _codes(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _service(code: str | None) -> ReportKind:
    if not code:
        raise InvalidInput.of("open311_field_missing", field="service_code", name="service_code")
    try:
        return ReportKind(code)
    except ValueError:
        expected = ", ".join(k.value for k in ReportKind)
        raise NotFound.of(
            "open311_service_unknown", field="service_code", value=code, expected=expected
        ) from None


#: How many subdistrict codes a "jurisdiction_id not found" answer names at most.
_CODES_SHOWN = 5


def check_jurisdiction(*, session: Session, jurisdiction_id: str | None) -> int | None:
    """The id of the subdistrict a ``jurisdiction_id`` names (one this install serves, else
    404 naming ``jurisdiction_id``); None when none was given (every subdistrict)."""
    if not jurisdiction_id:
        return None
    codes = subdistrict_codes(session=session)
    found = codes.get(jurisdiction_id.strip())
    if found is None:
        listed = sorted(codes)
        expected = ", ".join(listed[:_CODES_SHOWN]) + (" …" if len(listed) > _CODES_SHOWN else "")
        raise NotFound.of(
            "open311_jurisdiction_unknown",
            field="jurisdiction_id",
            value=jurisdiction_id,
            expected=expected or "-",
        )
    return found


# --- services ------------------------------------------------------------------------------------


def discovery(*, settings: Settings, base: str) -> dict[str, Any]:
    """The Open311 service discovery document: one production endpoint, XML and JSON."""
    phone = f" โทร {settings.office_phone}" if settings.office_phone else ""
    contact = settings.office_name + phone
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": f"ขอ api_key สำหรับแอปพันธมิตรได้ที่ {contact} (ask the office for an api_key)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rstrip("/") + PATH,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_list(*, session: Session, jurisdiction_id: str | None) -> list[dict[str, Any]]:
    """GET services: one realtime service per report kind, no extra attributes."""
    check_jurisdiction(session=session, jurisdiction_id=jurisdiction_id)
    return [
        {
            "service_code": kind.value,
            "service_name": name,
            "description": description,
            "metadata": False,
            "type": "realtime",
            "keywords": keywords,
            "group": group,
        }
        for kind, (name, description, group, keywords) in SERVICES.items()
    ]


def service_definition(
    *, session: Session, service_code: str, jurisdiction_id: str | None
) -> dict[str, Any]:
    """GET a service definition: no service asks extra attributes (``metadata`` is false)."""
    check_jurisdiction(session=session, jurisdiction_id=jurisdiction_id)
    kind = _service(service_code)
    return {"service_code": kind.value, "attributes": []}


# --- requests -----------------------------------------------------------------------------------


def submit_request(
    *, session: Session, settings: Settings, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """POST a service request from a partner app: its key, then the request, then
    ``accept_report`` (channel ``open311``, partner = the key's name); committed."""
    partner = active_key(session=session, key=_text(params, "api_key") or "")
    if partner is None:
        raise Forbidden.of("open311_key_invalid", field="api_key")
    sent = count_reports_since(session=session, since=utc_now() - RATE_WINDOW, partner=partner.name)
    if sent >= settings.open311_posts_per_key_hour:
        raise TooManyRequests.of(
            "open311_rate_key",
            field="api_key",
            partner=partner.name,
            limit=settings.open311_posts_per_key_hour,
        )
    jurisdiction = check_jurisdiction(
        session=session, jurisdiction_id=_text(params, "jurisdiction_id")
    )
    kind = _service(_text(params, "service_code"))
    lat = _number(params, "lat", -90, 90)
    lon = _number(params, "long", -180, 180)
    if lat is None and lon is None:
        raise InvalidInput.of("open311_location_missing", field="lat")
    if lat is None or lon is None:
        missing = "lat" if lat is None else "long"
        raise InvalidInput.of("open311_field_missing", field=missing, name=missing)
    allowed = [s for s in (partner.subdistrict_id, jurisdiction) if s is not None]
    if allowed:
        landed = subdistrict_of_point(session=session, lon=lon, lat=lat)
        if any(landed != s for s in allowed):
            raise InvalidInput.of("open311_outside_jurisdiction", field="lat", name="lat/long")
    names = [_text(params, "first_name"), _text(params, "last_name")]
    draft = ReportDraft(
        kind=kind.value,
        lon=lon,
        lat=lat,
        description=_text(params, "description"),
        address=_text(params, "address_string"),
        contact_name=" ".join(n for n in names if n) or None,
        contact_phone=_text(params, "phone"),
        contact_email=_text(params, "email"),
        channel="open311",
        partner=partner.name,
    )
    try:
        report = accept_report(session=session, draft=draft, settings=settings)
    except FieldsvcError as exc:
        exc.field = _FIELD_NAMES.get(exc.field or "", exc.field)
        raise
    notice = f"ได้รับเรื่องแล้ว เลขที่ {report.ticket}" + (
        ""
        if report.visibility == ReportVisibility.public
        else " จะแสดงต่อสาธารณะเมื่อเจ้าหน้าที่ตรวจแล้ว (public once staff have checked it)"
    )
    return [{"service_request_id": report.ticket, "service_notice": notice, "account_id": None}]


def _w3(value: datetime | None) -> str | None:
    return value.astimezone(THAI_TZ).isoformat(timespec="seconds") if value else None


def request_record(report: CitizenReport, settings: Settings) -> dict[str, Any]:
    """One service request as GeoReport v2 answers it, from :func:`public_fields` only."""
    shown = public_fields(report)
    kind = ReportKind(shown["kind"])
    status = _STATUS[ReportStatus(shown["status"])]
    updated = shown["closed_at"] if status == "closed" and shown["closed_at"] else None
    return {
        "service_request_id": shown["ticket"],
        "status": status,
        "status_notes": shown["public_reply"],
        "service_name": SERVICES[kind][0],
        "service_code": kind.value,
        "description": shown["description"],
        "agency_responsible": settings.office_name,
        "service_notice": None,
        "requested_datetime": _w3(shown["created_at"]),
        "updated_datetime": _w3(updated or shown["updated_at"]),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": shown["lat"],
        "long": shown["lon"],
        "media_url": None,
    }


def _in_jurisdiction(report: CitizenReport, jurisdiction: int | None) -> bool:
    return jurisdiction is None or report.subdistrict_id == jurisdiction


def _public_report(session: Session, ticket: str, jurisdiction: int | None = None) -> CitizenReport:
    report = report_by_ticket(session=session, ticket=ticket)
    if (
        report is None
        or report.visibility != ReportVisibility.public
        or not _in_jurisdiction(report, jurisdiction)
    ):
        raise NotFound.of("open311_request_unknown", field="service_request_id", value=ticket)
    return report


def find_requests(
    *, session: Session, settings: Settings, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """GET service requests: public reports by id list, or filtered by code, status and
    requested date (default: the last 90 days), a page at a time, newest first; only the
    subdistrict ``jurisdiction_id`` names when given."""
    jurisdiction = check_jurisdiction(
        session=session, jurisdiction_id=_text(params, "jurisdiction_id")
    )
    wanted = _codes(_text(params, "service_request_id"))
    if wanted:  # the spec: with ids, every other filter (but the jurisdiction) is ignored
        found = [report_by_ticket(session=session, ticket=t) for t in wanted]
        return [
            request_record(r, settings)
            for r in found
            if r is not None
            and r.visibility == ReportVisibility.public
            and _in_jurisdiction(r, jurisdiction)
        ]
    kinds = [_service(code) for code in _codes(_text(params, "service_code"))] or None
    statuses: list[ReportStatus] | None = None
    for value in _codes(_text(params, "status")):
        if value not in _STATUSES_OF:
            raise InvalidInput.of("open311_status_unknown", field="status", value=value)
        statuses = [*(statuses or []), *_STATUSES_OF[value]]
    start, end = _w3_datetime(params, "start_date"), _w3_datetime(params, "end_date")
    if start is None and end is None:
        start = utc_now() - timedelta(days=DEFAULT_DAYS)
    if start is not None and end is not None and end < start:
        raise InvalidInput.of("open311_date_order", field="end_date")
    page = _whole(params, "page", 1, 1_000_000)
    size = _whole(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    reports = list_reports(
        session=session,
        statuses=statuses,
        kinds=kinds,
        visibility=[ReportVisibility.public],
        since=start,
        until=end + timedelta(microseconds=1) if end else None,
        limit=size,
        offset=(page - 1) * size,
        subdistrict_id=jurisdiction,
    )
    return [request_record(r, settings) for r in reports]


def request_detail(
    *, session: Session, settings: Settings, service_request_id: str, jurisdiction_id: str | None
) -> list[dict[str, Any]]:
    """GET one service request (a list of one, as the spec answers); 404 unless public (and
    of the subdistrict ``jurisdiction_id`` names, when given)."""
    jurisdiction = check_jurisdiction(session=session, jurisdiction_id=jurisdiction_id)
    report = _public_report(session, service_request_id, jurisdiction)
    return [request_record(report, settings)]
