"""Open311 service requests: POST with a partner key, GET the list and one request, in JSON
and XML against the GeoReport v2 examples; bad input answers the spec's error body naming the
field; contact details are never answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.models import CitizenReport, ReportStatus
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.storage.open311_keys import key_by_name, revoke_key
from tests.open311.conftest import INSIDE, JURISDICTION

#: The elements of one request, in the order of the spec's GET Service Requests example.
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
CONTACT = {
    "first_name": "สมหญิง",
    "last_name": "รักบ้านเกิด",
    "phone": "0891234567",
    "email": "somying@example.org",
    "address_string": "บ้านเลขที่ 99/9 ซอยลับ",
    "device_id": "device-secret-42",
    "account_id": "account-secret-7",
}


def _post(client: TestClient, key: str | None, fmt: str = "json", **fields: str) -> Any:
    form = {"service_code": "bin_full", **INSIDE, "description": "ถังเต็มล้น", **fields}
    if key is not None:
        form["api_key"] = key
    return client.post(f"/open311/v2/requests.{fmt}", data=form)


def _reports(engine: Engine) -> list[CitizenReport]:
    with Session(engine) as session:
        return list(session.exec(select(CitizenReport).order_by(CitizenReport.id)).all())


def _update(engine: Engine, ticket: str, **values: object) -> None:
    with Session(engine) as session:
        report = session.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).one()
        for name, value in values.items():
            setattr(report, name, value)
        session.add(report)
        session.commit()


def _error(answer: Any, status: int, field: str) -> str:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1
    assert list(body[0]) == ["code", "description"] and body[0]["code"] == status
    assert body[0]["description"].startswith(f"{field}: "), body
    return str(body[0]["description"])


# --- POST --------------------------------------------------------------------------------------


def test_a_partner_posts_a_request_and_gets_its_id(
    client: TestClient, engine: Engine, api_key: str
) -> None:
    answer = _post(client, api_key, jurisdiction_id=JURISDICTION, **CONTACT)
    assert answer.status_code == 201, answer.text
    (sent,) = answer.json()
    assert list(sent) == ["service_request_id", "service_notice", "account_id"]
    (report,) = _reports(engine)
    assert sent["service_request_id"] == report.ticket
    assert sent["account_id"] is None
    assert report.ticket in sent["service_notice"]
    assert report.channel == "open311" and report.partner == "แอปเมืองดี"
    assert (report.kind, report.lat, report.lon) == ("bin_full", 16.305, 103.305)
    assert report.contact_name == "สมหญิง รักบ้านเกิด"
    assert (report.contact_phone, report.contact_email) == ("0891234567", "somying@example.org")
    assert report.address == CONTACT["address_string"]
    assert report.visibility == ReportVisibility.pending  # moderated like any report
    as_xml = _post(client, api_key, "xml")
    assert as_xml.status_code == 201
    root = fromstring(as_xml.content)
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == _reports(engine)[1].ticket
    assert request.findtext("account_id") == ""  # empty element: null in JSON


def test_the_same_data_posted_twice_is_two_requests(
    client: TestClient, engine: Engine, api_key: str
) -> None:
    first = _post(client, api_key).json()[0]["service_request_id"]
    second = _post(client, api_key).json()[0]["service_request_id"]
    assert first != second
    assert [r.ticket for r in _reports(engine)] == [first, second]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_wrong_or_revoked_key_is_403(
    client: TestClient, engine: Engine, api_key: str, fmt: str
) -> None:
    answers = [_post(client, None, fmt), _post(client, "not-a-key", fmt)]
    with Session(engine) as session:
        record = key_by_name(session=session, name="แอปเมืองดี")
        assert record is not None
        revoke_key(session=session, record=record)
        session.commit()
    answers.append(_post(client, api_key, fmt))
    for answer in answers:
        assert answer.status_code == 403
        if fmt == "json":
            _error(answer, 403, "api_key")
        else:
            (error,) = fromstring(answer.content)
            assert error.findtext("code") == "403"
            assert (error.findtext("description") or "").startswith("api_key: ")
    assert _reports(engine) == []


@pytest.mark.parametrize(
    ("fields", "status", "field", "says"),
    [
        ({"service_code": ""}, 400, "service_code", "service_code was not provided"),
        ({"service_code": "pothole"}, 404, "service_code", "pothole"),
        ({"lat": "abc"}, 400, "lat", "got abc"),
        ({"lat": "91"}, 400, "lat", "from -90 to 90"),
        ({"long": "181.5"}, 400, "long", "got 181.5"),
        ({"lat": "", "long": ""}, 400, "lat", "lat and long are required"),
        ({"long": ""}, 400, "long", "long was not provided"),
        ({"jurisdiction_id": "100101"}, 404, "jurisdiction_id", "100101"),
        ({"lat": "13.75", "long": "100.5"}, 400, "lat", "outside the area"),
        ({"description": "ก" * 1001}, 400, "description", "too long"),
        ({"first_name": "ก" * 1001}, 400, "first_name", "too long"),
    ],
)
def test_bad_input_is_the_spec_error_naming_the_field(
    client: TestClient,
    engine: Engine,
    api_key: str,
    fields: dict[str, str],
    status: int,
    field: str,
    says: str,
) -> None:
    assert says in _error(_post(client, api_key, **fields), status, field)
    as_xml = _post(client, api_key, "xml", **fields)
    assert as_xml.status_code == status
    root = fromstring(as_xml.content)
    assert root.tag == "errors"
    (error,) = root
    assert error.findtext("code") == str(status)
    assert (error.findtext("description") or "").startswith(f"{field}: ")
    assert _reports(engine) == []


# --- GET ---------------------------------------------------------------------------------------


def test_get_requests_lists_public_reports_as_the_spec_example(
    public_client: TestClient, engine: Engine, api_key: str
) -> None:
    closed = _post(public_client, api_key).json()[0]["service_request_id"]
    opened = _post(public_client, api_key, service_code="dumping", description="ทิ้งขยะริมทาง")
    opened_id = opened.json()[0]["service_request_id"]
    done_at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    _update(
        engine,
        closed,
        status=ReportStatus.done,
        public_reply="เก็บขยะแล้ว ขอบคุณที่แจ้ง",
        closed_at=done_at,
    )
    listed = public_client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [opened_id, closed]
    for record in listed:
        assert list(record) == REQUEST_FIELDS
    newer, older = listed
    assert (newer["status"], newer["status_notes"]) == ("open", None)
    assert (newer["service_code"], newer["service_name"]) == ("dumping", "ทิ้งขยะไม่เป็นที่")
    assert newer["description"] == "ทิ้งขยะริมทาง"
    assert (older["status"], older["status_notes"]) == ("closed", "เก็บขยะแล้ว ขอบคุณที่แจ้ง")
    assert older["updated_datetime"] == "2026-11-30T16:00:00+07:00"
    assert (older["lat"], older["long"]) == (16.305, 103.305)
    assert older["agency_responsible"] == "องค์การบริหารส่วนตำบลตัวอย่าง"
    requested = datetime.fromisoformat(older["requested_datetime"])
    assert requested.utcoffset() == timedelta(hours=7)
    assert abs(datetime.now(UTC) - requested) < timedelta(minutes=5)
    root = fromstring(public_client.get("/open311/v2/requests.xml").content)
    assert root.tag == "service_requests"
    assert [e.tag for e in root] == ["request", "request"]
    for element, record in zip(root, listed, strict=True):
        assert [c.tag for c in element] == REQUEST_FIELDS
        for name in REQUEST_FIELDS:
            expected = record[name]
            assert element.findtext(name) == ("" if expected is None else str(expected))
    one = public_client.get(f"/open311/v2/requests/{closed}.json").json()
    assert one == [older]
    (single,) = fromstring(public_client.get(f"/open311/v2/requests/{closed}.xml").content)
    assert single.findtext("status") == "closed"


def test_in_progress_is_open_and_filters_pick_by_status_code_and_ids(
    public_client: TestClient, engine: Engine, api_key: str
) -> None:
    ids = [_post(public_client, api_key).json()[0]["service_request_id"] for _ in range(3)]
    extra = _post(public_client, api_key, service_code="bin_broken").json()[0]
    _update(engine, ids[0], status=ReportStatus.in_progress)
    _update(engine, ids[1], status=ReportStatus.done, closed_at=datetime.now(UTC))

    def listed(query: str) -> list[str]:
        answer = public_client.get(f"/open311/v2/requests.json?{query}")
        assert answer.status_code == 200, answer.text
        return [r["service_request_id"] for r in answer.json()]

    assert listed("status=open") == [extra["service_request_id"], ids[2], ids[0]]
    assert listed("status=closed") == [ids[1]]
    assert listed("status=open,closed") == listed("")
    assert listed("service_code=bin_broken") == [extra["service_request_id"]]
    assert listed("service_code=bin_broken,bin_full&status=closed") == [ids[1]]
    assert listed(f"service_request_id={ids[2]},{ids[0]}") == [ids[2], ids[0]]
    assert listed(f"service_request_id={ids[2]}&status=closed") == [ids[2]]  # ids win
    assert listed(f"jurisdiction_id={JURISDICTION}&page_size=2") == [
        extra["service_request_id"],
        ids[2],
    ]
    assert listed("page_size=2&page=2") == [ids[1], ids[0]]
    assert listed("page_size=2&page=3") == []


def test_dates_choose_by_requested_datetime(
    public_client: TestClient, engine: Engine, api_key: str
) -> None:
    old, recent = (_post(public_client, api_key).json()[0]["service_request_id"] for _ in "ab")
    _update(engine, old, created_at=datetime(2026, 6, 1, 3, 0, tzinfo=UTC))

    def listed(query: str) -> list[str]:
        answer = public_client.get(f"/open311/v2/requests.json?{query}")
        assert answer.status_code == 200, answer.text
        return [r["service_request_id"] for r in answer.json()]

    assert listed("") == [recent]  # no dates: the last 90 days
    assert listed("start_date=2026-06-01T00:00:00Z&end_date=2026-06-02T00:00:00Z") == [old]
    # 10:00 Thai time is 03:00 UTC: the end is inclusive; the "+" encoded or not
    encoded = "start_date=2026-05-01T00:00:00%2B07:00&end_date=2026-06-01T10:00:00%2B07:00"
    assert listed(encoded) == [old]
    assert listed("start_date=2026-05-01T00:00:00+07:00&end_date=2026-06-01T09:59:59+07:00") == []
    assert listed("start_date=2026-06-01T03:00:01Z") == [recent]
    assert listed("start_date=2026-01-01T00:00:00Z") == [recent, old]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start_date=2026-06-01", "start_date"),  # no time, no zone: not a W3C datetime here
        ("end_date=2026-06-01T00:00:00", "end_date"),  # no zone
        ("start_date=yesterday", "start_date"),
        ("start_date=2026-06-02T00:00:00Z&end_date=2026-06-01T00:00:00Z", "end_date"),
        ("status=pending", "status"),
        ("service_code=pothole", "service_code"),
        ("page=0", "page"),
        ("page_size=5000", "page_size"),
        ("page_size=1.5", "page_size"),
        ("jurisdiction_id=100101", "jurisdiction_id"),
    ],
)
def test_bad_queries_are_the_spec_error_naming_the_parameter(
    client: TestClient, query: str, field: str
) -> None:
    answer = client.get(f"/open311/v2/requests.json?{query}")
    assert answer.status_code in (400, 404)
    _error(answer, answer.status_code, field)
    as_xml = client.get(f"/open311/v2/requests.xml?{query}")
    (error,) = fromstring(as_xml.content)
    assert (error.findtext("description") or "").startswith(f"{field}: ")


def test_only_public_reports_are_answered(client: TestClient, engine: Engine, api_key: str) -> None:
    pending, hidden, public = (
        _post(client, api_key).json()[0]["service_request_id"] for _ in range(3)
    )
    _update(engine, hidden, visibility=ReportVisibility.hidden)
    _update(engine, public, visibility=ReportVisibility.public)
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()] == [
        public
    ]
    ids = f"{pending},{hidden},{public}"
    assert [
        r["service_request_id"]
        for r in client.get(f"/open311/v2/requests.json?service_request_id={ids}").json()
    ] == [public]
    for ticket in (pending, hidden, "2570-99999"):
        for fmt in ("json", "xml"):
            answer = client.get(f"/open311/v2/requests/{ticket}.{fmt}")
            assert answer.status_code == 404
            if fmt == "json":
                assert ticket in _error(answer, 404, "service_request_id")
            else:
                (error,) = fromstring(answer.content)
                assert error.findtext("code") == "404"


def test_contact_details_are_never_answered(
    public_client: TestClient, engine: Engine, api_key: str
) -> None:
    ticket = _post(public_client, api_key, **CONTACT).json()[0]["service_request_id"]
    (report,) = _reports(engine)
    assert report.contact_phone == CONTACT["phone"]  # kept for the office …
    urls = [
        f"/open311/v2/requests.{fmt}{query}"
        for fmt in ("json", "xml")
        for query in ("", f"?service_request_id={ticket}")
    ] + [f"/open311/v2/requests/{ticket}.{fmt}" for fmt in ("json", "xml")]
    for url in urls:
        answer = public_client.get(url)
        assert answer.status_code == 200 and ticket.encode() in answer.content, url
        text = answer.content.decode("utf-8")
        for value in CONTACT.values():  # … and shown to nobody, the partner included
            assert value not in text, (value, url)
            assert value.encode("unicode_escape").decode() not in text, (value, url)


def test_the_key_may_come_in_the_query_string_and_a_big_body_is_refused(
    client: TestClient, engine: Engine, api_key: str, settings: Settings
) -> None:
    form = {"service_code": "bin_broken", **INSIDE}
    sent = client.post("/open311/v2/requests.json", params={"api_key": api_key}, data=form)
    assert sent.status_code == 201, sent.text
    big = {**form, "api_key": api_key, "description": "ก" * settings.max_json_bytes}
    refused = client.post("/open311/v2/requests.xml", data=big)
    assert refused.status_code == 413
    (error,) = fromstring(refused.content)
    assert error.findtext("code") == "413"
    assert (error.findtext("description") or "").startswith("body: ")
    assert [r.kind for r in _reports(engine)] == ["bin_broken"]
