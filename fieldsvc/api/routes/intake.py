"""Surveys arriving over the JSON API: ``POST /api/v1/submissions`` (JSON or multipart with
photos), a photo sent on its own (``PUT …/attachments/{name}``), and the phone's "is this bin
already registered?" look-up (``GET /api/v1/bins/near``).

Same semantics as the OpenRosa endpoint: a client-generated ``submission_id`` makes retries
safe (same body → 200 with the same result; other body → 409 ``submission_conflict``). A survey
applies as soon as its JSON arrives; its photos follow with ``PUT …/attachments/{name}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

from fieldsvc.api.deps import (
    CurrentUser,
    EngineDep,
    SessionDep,
    SettingsDep,
    UserPlace,
    signed_in_user,
)
from fieldsvc.api.schemas.mobile import NearbyBinOut
from fieldsvc.api.schemas.submissions import PhotoReceivedOut, ReceiveOut
from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.openrosa import bounded
from fieldsvc.ingest.photos import receive_photo, safe_attachment_name
from fieldsvc.ingest.web import SurveyIn
from fieldsvc.models import Stream
from fieldsvc.services import intake
from fieldsvc.services.mobile import bins_near_point
from fieldsvc.services.sessions import open_session
from fieldsvc.storage.submissions import ReceiveResult

router = APIRouter(prefix="/api/v1", tags=["submissions"])

JSON_TYPE = "application/json"


def _status(result: ReceiveResult) -> int:
    return 200 if result.outcome == "duplicate" else 201


def _receive_out(result: ReceiveResult) -> ReceiveOut:
    """The answer to a survey, with the words for the surveyor about a photo that cannot be
    opened (the survey itself was received and applied as usual)."""
    out = ReceiveOut.model_validate(result)
    notice = intake.photo_notice(result.flags)
    if notice is not None:
        out.notice_th, out.notice_en = notice
    return out


@router.post(
    "/submissions",
    response_model=ReceiveOut,
    status_code=201,
    summary="Send a survey (JSON); retry-safe on submission_id",
    responses={200: {"description": "Already received (identical retry)", "model": ReceiveOut}},
)
async def create_submission(
    survey: SurveyIn,
    request: Request,
    response: Response,
    engine: EngineDep,
    settings: SettingsDep,
) -> ReceiveOut:
    """201 for a new survey or edit, 200 for an identical retry, 409 for the same
    ``submission_id`` with a different body. Implausible values are accepted and flagged."""
    raw = (await request.body()).decode("utf-8")  # kept as received (already parsed as JSON)

    def receive() -> ReceiveOut:  # the user, the survey and the answer in one thread hop
        with open_session(engine) as session:
            result = intake.receive_survey(
                session=session,
                settings=settings,
                submitter=signed_in_user(session=session, settings=settings, request=request),
                record=survey.to_record(),
                raw_payload=raw,
                content_type=JSON_TYPE,
            )
            response.status_code = _status(result)
            return _receive_out(result)

    return await run_in_threadpool(receive)


MULTIPART_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["submission"],
                    "properties": {
                        "submission": {"type": "string", "description": "SurveyIn as JSON"},
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "Photos; each file name must be listed in photos",
                        },
                    },
                }
            }
        },
    }
}


async def _read_multipart(request: Request, *, limit: int) -> FormData:
    parser = MultiPartParser(
        request.headers,
        bounded(request.stream(), max_bytes=limit),  # type: ignore[arg-type]
        max_files=20,
        max_fields=5,
        max_part_size=1024 * 1024,
    )
    try:
        return await parser.parse()
    except (MultiPartException, KeyError, ValueError) as exc:
        raise InvalidInput.of("multipart_request_unreadable", field="body", reason=exc) from exc


def _survey_part(form: FormData) -> tuple[str, SurveyIn]:
    """The ``submission`` part: its text as received, and the survey it holds."""
    text = form.get("submission")
    if not isinstance(text, str):
        raise InvalidInput.of("survey_part_missing", field="submission")
    try:
        return text, SurveyIn.model_validate_json(text)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "submission"
        raise InvalidInput.of(
            "request_invalid", field=where, field_name=where, reason=problem["msg"]
        ) from exc


@router.post(
    "/submissions/multipart",
    response_model=ReceiveOut,
    status_code=201,
    summary="Send a survey with its photos inline (multipart)",
    openapi_extra=MULTIPART_DOC,
)
async def create_submission_multipart(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> ReceiveOut:
    intake.require_can_submit(user)
    limit = settings.max_submission_bytes
    intake.require_body_within(request.headers.get("content-length"), limit=limit)
    form = await _read_multipart(request, limit=limit)
    try:
        text, survey = _survey_part(form)
        files = [
            (safe_attachment_name(v.filename), v.content_type, await v.read())
            for k, v in form.multi_items()
            if k != "submission" and not isinstance(v, str)
        ]
    finally:
        await form.close()
    for name, _, _ in files:
        intake.require_declared(name, list(survey.photos))
    photos = await run_in_threadpool(
        lambda: [
            (n, receive_photo(d, name=n, declared_type=t, max_bytes=settings.max_photo_bytes))
            for n, t, d in files
        ]
    )
    result = await run_in_threadpool(
        lambda: intake.receive_survey(
            session=session,
            settings=settings,
            submitter=user,
            record=survey.to_record(),
            raw_payload=text,
            content_type=JSON_TYPE,
            photos=photos,
        )
    )
    response.status_code = _status(result)
    return _receive_out(result)


@router.put(
    "/submissions/{submission_id}/attachments/{name}",
    response_model=PhotoReceivedOut,
    summary="Upload a photo of a survey (raw bytes; idempotent)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "image/webp": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def put_attachment(
    submission_id: str,
    name: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> PhotoReceivedOut:
    """The photo named ``name`` in the survey's ``photos``. The type is read from the bytes
    (JPEG/PNG/WebP), EXIF is removed, and the same bytes again change nothing. A photo that
    cannot be opened is kept as received (``readable`` false, ``notice_th`` for the surveyor)
    and the survey flagged ``photo_unreadable`` until a readable photo replaces it."""
    name = safe_attachment_name(name)
    survey = await run_in_threadpool(
        lambda: intake.survey_for_photo(session=session, user=user, key=submission_id, name=name)
    )
    limit = settings.max_photo_bytes
    intake.require_body_within(request.headers.get("content-length"), limit=limit)
    chunks = [c async for c in bounded(request.stream(), max_bytes=limit)]
    declared_type = request.headers.get("content-type")
    photo = await run_in_threadpool(
        lambda: receive_photo(
            b"".join(chunks), name=name, declared_type=declared_type, max_bytes=limit
        )
    )
    attachment = await run_in_threadpool(
        lambda: intake.attach_photo(
            session=session,
            settings=settings,
            sender=user,
            submission=survey,
            name=name,
            photo=photo,
        )
    )
    out = PhotoReceivedOut.model_validate(attachment)
    notice = intake.attachment_notice(attachment)
    if notice is not None:
        out.notice_th, out.notice_en = notice
    return out


@router.get(
    "/bins/near",
    response_model=list[NearbyBinOut],
    summary="Existing bins near a point (the phone's 'is this bin already registered?' prompt)",
)
def get_bins_near(
    session: SessionDep,
    place: UserPlace,
    lat: Annotated[float, Query(ge=-90, le=90, description="Latitude, WGS 84")],
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude, WGS 84")],
    radius_m: Annotated[float, Query(gt=0, le=2000, description="Search radius, metres")] = 50,
    stream: Stream | None = None,
) -> list[NearbyBinOut]:
    found = bins_near_point(
        session=session,
        user=place.user,
        lon=lon,
        lat=lat,
        radius_m=radius_m,
        stream=stream,
        subdistrict_id=place.subdistrict_id,
    )
    return [NearbyBinOut.model_validate(b) for b in found]
