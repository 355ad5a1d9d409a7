"""The JSON survey API for the web form and staff: ``/api/v1/submissions`` and friends.

Same semantics as the OpenRosa endpoint: a client-generated ``submission_id`` makes retries
safe (same body → 200 with the same result; other body → 409 ``submission_conflict``). A survey
applies as soon as its JSON arrives; its photos follow with ``PUT …/attachments/{name}``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session
from starlette.formparsers import MultiPartException, MultiPartParser

from fieldsvc.api.deps import (
    CurrentUser,
    EditorUser,
    EngineDep,
    RequestToken,
    SessionDep,
    SettingsDep,
    signed_in_user,
)
from fieldsvc.config import Settings
from fieldsvc.errors import Forbidden, InvalidInput, NotFound, PayloadTooLarge
from fieldsvc.ingest.checks import Flag
from fieldsvc.ingest.openrosa import bounded
from fieldsvc.ingest.photos import CleanPhoto, clean_photo, safe_attachment_name
from fieldsvc.ingest.survey import BIN_SURVEY_FORM
from fieldsvc.ingest.web import SurveyIn
from fieldsvc.models import Attachment, Condition, ReviewState, Role, Stream, Submission, User
from fieldsvc.storage.engine import commit_with_one_retry
from fieldsvc.storage.media import require_media, require_thumbnail, store_media
from fieldsvc.storage.register import bins_near
from fieldsvc.storage.submissions import (
    ReceiveResult,
    attach_media,
    attachments_of,
    correct_submission,
    list_submissions,
    receive_submission,
    require_submission,
    review_submission,
    reviews_of,
    submission_versions,
    submissions_holding_media,
)
from fieldsvc.storage.users import village_ids_of
from fieldsvc.thai import THAI_TZ

router = APIRouter(prefix="/api/v1", tags=["submissions"])


# --- response shapes ---------------------------------------------------------------------------


class FlagOut(BaseModel):
    code: str
    field: str
    message_th: str
    message_en: str
    severity: Literal["reject", "review"]
    details: dict[str, Any] = {}


class AttachmentOut(BaseModel):
    name: str
    received: bool
    sha256: str | None
    media_type: str | None
    size_bytes: int | None
    url: str | None = Field(description="GET this to download the photo (authorised)")


class SubmissionOut(BaseModel):
    id: int
    submission_id: str = Field(description="The instance id, uuid:…")
    form_id: str
    channel: str
    received_at: datetime | None
    observed_at: datetime | None
    village_id: int | None
    bin_id: int | None
    complete: bool
    applied: bool = Field(description="True once applied to the bin register")
    is_current: bool
    review_state: ReviewState
    flags: list[FlagOut]
    attachments: list[AttachmentOut]


class ReceiveOut(SubmissionOut):
    outcome: Literal["created", "duplicate", "edited"]


class VersionOut(BaseModel):
    id: int
    submission_id: str
    deprecated_id: str | None
    channel: str
    received_at: datetime | None
    is_current: bool
    applied: bool
    review_state: ReviewState


class ReviewOut(BaseModel):
    state: ReviewState
    comment: str | None
    reviewer_id: int | None
    reviewed_at: datetime | None


class SubmissionDetail(SubmissionOut):
    root_id: str
    deprecated_id: str | None
    submitter_id: int | None
    parsed: dict[str, Any] = Field(description="The survey as understood (SurveyRecord)")
    raw_payload: str | None = Field(description="As received; staff only")
    versions: list[VersionOut]
    reviews: list[ReviewOut]


def _out(row: Submission, attachments: list[Attachment]) -> dict[str, Any]:
    return {
        "id": row.id,
        "submission_id": row.instance_id,
        "form_id": row.form_id,
        "channel": row.channel,
        "received_at": row.received_at,
        "observed_at": row.observed_at,
        "village_id": row.village_id,
        "bin_id": row.bin_id,
        "complete": row.complete,
        "applied": row.applied,
        "is_current": row.is_current,
        "review_state": row.review_state,
        "flags": [FlagOut(**Flag.from_dict(f).as_dict()) for f in row.flags or []],
        "attachments": [
            AttachmentOut(
                name=a.name,
                received=a.sha256 is not None,
                sha256=a.sha256,
                media_type=a.media_type,
                size_bytes=a.size_bytes,
                url=f"/api/v1/media/{a.sha256}" if a.sha256 else None,
            )
            for a in attachments
        ],
    }


def _stored_out(session: Session, row: Submission) -> dict[str, Any]:
    return _out(row, attachments_of(session=session, submission_id=row.id))


def _receive_out(result: ReceiveResult) -> ReceiveOut:
    """The answer to a receive, from what it returned (no query)."""
    return ReceiveOut(**_out(result.submission, result.attachments), outcome=result.outcome)


# --- access ------------------------------------------------------------------------------------


def _require_visible(session: Session, user: User, row: Submission) -> None:
    allowed = village_ids_of(session=session, user=user)
    if allowed is None or row.village_id in allowed or row.submitter_id == user.id:
        return
    raise Forbidden(
        "This survey is from a village you do not survey",
        message_th="ข้อมูลสำรวจนี้อยู่นอกหมู่บ้านที่ท่านรับผิดชอบ",
        field="id",
    )


def _require_can_submit(user: User) -> None:
    if user.role == Role.viewer:
        raise Forbidden(
            "Read-only users cannot send surveys",
            message_th="ผู้ใช้แบบอ่านอย่างเดียวส่งข้อมูลสำรวจไม่ได้",
        )


# --- receiving ---------------------------------------------------------------------------------


def _receive_json(
    *,
    session: Session,
    settings: Settings,
    user: User,
    survey: SurveyIn,
    raw: str,
    photos: list[tuple[str, CleanPhoto]],
) -> ReceiveResult:
    # Photos are written (and fsynced) before the transaction, so that SQLite's write lock
    # never waits on the disk; a failure below leaves at most an unreferenced file.
    stored = [
        (name, photo, store_media(settings=settings, data=photo.data)) for name, photo in photos
    ]

    def work() -> ReceiveResult:
        result = receive_submission(
            session=session,
            record=survey.to_record(),
            raw_payload=raw,
            content_type="application/json",
            submitter=user,
            settings=settings,
        )
        for name, photo, digest in stored:
            attach_media(
                session=session,
                submission=result.submission,
                name=name,
                sha256=digest,
                media_type=photo.media_type,
                size_bytes=len(photo.data),
                known_rows=result.attachments,
            )
        return result

    return commit_with_one_retry(session, work)


def _status(result: ReceiveResult) -> int:
    return 200 if result.outcome == "duplicate" else 201


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
    token: RequestToken,
) -> ReceiveOut:
    """201 for a new survey or edit, 200 for an identical retry, 409 for the same
    ``submission_id`` with a different body. Implausible values are accepted and flagged."""
    raw = (await request.body()).decode("utf-8")  # kept as received (already parsed as JSON)

    def receive() -> ReceiveOut:  # the token, the survey and the answer in one thread hop
        with Session(engine, expire_on_commit=False) as session:
            user = signed_in_user(session=session, token=token)
            _require_can_submit(user)
            result = _receive_json(
                session=session, settings=settings, user=user, survey=survey, raw=raw, photos=[]
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
    _require_can_submit(user)
    limit = settings.max_submission_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    parser = MultiPartParser(
        request.headers,
        bounded(request.stream(), max_bytes=limit),  # type: ignore[arg-type]
        max_files=20,
        max_fields=5,
        max_part_size=1024 * 1024,
    )
    try:
        form = await parser.parse()
    except (MultiPartException, KeyError, ValueError) as exc:
        raise InvalidInput(
            f"body: the multipart request could not be read ({exc})",
            message_th="อ่านข้อมูลแบบ multipart ไม่ได้",
            field="body",
        ) from exc
    try:
        text = form.get("submission")
        if not isinstance(text, str):
            raise InvalidInput(
                "submission: the part with the survey JSON is missing",
                message_th="ไม่มีส่วน submission (ข้อมูลสำรวจแบบ JSON)",
                field="submission",
            )
        try:
            survey = SurveyIn.model_validate_json(text)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"]) or "submission"
            raise InvalidInput(
                f"{where}: {problem['msg']}",
                message_th=f"ข้อมูลไม่ถูกต้องที่ช่อง {where}: {problem['msg']}",
                field=where,
            ) from exc
        files = [
            (safe_attachment_name(v.filename), await v.read())
            for k, v in form.multi_items()
            if k != "submission" and not isinstance(v, str)
        ]
    finally:
        await form.close()
    for name, _ in files:
        _require_declared(name, list(survey.photos))
    photos = await run_in_threadpool(
        lambda: [(n, clean_photo(d, name=n, max_bytes=settings.max_photo_bytes)) for n, d in files]
    )
    result = await run_in_threadpool(
        lambda: _receive_json(
            session=session, settings=settings, user=user, survey=survey, raw=text, photos=photos
        )
    )
    response.status_code = _status(result)
    return _receive_out(result)


def _too_large(size: int, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"body: {size:,} bytes is over the limit of {limit:,} bytes",
        message_th=f"ข้อมูลที่ส่งมีขนาด {size:,} ไบต์ เกินกำหนด {limit:,} ไบต์",
        field="body",
        details={"value": size, "max_bytes": limit},
    )


def _require_declared(name: str, declared: list[str]) -> None:
    if name not in declared:
        raise InvalidInput(
            f"name: {name!r} is not a photo of this survey; expected one of {declared}",
            message_th=f"ไฟล์ {name} ไม่ได้ระบุไว้ในข้อมูลสำรวจนี้ (photos)",
            field="name",
            details={"value": name, "expected": declared},
        )


@router.put(
    "/submissions/{submission_id}/attachments/{name}",
    response_model=AttachmentOut,
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
) -> AttachmentOut:
    """The photo named ``name`` in the survey's ``photos``. The type is read from the bytes
    (JPEG/PNG/WebP), EXIF is removed, and the same bytes again change nothing."""
    name = safe_attachment_name(name)
    row = await run_in_threadpool(lambda: require_submission(session=session, key=submission_id))
    _require_can_submit(user)
    await run_in_threadpool(lambda: _require_visible(session, user, row))
    _require_declared(name, list((row.parsed or {}).get("photo_names") or []))
    limit = settings.max_photo_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks = [c async for c in bounded(request.stream(), max_bytes=limit)]
    photo = await run_in_threadpool(
        lambda: clean_photo(b"".join(chunks), name=name, max_bytes=limit)
    )

    def store() -> AttachmentOut:
        digest = store_media(settings=settings, data=photo.data)
        attachment = attach_media(
            session=session,
            submission=row,
            name=name,
            sha256=digest,
            media_type=photo.media_type,
            size_bytes=len(photo.data),
        )
        session.commit()
        return AttachmentOut(
            name=attachment.name,
            received=True,
            sha256=digest,
            media_type=attachment.media_type,
            size_bytes=attachment.size_bytes,
            url=f"/api/v1/media/{digest}",
        )

    return await run_in_threadpool(store)


# --- reading -----------------------------------------------------------------------------------


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0, 0), tzinfo=THAI_TZ) if day else None


@router.get("/submissions", response_model=list[SubmissionOut], summary="List surveys")
def get_submissions(
    session: SessionDep,
    user: CurrentUser,
    village_id: int | None = None,
    date_from: Annotated[date | None, Query(description="Survey date ≥ (Thai date)")] = None,
    date_to: Annotated[date | None, Query(description="Survey date ≤ (Thai date)")] = None,
    flag: Annotated[str | None, Query(description="A flag code, e.g. poor_gps_accuracy")] = None,
    review_state: ReviewState | None = None,
    form_id: Literal["bin_survey", "village_households"] | None = None,
    all_versions: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[SubmissionOut]:
    """Newest first. Village heads see their villages' surveys and their own."""
    until = None
    if date_to is not None:
        until = datetime.combine(date_to, time(23, 59, 59, 999999), tzinfo=THAI_TZ)
    rows = list_submissions(
        session=session,
        village_ids=village_ids_of(session=session, user=user),
        own_submitter_id=user.id,
        village_id=village_id,
        date_from=_day_start(date_from),
        date_to=until,
        flag_code=flag,
        review_state=review_state,
        form_id=form_id,
        current_only=not all_versions,
        limit=limit,
        offset=offset,
    )
    return [SubmissionOut(**_stored_out(session, r)) for r in rows]


def _detail(session: Session, user: User, row: Submission) -> SubmissionDetail:
    staff = user.role != Role.village_head
    return SubmissionDetail(
        **_stored_out(session, row),
        root_id=row.root_id,
        deprecated_id=row.deprecated_id,
        submitter_id=row.submitter_id,
        parsed=row.parsed or {},
        raw_payload=row.raw_payload if staff else None,
        versions=[
            VersionOut(
                id=v.id or 0,
                submission_id=v.instance_id,
                deprecated_id=v.deprecated_id,
                channel=v.channel,
                received_at=v.received_at,
                is_current=v.is_current,
                applied=v.applied,
                review_state=v.review_state,
            )
            for v in submission_versions(session=session, root_id=row.root_id)
        ],
        reviews=[
            ReviewOut(
                state=r.state,
                comment=r.comment,
                reviewer_id=r.reviewer_id,
                reviewed_at=r.reviewed_at,
            )
            for r in reviews_of(session=session, submission_id=row.id)
        ],
    )


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionDetail,
    summary="One survey: flags, parsed record, photos, versions, reviews",
)
def get_submission(submission_id: str, session: SessionDep, user: CurrentUser) -> SubmissionDetail:
    """``submission_id`` is the database id or the instance id (``uuid:…`` or the bare UUID)."""
    row = require_submission(session=session, key=submission_id)
    _require_visible(session, user, row)
    return _detail(session, user, row)


def _require_photo_visible(session: Session, user: User, sha256: str) -> list[Submission]:
    """The submissions holding the photo, when ``user`` may see it (else 404 / 403)."""
    holders = submissions_holding_media(session=session, sha256=sha256)
    if not holders:
        raise NotFound("No such photo", message_th="ไม่พบรูปภาพ", field="sha256")
    allowed = village_ids_of(session=session, user=user)
    if allowed is not None and not any(
        h.village_id in allowed or h.submitter_id == user.id for h in holders
    ):
        raise Forbidden(
            "This photo belongs to a village you do not survey",
            message_th="รูปนี้อยู่นอกหมู่บ้านที่ท่านรับผิดชอบ",
            field="sha256",
        )
    return holders


#: Photos are content-addressed: the bytes behind a URL never change.
_IMMUTABLE = {"Cache-Control": "private, max-age=31536000, immutable"}


@router.get("/media/{sha256}", summary="A stored photo, by its SHA-256", response_class=Response)
def get_media(sha256: str, session: SessionDep, settings: SettingsDep, user: CurrentUser) -> Any:
    holders = _require_photo_visible(session, user, sha256)
    path = require_media(settings=settings, sha256=sha256)
    media_type = next(
        (
            a.media_type
            for h in holders
            for a in attachments_of(session=session, submission_id=h.id)
            if a.sha256 == sha256 and a.media_type
        ),
        "application/octet-stream",
    )
    return FileResponse(path, media_type=media_type, headers=_IMMUTABLE)


@router.get(
    "/media/{sha256}/thumbnail",
    summary="A small JPEG of a stored photo (longest side 320 px), made on first request",
    response_class=Response,
)
def get_media_thumbnail(
    sha256: str, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Any:
    _require_photo_visible(session, user, sha256)
    path = require_thumbnail(settings=settings, sha256=sha256)
    return FileResponse(path, media_type="image/jpeg", headers=_IMMUTABLE)


class NearbyBinOut(BaseModel):
    code: str
    stream: Stream
    condition: Condition
    capacity_l: int
    lat: float
    lon: float
    village_id: int | None
    distance_m: float


@router.get(
    "/bins/near",
    response_model=list[NearbyBinOut],
    summary="Existing bins near a point (the phone's 'is this bin already registered?' prompt)",
)
def get_bins_near(
    session: SessionDep,
    user: CurrentUser,
    lat: Annotated[float, Query(ge=-90, le=90, description="Latitude, WGS 84")],
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude, WGS 84")],
    radius_m: Annotated[float, Query(gt=0, le=2000, description="Search radius, metres")] = 50,
    stream: Stream | None = None,
) -> list[NearbyBinOut]:
    allowed = village_ids_of(session=session, user=user)
    found = bins_near(session=session, lon=lon, lat=lat, radius_m=radius_m, stream=stream)
    return [
        NearbyBinOut(
            code=b.code,
            stream=b.stream,
            condition=b.condition,
            capacity_l=b.capacity_l,
            lat=b.lat,
            lon=b.lon,
            village_id=b.village_id,
            distance_m=round(d, 1),
        )
        for b, d in found
        if allowed is None or b.village_id in allowed
    ]


# --- review ------------------------------------------------------------------------------------


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Literal["approved", "has_issues", "rejected"]
    comment: str | None = Field(default=None, max_length=2000)


@router.post(
    "/submissions/{submission_id}/review",
    response_model=SubmissionDetail,
    summary="Approve, mark as having issues, or reject a survey (staff)",
)
def post_review(
    submission_id: str,
    review: ReviewIn,
    session: SessionDep,
    settings: SettingsDep,
    user: EditorUser,
) -> SubmissionDetail:
    """Approving a survey held by a ``reject`` flag applies it to the register as it stands."""
    row = require_submission(session=session, key=submission_id)
    review_submission(
        session=session,
        submission=row,
        state=ReviewState(review.state),
        comment=review.comment,
        reviewer=user,
        settings=settings,
    )
    session.commit()
    return _detail(session, user, row)


class CorrectionIn(BaseModel):
    """Fields to change; only those sent are changed. Values are re-checked like a survey."""

    model_config = ConfigDict(extra="forbid")

    bin_code: str | None = Field(default=None, min_length=1, max_length=40)
    village: int | None = None
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    condition: Condition | None = None
    capacity_l: int | None = None
    stream: Stream | None = None
    households: int | None = None
    population: int | None = None
    note: str | None = Field(default=None, max_length=2000)
    observed_at: datetime | None = None
    comment: str | None = Field(default=None, max_length=2000, description="Why (not a field)")


@router.post(
    "/submissions/{submission_id}/corrections",
    response_model=ReceiveOut,
    status_code=201,
    summary="Correct a survey (staff): a new version, re-applied to the bin",
)
def post_correction(
    submission_id: str,
    correction: CorrectionIn,
    session: SessionDep,
    settings: SettingsDep,
    user: EditorUser,
) -> ReceiveOut:
    row = require_submission(session=session, key=submission_id)
    sent = correction.model_dump(exclude_unset=True)
    comment = sent.pop("comment", None)
    bin_form = row.form_id == BIN_SURVEY_FORM
    names = {
        "village": "village_number",
        "households": "households_served" if bin_form else "village_households",
        "population": "village_population",
    }
    changes = {names.get(k, k): v for k, v in sent.items()}
    observed = changes.get("observed_at")
    if isinstance(observed, datetime) and observed.tzinfo is None:
        changes["observed_at"] = observed.replace(tzinfo=THAI_TZ)
    result = correct_submission(
        session=session,
        submission=row,
        changes=changes,
        editor=user,
        settings=settings,
        comment=comment,
    )
    session.commit()
    return _receive_out(result)
