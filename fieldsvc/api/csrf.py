"""Cross-site request forgery: one check for every state-changing request.

A browser sends the session cookie with any request to this server, even one another site
makes it send. So a POST, PUT, PATCH or DELETE that is signed in *by the cookie* must

1. come from this site's own pages: a ``Sec-Fetch-Site`` that is absent, ``same-origin`` or
   ``none``, and an ``Origin`` that is absent, ``null`` (see ``from_this_site``) or names this
   server (its ``Host`` or ``FIELDSVC_PUBLIC_BASE_URL``); and
2. carry the session's CSRF token: the ``csrf_token`` field of a staff form or an
   ``X-CSRF-Token`` header (the phone form's script).

A request with a bearer or path token carries no ambient credential and is not checked; one
with no credential at all is answered by the route (401). ``POST /login`` gets the origin
check too, so another site cannot sign a browser in as someone else.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import Request

from fieldsvc.api.deps import SESSION_COOKIE, request_credentials
from fieldsvc.config import Settings
from fieldsvc.errors import Forbidden
from fieldsvc.storage.signin_sessions import csrf_token_for

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SIGN_IN_PATH = "/login"
FORM_TYPE = "application/x-www-form-urlencoded"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def from_this_site(request: Request, settings: Settings) -> bool:
    """True when the request's ``Origin`` / ``Sec-Fetch-Site`` say it came from our pages."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site not in (None, "same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # "null" is what our own pages send: under their ``Referrer-Policy: no-referrer`` a
        # browser hides the origin of a form post or fetch. It proves nothing either way (and
        # over plain http on the office network there is no Sec-Fetch-Site to ask), so the
        # session's CSRF token decides.
        return True
    origin = origin.lower()
    host = request.headers.get("host", "").lower()
    # The scheme is not compared with ours: behind a TLS proxy the app may see plain http.
    if host and urlsplit(origin).netloc == host and urlsplit(origin).scheme in ("http", "https"):
        return True
    return bool(settings.public_base_url) and origin == _origin(settings.public_base_url or "")


async def _sent_csrf_token(request: Request) -> str | None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPE):
        value = (await request.form()).get(CSRF_FIELD)  # cached: the route reads the same form
        sent = value if isinstance(value, str) else None
    return sent


async def csrf_protection(request: Request) -> None:
    """An app-wide dependency: refuse (403) a forged state-changing request (see above)."""
    if request.method in SAFE_METHODS:
        return
    settings: Settings = request.app.state.settings
    if request.url.path == SIGN_IN_PATH:
        if not from_this_site(request, settings):
            raise Forbidden.of("cross_site_request")
        return
    credentials = request_credentials(request)
    session_id = credentials.session_id
    if credentials.token or not session_id:
        return
    if not from_this_site(request, settings):
        raise Forbidden.of("cross_site_request")
    sent = await _sent_csrf_token(request)
    if not sent or not hmac.compare_digest(sent.encode(), csrf_token_for(session_id).encode()):
        raise Forbidden.of("csrf_token_missing", field=CSRF_FIELD)


__all__ = ["CSRF_FIELD", "SESSION_COOKIE", "csrf_protection", "from_this_site"]
