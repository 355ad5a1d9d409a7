"""Open311 discovery, service list and service definitions, against the GeoReport v2 examples:
the same elements, in the same order, in JSON and in XML (parsed, element by element)."""

from __future__ import annotations

import json

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient

from tests.open311.conftest import JURISDICTION

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
#: The elements of one service, in the order of the spec's GET Service List example.
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
CODES = ["bin_full", "bin_broken", "bin_missing", "bin_request", "dumping"]


def _xml(answer: object) -> object:
    content: bytes = answer.content  # type: ignore[attr-defined]
    assert content.startswith(XML_DECLARATION)
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"  # type: ignore[attr-defined]
    return fromstring(content)


def test_discovery_names_the_v2_endpoint_and_its_formats(client: TestClient) -> None:
    as_json = client.get("/open311/v2/discovery.json")
    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json; charset=utf-8"
    document = as_json.json()
    assert list(document) == ["changeset", "contact", "key_service", "endpoints"]
    (endpoint,) = document["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2",
        "changeset": document["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    assert "องค์การบริหารส่วนตำบล" in document["contact"]
    root = _xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    (xml_endpoint,) = root.find("endpoints")
    assert xml_endpoint.tag == "endpoint"
    assert [c.tag for c in xml_endpoint] == [
        "specification",
        "url",
        "changeset",
        "type",
        "formats",
    ]
    assert xml_endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in xml_endpoint.find("formats")] == ["text/xml", "application/json"]
    assert [f.tag for f in xml_endpoint.find("formats")] == ["format", "format"]
    assert root.findtext("changeset") == document["changeset"]


def test_services_list_one_realtime_service_per_report_kind(client: TestClient) -> None:
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == CODES
    for service in services:
        assert list(service) == SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime"
    names = {s["service_code"]: s["service_name"] for s in services}
    assert names["bin_full"] == "ถังขยะเต็ม / ขยะล้นถัง"
    assert names["dumping"] == "ทิ้งขยะไม่เป็นที่"
    groups = {s["service_code"]: s["group"] for s in services}
    assert groups == {**dict.fromkeys(CODES[:4], "ถังขยะ"), "dumping": "ความสะอาด"}
    root = _xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    assert [s.tag for s in root] == ["service"] * 5
    for element, service in zip(root, services, strict=True):
        assert [c.tag for c in element] == SERVICE_FIELDS
        assert element.findtext("metadata") == "false"
        for name in ("service_code", "service_name", "description", "type", "keywords", "group"):
            assert element.findtext(name) == service[name]


def test_the_subdistrict_code_is_the_jurisdiction(client: TestClient) -> None:
    right = client.get(f"/open311/v2/services.json?jurisdiction_id={JURISDICTION}")
    assert right.status_code == 200 and len(right.json()) == 5
    wrong = client.get("/open311/v2/services.json?jurisdiction_id=100101")
    assert wrong.status_code == 404
    (error,) = wrong.json()
    assert error["code"] == 404
    assert error["description"].startswith("jurisdiction_id: ")
    assert "100101" in error["description"] and JURISDICTION in error["description"]


@pytest.mark.parametrize("code", CODES)
def test_service_definition_has_no_extra_attributes(client: TestClient, code: str) -> None:
    assert client.get(f"/open311/v2/services/{code}.json").json() == {
        "service_code": code,
        "attributes": [],
    }
    root = _xml(client.get(f"/open311/v2/services/{code}.xml"))
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    assert root.findtext("service_code") == code and len(root.find("attributes")) == 0


def test_an_unknown_service_code_is_the_spec_404(client: TestClient) -> None:
    as_json = client.get("/open311/v2/services/pothole.json")
    assert as_json.status_code == 404
    (error,) = as_json.json()
    assert list(error) == ["code", "description"]
    assert error["code"] == 404
    assert error["description"].startswith("service_code: ") and "pothole" in error["description"]
    as_xml = client.get("/open311/v2/services/pothole.xml")
    assert as_xml.status_code == 404
    root = _xml(as_xml)
    assert root.tag == "errors"
    (element,) = root
    assert element.tag == "error" and [c.tag for c in element] == ["code", "description"]
    assert element.findtext("code") == "404"
    assert element.findtext("description") == error["description"]


def test_an_unknown_format_is_404_in_json(client: TestClient) -> None:
    answer = client.get("/open311/v2/services.csv")
    assert answer.status_code == 404
    (error,) = json.loads(answer.content)
    assert error["code"] == 404 and error["description"].startswith("format: ")
