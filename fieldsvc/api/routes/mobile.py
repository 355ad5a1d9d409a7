"""The phone web form at ``/m/`` (an offline-first installable app) and ``GET /api/v1/me``.

The app's files live in ``mobile_forms/web/``. The service worker is served from ``/m/sw.js``
so that its scope is ``/m/``; its cache name carries a hash of every shell file, so changing
any of them makes the phones fetch the new version once and then work offline again.

Shell files are sent with ``Cache-Control: no-cache`` and an ``ETag``: the service worker
answers from its own cache, and when it refreshes, an unchanged file costs a ``304``. They are
gzipped when the phone accepts it (a slow 3G link is the usual case, not the exception).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from fieldsvc.api.deps import SessionDep, SettingsDep, UserPlace
from fieldsvc.api.schemas.mobile import MeOut
from fieldsvc.errors import NotFound
from fieldsvc.resources import web_form_dir
from fieldsvc.services.mobile import month_start, phone_profile

__all__ = ["WEB_DIR", "month_start", "router", "shell_version"]

WEB_DIR: Final = web_form_dir()

JS: Final = "text/javascript; charset=utf-8"
#: File name → media type. Only these are served (no directory listing, no path tricks); app.js
#: and the ES modules it imports must all be here (and in sw.js, so they work offline).
SHELL_FILES: Final[dict[str, str]] = {
    "index.html": "text/html; charset=utf-8",
    "app.js": JS,
    "api.js": JS,
    "bins.js": JS,
    "choices.js": JS,
    "dom.js": JS,
    "due.js": JS,
    "find_bin.js": JS,
    "gps.js": JS,
    "gps_accuracy.js": JS,
    "home.js": JS,
    "nav.js": JS,
    "orders.html": "text/html; charset=utf-8",  # the service unit's work orders
    "orders.js": JS,
    "photo.js": JS,
    "records.js": JS,
    "scan.js": JS,
    "send_queue.js": JS,
    "state.js": JS,
    "store.js": JS,
    "survey.js": JS,
    "walk_order.js": JS,
    "words.js": JS,
    "app.css": "text/css; charset=utf-8",
    "manifest.webmanifest": "application/manifest+json",
    "icon.svg": "image/svg+xml",
    "icon-192.png": "image/png",
    "icon-512.png": "image/png",
}
SW_FILE: Final = "sw.js"
VERSION_MARK: Final = "__SHELL_VERSION__"

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["mobile"])


# --- the app shell -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShellFile:
    body: bytes
    gzipped: bytes | None
    etag: str
    media_type: str


@lru_cache(maxsize=32)
def _cached(name: str, media_type: str, mtime_ns: int) -> ShellFile:
    """The file as served; ``mtime_ns`` is only the cache key (a changed file is re-read)."""
    body = (WEB_DIR / name).read_bytes()
    if name == SW_FILE:
        body = body.replace(VERSION_MARK.encode(), shell_version().encode())
    compressible = not media_type.startswith("image/png")
    gzipped = gzip.compress(body, compresslevel=9, mtime=0) if compressible else None
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return ShellFile(body=body, gzipped=gzipped, etag=etag, media_type=media_type)


def shell_version() -> str:
    """A short hash of every shell file: the service worker's cache name changes with it."""
    digest = hashlib.sha256()
    for name in sorted(SHELL_FILES):
        path = WEB_DIR / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:12]


def _shell_response(request: Request, name: str, media_type: str) -> Response:
    path = WEB_DIR / name
    if not path.is_file():
        raise NotFound.of("phone_app_file_not_found", field="name", name=name)
    mtime = path.stat().st_mtime_ns
    if name == SW_FILE:  # its text depends on the other files too
        mtime = hash((mtime, shell_version()))
    item = _cached(name, media_type, mtime)
    headers = {
        "Cache-Control": "no-cache",
        "ETag": item.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if name == "index.html":
        headers["Referrer-Policy"] = "no-referrer"  # the token travels in the fragment only
    if request.headers.get("if-none-match") == item.etag:
        return Response(status_code=304, headers=headers)
    body = item.body
    if item.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = item.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=item.media_type, headers=headers)


@router.get("/m")
def mobile_no_slash() -> RedirectResponse:
    return RedirectResponse("/m/", status_code=308)


@router.get("/m/")
def mobile_index(request: Request) -> Response:
    return _shell_response(request, "index.html", SHELL_FILES["index.html"])


@router.get("/m/sw.js")
def mobile_service_worker(request: Request) -> Response:
    return _shell_response(request, SW_FILE, "text/javascript; charset=utf-8")


@router.get("/m/{name}")
def mobile_file(request: Request, name: str) -> Response:
    if name not in SHELL_FILES:
        raise NotFound.of("phone_app_file_not_found", field="name", name=name)
    return _shell_response(request, name, SHELL_FILES[name])


# --- who am I, and how far along ----------------------------------------------------------------


@api_router.get(
    "/me",
    response_model=MeOut,
    summary="The signed-in user, their villages and this month's progress (phone form)",
)
def get_me(session: SessionDep, settings: SettingsDep, place: UserPlace) -> MeOut:
    profile = phone_profile(
        session=session, settings=settings, user=place.user, subdistrict=place.subdistrict
    )
    return MeOut.model_validate(profile)


router.include_router(api_router)
