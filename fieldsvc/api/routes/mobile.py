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
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from fieldsvc.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldsvc.errors import NotFound
from fieldsvc.ingest.openrosa import BANGKOK
from fieldsvc.models import Bin, Inspection, InspectionSource, Role, User, Village
from fieldsvc.resources import web_form_dir
from fieldsvc.storage.users import village_ids_of

WEB_DIR: Final = web_form_dir()

#: File name → media type. Only these are served (no directory listing, no path tricks).
SHELL_FILES: Final[dict[str, str]] = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "manifest.webmanifest": "application/manifest+json",
    "icon.svg": "image/svg+xml",
    "icon-192.png": "image/png",
    "icon-512.png": "image/png",
}
SW_FILE: Final = "sw.js"
VERSION_MARK: Final = "__SHELL_VERSION__"
#: Radius of the "is this bin already registered?" list on the phone, metres.
NEARBY_RADIUS_M: Final = 30.0

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
        raise NotFound(f"No file {name!r} in the phone app", message_th="ไม่พบไฟล์", field="name")
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
        raise NotFound(f"No file {name!r} in the phone app", message_th="ไม่พบไฟล์", field="name")
    return _shell_response(request, name, SHELL_FILES[name])


# --- who am I, and how far along ----------------------------------------------------------------


class VillageBrief(BaseModel):
    id: int
    number: int
    name: str


class Progress(BaseModel):
    month_start: datetime = Field(description="Start of this month, Thailand time")
    bins_inspected: int = Field(description="Bins in my villages surveyed this month")
    bins_registered: int = Field(description="Bins registered in my villages")


class FormSettings(BaseModel):
    max_gps_accuracy_m: float = Field(description="Worse fixes are flagged (amber/red limit)")
    nearby_radius_m: float = Field(description="Radius of the 'already registered?' list")
    duplicate_radius_m: float


class MeOut(BaseModel):
    username: str
    display_name: str
    role: Role
    villages: list[VillageBrief] = Field(description="The villages this user surveys")
    all_villages: bool = Field(description="Staff: every village of the subdistrict")
    progress: Progress
    settings: FormSettings
    server_time: datetime


def month_start(now: datetime) -> datetime:
    """Midnight on the first of ``now``'s month in Thailand, as an aware datetime."""
    local = now.astimezone(BANGKOK)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def progress_of(*, session: Session, village_ids: list[int] | None, now: datetime) -> Progress:
    """Bins surveyed since the start of the month out of the bins registered, in the villages."""
    start = month_start(now)
    registered = select(func.count()).select_from(Bin)
    inspected = (
        select(func.count(func.distinct(Inspection.bin_id)))
        .select_from(Inspection)
        .join(Bin, col(Bin.id) == col(Inspection.bin_id))
        .where(
            col(Inspection.source) == InspectionSource.survey.value,
            col(Inspection.observed_at) >= start.astimezone(UTC),
        )
    )
    if village_ids is not None:
        registered = registered.where(col(Bin.village_id).in_(village_ids))
        inspected = inspected.where(col(Bin.village_id).in_(village_ids))
    return Progress(
        month_start=start,
        bins_inspected=int(session.exec(inspected).one()),
        bins_registered=int(session.exec(registered).one()),
    )


def _villages_of(session: Session, user: User, ids: list[int] | None) -> list[VillageBrief]:
    query = select(Village).order_by(col(Village.number))
    if ids is not None:
        query = query.where(col(Village.id).in_(ids))
    return [VillageBrief(id=v.id or 0, number=v.number, name=v.name) for v in session.exec(query)]


@api_router.get(
    "/me",
    response_model=MeOut,
    summary="The signed-in user, their villages and this month's progress (phone form)",
)
def get_me(session: SessionDep, settings: SettingsDep, user: CurrentUser) -> MeOut:
    ids = village_ids_of(session=session, user=user)
    now = datetime.now(UTC)
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        villages=_villages_of(session, user, ids),
        all_villages=ids is None,
        progress=progress_of(session=session, village_ids=ids, now=now),
        settings=FormSettings(
            max_gps_accuracy_m=settings.max_gps_accuracy_m,
            nearby_radius_m=NEARBY_RADIUS_M,
            duplicate_radius_m=settings.duplicate_radius_m,
        ),
        server_time=now,
    )


router.include_router(api_router)
