"""OpenRosa 1.0 server for ODK Collect / KoboCollect: ``/openrosa/{token}/…``.

The Collect "server URL" is ``https://HOST/openrosa/<user token>`` (set by a settings QR code).

Choices where the protocol leaves room:

* A bad or revoked token is **401** with an OpenRosaResponse body and
  ``WWW-Authenticate: Token realm="fieldsvc"`` (not Basic: there is no password that could
  work, so Collect must not be invited to ask for one). Read-only viewers get **403** on POST.
* A village head's formList and forms are the same as anyone's, but ``villages.csv`` lists only
  their villages. A submission claiming another village is **stored and flagged**
  (``village_not_assigned``, held until staff decide) and answered 201: the survey is not lost
  and the phone does not retry forever.
* A photo that cannot be decoded (cut off, damaged, too many pixels, random bytes named
  ``.jpg``) does not cost the survey: the survey is received and applied as usual (201), the
  bytes are kept as received (private, never shown as an image), the survey is flagged
  ``photo_unreadable`` and the answer tells the surveyor in Thai. Collect cannot fix a finalized
  form, so refusing it would lose the inspection. Still refused, storing nothing: a photo over
  the size limit (413; Collect is told the limit in the HEAD pre-flight) and a document or
  program (PDF, EXE, ZIP: 415) or a file that claims not to be a picture at all (415).
* ``bins.csv`` is the ODK entity list ``bins``: the manifest types it ``entityList`` with an
  ``integrityUrl`` (``/entities/bins/integrity?id=…``); ``fieldsvc.services.form_lists``.
* Every response from this router carries ``X-OpenRosa-Version: 1.0``, errors included.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as StdET
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from xml.sax.saxutils import escape

from defusedxml.ElementTree import parse as safe_parse
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlmodel import Session

from fieldsvc.api.deps import EngineDep, SessionDep, SettingsDep, resolved_user
from fieldsvc.api.errors import http_status
from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError, NotFound, Unauthorized
from fieldsvc.ingest.openrosa import parse_submission_xml, read_openrosa_multipart
from fieldsvc.ingest.photos import ReceivedPhoto, receive_photo, safe_attachment_name
from fieldsvc.models import User
from fieldsvc.resources import xforms_dir
from fieldsvc.services import intake
from fieldsvc.services.form_lists import (
    BINS_CSV,
    bins_csv,
    integrity_xml,
    requested_ids,
    villages_csv,
)
from fieldsvc.services.sessions import open_session
from fieldsvc.storage.submissions import ReceiveResult
from fieldsvc.storage.users import user_for_token

FORMS_DIR = xforms_dir()
OPENROSA_VERSION = {"X-OpenRosa-Version": "1.0"}
XML_TYPE = "text/xml; charset=utf-8"
VILLAGES_CSV = "villages.csv"
ENTITY_LIST = "bins"


# --- responses ---------------------------------------------------------------------------------


def openrosa_message(message: str, *, status: int, nature: str = "") -> Response:
    """An ``<OpenRosaResponse>``: Collect shows ``message`` to the surveyor."""
    nature_attr = f' nature="{escape(nature)}"' if nature else ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
        f"<message{nature_attr}>{escape(message)}</message></OpenRosaResponse>"
    )
    return Response(body, status_code=status, media_type=XML_TYPE, headers=OPENROSA_VERSION)


def _error_response(exc: FieldsvcError) -> Response:
    text = (
        exc.message_th
        if exc.message_th == exc.message_en
        else (f"{exc.message_th} / {exc.message_en}")
    )
    response = openrosa_message(text, status=http_status(exc), nature="error")
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = 'Token realm="fieldsvc"'
    return response


class OpenRosaRoute(APIRoute):
    """Routes whose every response — errors included — is OpenRosa-shaped with its header."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def openrosa_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except FieldsvcError as exc:
                response = _error_response(exc)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
                where = ".".join(str(p) for p in first.get("loc", ()))
                response = openrosa_message(
                    f"คำขอไม่ถูกต้อง / Invalid request: {where} {first.get('msg', '')}",
                    status=400,
                    nature="error",
                )
            response.headers["X-OpenRosa-Version"] = "1.0"
            return response

        return openrosa_handler


router = APIRouter(prefix="/openrosa/{token}", tags=["openrosa"], route_class=OpenRosaRoute)


def wrong_server_link() -> Unauthorized:
    """The answer to a bad or revoked token in the path; Collect shows it to the surveyor."""
    return Unauthorized.of("server_link_invalid", field="token")


def openrosa_error_response(exc: FieldsvcError) -> Response:
    """An error as Collect expects it (OpenRosa XML, its version header)."""
    response = _error_response(exc)
    response.headers["X-OpenRosa-Version"] = "1.0"
    return response


def openrosa_user(request: Request, token: str, session: SessionDep) -> User:
    """The user whose token is in the path (Collect cannot send a bearer header); the one the
    caller-first middleware found already, when it looked before the body."""
    user = resolved_user(request, session) or user_for_token(session=session, token=token)
    if user is None:
        raise wrong_server_link()
    return user


OpenRosaUser = Annotated[User, Depends(openrosa_user)]


# --- forms -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormFile:
    form_id: str
    version: str
    title: str
    data: bytes
    media: tuple[str, ...]

    @property
    def md5(self) -> str:
        return "md5:" + hashlib.md5(self.data).hexdigest()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@lru_cache(maxsize=8)
def _read_form(path: Path, _mtime_ns: int) -> FormFile:
    root = safe_parse(str(path), forbid_dtd=True).getroot()
    title, form_id, version, media = "", "", "", []
    for element in root.iter():
        name = _local(str(element.tag))
        if name == "title" and not title:
            title = (element.text or "").strip()
        elif name == "instance":
            src = element.get("src")
            if src:
                media.append(src.rsplit("/", 1)[-1])
            elif not form_id:
                data = next(iter(element), None)
                if data is not None:
                    form_id, version = data.get("id", ""), data.get("version", "")
    return FormFile(form_id, version, title or form_id, path.read_bytes(), tuple(media))


def available_forms(forms_dir: Path = FORMS_DIR) -> dict[str, FormFile]:
    """The built XForms, by form id (re-read when a file changes)."""
    forms: dict[str, FormFile] = {}
    for path in sorted(forms_dir.glob("*.xml")):
        try:
            form = _read_form(path, path.stat().st_mtime_ns)
        except (OSError, StdET.ParseError):
            continue
        if form.form_id:
            forms[form.form_id] = form
    return forms


def _require_form(form_id: str) -> FormFile:
    form = available_forms().get(form_id)
    if form is None:
        raise NotFound.of("form_not_found", field="form_id", form_id=form_id)
    return form


def _base_url(request: Request, settings: Settings, token: str) -> str:
    """Where Collect downloads forms from: the configured public URL. Without one (a demo on
    the office network) the request's own address, whose Host the app's allowed-hosts check
    has accepted; production refuses to start without the public URL."""
    base = (settings.public_base_url or str(request.base_url)).rstrip("/")
    return f"{base}/openrosa/{token}"


@router.get("/formList", summary="OpenRosa form list")
def form_list(request: Request, token: str, settings: SettingsDep, _user: OpenRosaUser) -> Response:
    base = _base_url(request, settings, token)
    wanted = request.query_params.get("formID")
    items = []
    for form in available_forms().values():
        if wanted and form.form_id != wanted:
            continue
        manifest = (
            f"<manifestUrl>{escape(f'{base}/forms/{form.form_id}/manifest')}</manifestUrl>"
            if form.media
            else ""
        )
        items.append(
            "<xform>"
            f"<formID>{escape(form.form_id)}</formID><name>{escape(form.title)}</name>"
            f"<version>{escape(form.version)}</version><hash>{form.md5}</hash>"
            f"<downloadUrl>{escape(f'{base}/forms/{form.form_id}.xml')}</downloadUrl>"
            f"{manifest}</xform>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xforms xmlns="http://openrosa.org/xforms/xformsList">' + "".join(items) + "</xforms>"
    )
    return Response(body, media_type=XML_TYPE, headers=OPENROSA_VERSION)


@router.get("/forms/{form_id}.xml", summary="Download an XForm (byte for byte)")
def form_download(form_id: str, _user: OpenRosaUser) -> Response:
    form = _require_form(form_id)
    return Response(form.data, media_type=XML_TYPE, headers=OPENROSA_VERSION)


@router.get("/forms/{form_id}/manifest", summary="OpenRosa manifest of a form's media files")
def form_manifest(
    request: Request,
    token: str,
    form_id: str,
    settings: SettingsDep,
    session: SessionDep,
    user: OpenRosaUser,
) -> Response:
    form = _require_form(form_id)
    base = _base_url(request, settings, token)
    files = []
    for name in form.media:
        if name not in (VILLAGES_CSV, BINS_CSV):
            continue
        digest = hashlib.md5(
            _media_bytes(name, session=session, settings=settings, user=user)
        ).hexdigest()
        # bins.csv is the entity list "bins": Collect keeps it as entities (offline updates
        # on top) and asks the integrity URL which of them are gone
        entity_list = name == BINS_CSV
        kind = ' type="entityList"' if entity_list else ""
        integrity = (
            f"<integrityUrl>{escape(f'{base}/entities/{ENTITY_LIST}/integrity')}</integrityUrl>"
            if entity_list
            else ""
        )
        files.append(
            f"<mediaFile{kind}><filename>{escape(name)}</filename><hash>md5:{digest}</hash>"
            f"<downloadUrl>{escape(f'{base}/forms/{form_id}/media/{name}')}</downloadUrl>"
            f"{integrity}</mediaFile>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest xmlns="http://openrosa.org/xforms/xformsManifest">'
        + "".join(files)
        + "</manifest>"
    )
    return Response(body, media_type=XML_TYPE, headers=OPENROSA_VERSION)


def _media_bytes(name: str, *, session: Session, settings: Settings, user: User) -> bytes:
    """A form's list for ``user``: their villages, or their villages' bins (due ones first)."""
    if name == BINS_CSV:
        return bins_csv(session=session, settings=settings, user=user)
    return villages_csv(session=session, user=user)


@router.get(
    "/forms/{form_id}/media/{filename}", summary="A form's media file (villages.csv, bins.csv)"
)
def form_media(
    form_id: str, filename: str, session: SessionDep, settings: SettingsDep, user: OpenRosaUser
) -> Response:
    form = _require_form(form_id)
    if filename not in form.media or filename not in (VILLAGES_CSV, BINS_CSV):
        raise NotFound.of(
            "form_media_not_found", field="filename", form_id=form_id, filename=filename
        )
    return Response(
        _media_bytes(filename, session=session, settings=settings, user=user),
        media_type="text/csv; charset=utf-8",
        headers=OPENROSA_VERSION,
    )


@router.get(
    "/entities/{dataset}/integrity",
    summary="Which listed bins are gone (ODK entities integrity, ?id=uuid1,uuid2)",
)
def entity_integrity(
    request: Request, dataset: str, session: SessionDep, user: OpenRosaUser
) -> Response:
    if dataset != ENTITY_LIST:
        raise NotFound.of("entity_list_not_found", field="dataset", dataset=dataset)
    ids = requested_ids(request.query_params.get("id"))
    body = integrity_xml(session=session, user=user, entity_ids=ids)
    return Response(body, media_type=XML_TYPE, headers=OPENROSA_VERSION)


# --- submissions -------------------------------------------------------------------------------


@router.head("/submission", status_code=204, summary="Pre-flight before a submission")
def submission_preflight(settings: SettingsDep, _user: OpenRosaUser) -> Response:
    return Response(
        status_code=204,
        headers={
            **OPENROSA_VERSION,
            "X-OpenRosa-Accept-Content-Length": str(settings.max_submission_bytes),
        },
    )


def _success_text(result: ReceiveResult) -> str:
    head = {
        "created": "ได้รับข้อมูลแล้ว ขอบคุณครับ / Received, thank you",
        "duplicate": "ได้รับข้อมูลนี้แล้ว (ส่งซ้ำ) / Already received (re-sent)",
        "edited": "ได้รับข้อมูลที่แก้ไขแล้ว / Edited survey received",
    }[result.outcome]
    notice = intake.photo_notice(result.flags)
    if notice is not None:  # the survey is in; what the surveyor can do about the photo
        head = f"{notice[0]} / {notice[1]}"
    others = [f for f in result.flags if f.code != intake.UNREADABLE_FLAG]
    if not others:
        return head
    issues = "; ".join(f.message_th for f in others[:3])
    return f"{head} — มีข้อควรตรวจสอบ: {issues}"


@router.post("/submission", status_code=201, summary="Receive a submission (multipart)")
async def submission(
    request: Request, token: str, settings: SettingsDep, engine: EngineDep
) -> Response:
    limit = settings.max_submission_bytes
    intake.require_submission_within(request.headers.get("content-length"), limit=limit)
    upload = await read_openrosa_multipart(request.headers, request.stream(), max_bytes=limit)
    parsed = parse_submission_xml(upload.xml)

    def clean_all() -> list[tuple[str, ReceivedPhoto]]:
        return [
            (
                safe_attachment_name(f.name),
                receive_photo(
                    f.data,
                    name=f.name,
                    declared_type=f.content_type,
                    max_bytes=settings.max_photo_bytes,
                ),
            )
            for f in upload.files
        ]

    def receive() -> ReceiveResult:  # the token, the photos and the survey in one thread hop
        with open_session(engine) as session:
            user = openrosa_user(request, token, session)
            intake.require_can_submit(user)  # before the photos are read
            return intake.receive_survey(
                session=session,
                settings=settings,
                submitter=user,
                record=parsed.record,
                raw_payload=parsed.raw_xml,
                content_type="text/xml",
                photos=clean_all(),
                complete=not upload.incomplete,
                intake_flags=parsed.flags,
            )

    result = await run_in_threadpool(receive)
    return openrosa_message(_success_text(result), status=201, nature="submit_success")
