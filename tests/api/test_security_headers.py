"""Every answer carries the security headers; staff pages and private photos are never cached."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fieldsvc.api.app import create_app
from fieldsvc.api.security import content_security_policy
from fieldsvc.config import Settings


def test_pages_have_csp_nosniff_frame_and_referrer_policy(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert "object-src 'none'" in csp and "https:" not in csp and "http:" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in page.headers  # plain http: HSTS means nothing


def test_api_errors_carry_the_headers_too(client: TestClient) -> None:
    answer = client.get("/api/v1/submissions")
    assert answer.status_code == 401
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_staff_pages_are_not_stored(client: TestClient, staff_token: str) -> None:
    auth = {"Authorization": f"Bearer {staff_token}"}
    for path in ("/staff/review", "/staff"):  # a page, and an error page (no subdistrict yet)
        page = client.get(path, headers=auth)
        assert page.headers["cache-control"] == "no-store", (path, page.status_code)
    assert client.get("/staff/review", headers=auth).status_code == 200


def test_hsts_only_over_https(settings: Settings, engine: object) -> None:
    with TestClient(create_app(settings, engine=engine), base_url="https://office.example") as c:  # type: ignore[arg-type]
        assert c.get("/healthz").headers["strict-transport-security"] == "max-age=31536000"


def test_online_tile_host_is_the_only_foreign_origin_allowed(settings: Settings) -> None:
    online = settings.model_copy(update={"map_base_layer": "https://tiles.example/{z}/{x}/{y}.png"})
    csp = content_security_policy(online)
    assert "img-src 'self' data: blob: https://tiles.example;" in csp
    assert csp.count("https://") == 1


def test_json_answers_write_non_finite_numbers_as_null() -> None:
    from fieldsvc.api.responses import StrictJSONResponse

    body = StrictJSONResponse({"a": float("inf"), "b": [float("nan"), 1.5], "c": "x"}).body
    assert body == b'{"a":null,"b":[null,1.5],"c":"x"}'
