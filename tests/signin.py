"""Signing a test client in as a browser does: the token is posted once to ``/login``."""

from __future__ import annotations

from fastapi.testclient import TestClient

SESSION_COOKIE = "fieldsvc_session"
CSRF_COOKIE = "fieldsvc_csrf"


def sign_in(client: TestClient, token: str) -> str:
    """Sign ``client`` in with ``token``; returns the session's CSRF token, which the client
    then sends with every request (as the phone form's script and the staff forms do)."""
    response = client.post("/login", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    csrf = client.cookies.get(CSRF_COOKIE)
    assert csrf
    client.headers["X-CSRF-Token"] = csrf
    return csrf
