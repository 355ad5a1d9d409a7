"""The public report page at ``/report`` (no account), its status page, and staff moderation.

The page's files live in ``fieldsvc/api/static/report/`` and are served here so that the
service worker (``/report/sw.js``) has the scope ``/report/`` and the page opens offline. The
report itself is sent to ``POST /report/send`` (outside ``/api/``: no sign-in), capped in size
before its body is read. The resident's status page is ``/report/t/{ticket}?k={access_key}``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from fieldsvc.api.citizen_words import words_for
from fieldsvc.api.deps import MAX_ROW_ID, EditorPlace, SessionDep, SettingsDep, StaffPlace
from fieldsvc.api.i18n import language
from fieldsvc.api.pages import render
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound, PayloadTooLarge
from fieldsvc.services.citizen_public import (
    PublicSubmission,
    moderate_report,
    nearby_open_reports,
    send_public_report,
    status_view,
)
from fieldsvc.services.citizen_reports import ReportDraft, public_fields
from fieldsvc.services.citizen_triage import (
    QueueFilter,
    TriageAction,
    report_photo,
    staff_fields,
    triage_detail,
    triage_queue,
    triage_report,
)

PAGE_DIR: Final = Path(__file__).resolve().parents[1] / "static" / "report"
JS: Final = "text/javascript; charset=utf-8"
#: The page's files; all of them are in sw.js's list too (the page opens offline).
PAGE_FILES: Final[dict[str, str]] = {
    "index.html": "text/html; charset=utf-8",
    "report.js": JS,
    "report.css": "text/css; charset=utf-8",
}
TEXT_FIELDS: Final = ("kind", "description", "name", "phone", "draft_id", "device_id", "join")

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/citizen", tags=["citizen reports"])


def page_version(settings: Settings) -> str:
    """A short hash of the page's files (and the retention the page states): the service
    worker's cache name changes with it."""
    has_tiles = settings.mbtiles_path is not None or settings.tiles_dir is not None
    digest = hashlib.sha256(f"{settings.citizen_contact_keep_days} {has_tiles}".encode())
    for name in sorted(PAGE_FILES):
        digest.update(name.encode() + (PAGE_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


def _file(name: str, media_type: str, settings: Settings) -> Response:
    body = (PAGE_DIR / name).read_bytes()
    if name == "sw.js":
        body = body.replace(b"__PAGE_VERSION__", page_version(settings).encode())
    if name == "index.html":
        body = body.replace(b"__KEEP_DAYS__", str(settings.citizen_contact_keep_days).encode())
        has_tiles = settings.mbtiles_path is not None or settings.tiles_dir is not None
        body = body.replace(b"__TILES__", b"/tiles/{z}/{x}/{y}.png" if has_tiles else b"")
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if name == "index.html":
        headers["Referrer-Policy"] = "no-referrer"
    return Response(body, media_type=media_type, headers=headers)


@router.get("/report")
def report_page(settings: SettingsDep) -> Response:
    return _file("index.html", PAGE_FILES["index.html"], settings)


@router.get("/report/")
def report_page_slash() -> RedirectResponse:
    return RedirectResponse("/report", status_code=308)


@router.get("/report/sw.js")
def report_service_worker(settings: SettingsDep) -> Response:
    response = _file("sw.js", JS, settings)
    response.headers["Service-Worker-Allowed"] = "/report"
    return response


@router.get("/report/nearby")
def report_nearby(
    session: SessionDep,
    settings: SettingsDep,
    lon: Annotated[float, Query(ge=-180, le=180)],
    lat: Annotated[float, Query(ge=-90, le=90)],
    kind: Annotated[str, Query(max_length=24)],
) -> Any:
    return nearby_open_reports(session=session, settings=settings, lon=lon, lat=lat, kind=kind)


@router.get("/report/t/{ticket}", response_class=HTMLResponse)
def report_status(
    request: Request,
    session: SessionDep,
    ticket: str,
    k: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    view = status_view(session=session, ticket=ticket, access_key=k)
    lang = language(request)
    page = render(request, "public/report_status.html", w=words_for(lang), **view)
    page.headers["Referrer-Policy"] = "no-referrer"  # the key is in the address
    page.headers["Cache-Control"] = "no-store"
    return page


@router.get("/report/{name}")
def report_file(name: str, settings: SettingsDep) -> Response:
    if name not in PAGE_FILES:
        raise NotFound.of("phone_app_file_not_found", field="name", name=name)
    return _file(name, PAGE_FILES[name], settings)


def _number(form: Any, name: str) -> float | None:
    value = form.get(name)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidInput.of(
            "citizen_not_a_number", field=name, name=name, value=str(value)[:40]
        ) from None


@router.post("/report/send", status_code=202)
async def report_send(request: Request, session: SessionDep, settings: SettingsDep) -> Any:
    cap = settings.citizen_max_request_bytes
    size = request.headers.get("content-length", "")
    if not size.isdigit() or int(size) > cap:
        raise PayloadTooLarge.of("citizen_request_too_large", field="body", max_bytes=cap)
    form = await request.form(max_files=1, max_fields=20)
    text: dict[str, str | None] = {}
    for key in (*TEXT_FIELDS, "website"):
        value = form.get(key)
        text[key] = value if isinstance(value, str) else None
    lon, lat = _number(form, "lon"), _number(form, "lat")
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput.of("citizen_outside_area", field="lat")
    upload = form.get("photo")
    photo = await upload.read() if isinstance(upload, UploadFile) else None
    draft = ReportDraft(
        kind=text["kind"] or "",
        lon=lon,
        lat=lat,
        accuracy_m=_number(form, "accuracy"),
        located_by="map" if form.get("located_by") == "map" else "gps",
        description=text["description"],
        contact_name=text["name"],
        contact_phone=text["phone"],
        draft_id=(text["draft_id"] or None) and str(text["draft_id"])[:64],
    )
    sent = await run_in_threadpool(
        send_public_report,
        session=session,
        settings=settings,
        sent=PublicSubmission(
            draft=draft,
            photo=photo or None,
            join_ticket=text["join"] or None,
            honeypot=text["website"],
            client_address=request.client.host if request.client else None,
            device_id=text["device_id"],
        ),
    )
    if sent.report is None:  # a bot: the same answer, nothing kept
        return {"status": "received"}
    report = sent.report
    return {
        "status": "received",
        "ticket": report.ticket,
        "status_url": f"/report/t/{report.ticket}?k={report.access_key}",
    }


@api_router.post("/reports/{ticket}/moderation", summary="Accept (make public) or hide a report")
def report_moderation(
    session: SessionDep,
    place: EditorPlace,
    ticket: str,
    action: Annotated[str, Body(embed=True, max_length=16)],
) -> Any:
    report = moderate_report(
        session=session, ticket=ticket, action=action, user=place.user, place=place
    )
    return {**public_fields(report), "visibility": str(report.visibility)}


# --- staff triage (fieldsvc.services.citizen_triage decides who may) ---------------------------


@api_router.get("/reports", summary="The triage queue: reports with the nearest registered bins")
def report_queue(
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
    kind: Annotated[str, Query(max_length=24)] = "",
    status: Annotated[str, Query(max_length=16)] = "open",
    village_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    visibility: Annotated[str, Query(max_length=16)] = "",
    order: Annotated[str, Query(max_length=8)] = "newest",
) -> Any:
    chosen = QueueFilter.parse(
        kind=kind, status=status, village_id=village_id, visibility=visibility, order=order
    )
    queue = triage_queue(
        session=session,
        settings=settings,
        user=place.user,
        chosen=chosen,
        subdistrict_id=place.subdistrict_id,
    )
    return {
        "reports": [staff_fields(item, place.user) for item in queue.items],
        "more": queue.more,
        "open_by_village": [
            {"village_id": c.village_id, "number": c.number, "open_reports": c.open_reports}
            for c in queue.counts
        ],
    }


@api_router.get("/reports/{ticket}", summary="One report for staff, with its history")
def report_for_staff(
    ticket: str, session: SessionDep, settings: SettingsDep, place: StaffPlace
) -> Any:
    item = triage_detail(
        session=session, settings=settings, user=place.user, ticket=ticket, place=place
    )
    return staff_fields(item, place.user)


@api_router.get(
    "/reports/{ticket}/photo", summary="The resident's photo (staff only)", response_class=Response
)
def report_photo_file(
    ticket: str, session: SessionDep, settings: SettingsDep, place: StaffPlace
) -> Any:
    path, media_type = report_photo(
        session=session, settings=settings, user=place.user, ticket=ticket, place=place
    )
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@api_router.post(
    "/reports/{ticket}/triage",
    summary="Link to a bin, unlink, merge, reply publicly, move the status or reopen",
)
def report_triage(
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    ticket: str,
    action: Annotated[str, Body(embed=True, max_length=16)],
    bin_code: Annotated[str | None, Body(embed=True, max_length=64)] = None,
    original_ticket: Annotated[str | None, Body(embed=True, max_length=32)] = None,
    text: Annotated[str | None, Body(embed=True, max_length=20_000)] = None,
    status: Annotated[str | None, Body(embed=True, max_length=16)] = None,
) -> Any:
    report = triage_report(
        session=session,
        settings=settings,
        user=place.user,
        ticket=ticket,
        action=TriageAction(action, bin_code, original_ticket, text, status),
        place=place,
    )
    item = triage_detail(
        session=session, settings=settings, user=place.user, ticket=report.ticket, place=place
    )
    return staff_fields(item, place.user)


router.include_router(api_router)
