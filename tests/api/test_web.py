from __future__ import annotations

from fastapi.testclient import TestClient


def test_home_is_thai_by_default_and_switches_to_english(client: TestClient) -> None:
    thai = client.get("/")
    assert thai.status_code == 200
    assert '<html lang="th">' in thai.text
    assert "ทะเบียนถังขยะ" in thai.text
    english = client.get("/?lang=en")
    assert "Waste-bin register" in english.text
    # the choice is remembered
    assert "Waste-bin register" in client.get("/").text


def test_sign_in_link_posts_its_form_and_goes_to_the_dashboard(
    client: TestClient, staff_token: str
) -> None:
    form = client.get(f"/login/{staff_token}", follow_redirects=False)
    assert form.status_code == 200
    assert 'action="/login"' in form.text and f'value="{staff_token}"' in form.text
    response = client.post("/login", data={"token": staff_token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/staff"
    assert staff_token not in response.headers["set-cookie"]
    assert "เจ้าหน้าที่ทดสอบ" in client.get("/").text


def test_unknown_token_is_refused_with_a_thai_message(client: TestClient) -> None:
    response = client.post("/login", data={"token": "not-a-token"})
    assert response.status_code == 401
    assert "ลิงก์นี้ใช้ไม่ได้" in response.text


def test_api_errors_have_one_shape_naming_the_field(client: TestClient, staff_token: str) -> None:
    response = client.get("/api/v1/bins/NOPE", headers={"Authorization": f"Bearer {staff_token}"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["field"] == "bin_code"
    assert "NOPE" in error["message_th"]
    unauthenticated = client.get("/api/v1/bins")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["code"] == "unauthorized"
