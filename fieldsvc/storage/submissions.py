"""Receiving surveys: store as received, check, and apply to the register in one transaction.

Every channel (OpenRosa, the web form's JSON, spreadsheets, staff corrections) comes through
``receive_submission``. It is idempotent on ``record.instance_id``:

* the identical payload again → ``"duplicate"`` (nothing new is stored; a split upload's last
  part marks an incomplete submission complete and applies it);
* the same id with a different payload → ``SubmissionConflict`` (409);
* ``deprecated_id`` set → a new version (``"edited"``); the old one is kept, marked not current,
  and the edit reaches the bin as a ``correction`` inspection.

Surveys with a ``"reject"`` flag are kept but not applied until staff approve or correct them
(``review_submission``, ``correct_submission``). The caller commits.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import shapely
from pydantic import ValidationError
from shapely.geometry import Point
from sqlalchemy import Text, func, or_, text
from sqlmodel import Session, col, select

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, InvalidInput, NotFound, SubmissionConflict
from fieldsvc.ingest.checks import (
    CheckContext,
    Flag,
    NearbyBin,
    blocks_apply,
    check_record,
    coordinates_usable,
)
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import (
    Attachment,
    Bin,
    BinCreate,
    Inspection,
    InspectionSource,
    ReviewState,
    Role,
    Subdistrict,
    Submission,
    User,
    Village,
)
from fieldsvc.models.enums import Channel, Condition, Stream
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.models.types import utc_now
from fieldsvc.storage.register import (
    bins_near,
    get_bin_by_code,
    get_village_by_number,
    only_subdistrict,
    record_inspection,
    village_containing,
)
from fieldsvc.storage.users import village_ids_of

Outcome = Literal["created", "duplicate", "edited"]


@dataclass(frozen=True)
class ReceiveResult:
    submission: Submission
    outcome: Outcome
    flags: list[Flag]


# --- the parsed record as JSON (Submission.parsed) ---------------------------------------------


def record_to_parsed(record: SurveyRecord) -> dict[str, Any]:
    """A ``SurveyRecord`` as plain JSON (enums as strings, times as ISO 8601)."""
    out: dict[str, Any] = {}
    for name in SurveyRecord.__dataclass_fields__:
        value = getattr(record, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Channel | Condition | Stream):
            value = value.value
        out[name] = value
    return out


def record_from_parsed(parsed: dict[str, Any]) -> SurveyRecord:
    values = dict(parsed)
    values["channel"] = Channel(values["channel"])
    for name, enum in (("condition", Condition), ("stream", Stream)):
        values[name] = enum(values[name]) if values.get(name) else None
    if values.get("observed_at"):
        values["observed_at"] = datetime.fromisoformat(values["observed_at"])
    values["photo_names"] = tuple(values.get("photo_names") or ())
    known = SurveyRecord.__dataclass_fields__
    return SurveyRecord(**{k: v for k, v in values.items() if k in known})


def payload_digest(raw_payload: str, content_type: str) -> str:
    """SHA-256 of the payload; JSON is compared canonically so a re-serialised retry matches."""
    body = raw_payload
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(raw_payload), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --- look-ups ----------------------------------------------------------------------------------


def get_submission_by_instance(*, session: Session, instance_id: str) -> Submission | None:
    return session.exec(select(Submission).where(Submission.instance_id == instance_id)).first()


def resolve_village(*, session: Session, number: int | None) -> Village | None:
    """The village with this หมู่ที่ (in the office's subdistrict when there is exactly one)."""
    if number is None:
        return None
    subdistrict = only_subdistrict(session=session)
    return get_village_by_number(
        session=session, number=number, subdistrict_id=subdistrict.id if subdistrict else None
    )


def inside_any_subdistrict(*, session: Session, lon: float, lat: float) -> bool | None:
    """Whether the point lies inside a known subdistrict boundary; None when none is known."""
    if session.get_bind().dialect.name == "postgresql":
        row = session.exec(  # type: ignore[call-overload]
            text(
                "SELECT bool_or(ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(:lon, :lat), "
                "4326))) FROM subdistrict WHERE boundary IS NOT NULL"
            ).bindparams(lon=lon, lat=lat)
        ).first()
        return None if row is None or row[0] is None else bool(row[0])
    boundaries = [
        s.boundary
        for s in session.exec(select(Subdistrict).where(col(Subdistrict.boundary).is_not(None)))
    ]
    if not boundaries:
        return None
    point = Point(lon, lat)
    return any(shapely.intersects(b, point) for b in boundaries)


def _check_context(
    *, session: Session, record: SurveyRecord, settings: Settings, exclude_bin_id: int | None
) -> CheckContext:
    bin_exists = bool(
        record.bin_code and get_bin_by_code(session=session, code=record.bin_code) is not None
    )
    village_known: bool | None = None
    if record.village_number is not None:
        village_known = resolve_village(session=session, number=record.village_number) is not None
    inside: bool | None = None
    at_point: int | None = None
    nearby: tuple[NearbyBin, ...] = ()
    if coordinates_usable(record):
        lon, lat = float(record.lon or 0), float(record.lat or 0)
        found = village_containing(session=session, lon=lon, lat=lat)
        at_point = found.number if found else None
        inside = inside_any_subdistrict(session=session, lon=lon, lat=lat)
        if record.form_id == BIN_SURVEY_FORM and not bin_exists and record.stream is not None:
            nearby = tuple(
                NearbyBin(code=b.code, distance_m=d)
                for b, d in bins_near(
                    session=session,
                    lon=lon,
                    lat=lat,
                    radius_m=settings.duplicate_radius_m,
                    stream=record.stream,
                    limit=5,
                )
                if b.id != exclude_bin_id
            )
    return CheckContext(
        now=utc_now(),
        max_gps_accuracy_m=settings.max_gps_accuracy_m,
        duplicate_radius_m=settings.duplicate_radius_m,
        bin_exists=bin_exists,
        inside_subdistrict=inside,
        village_known=village_known,
        village_at_point=at_point,
        nearby_same_stream=nearby,
    )


def _target_village(*, session: Session, record: SurveyRecord) -> Village | None:
    claimed = resolve_village(session=session, number=record.village_number)
    if claimed is not None or not coordinates_usable(record):
        return claimed
    return village_containing(session=session, lon=record.lon or 0, lat=record.lat or 0)


def _scope_flags(
    *, session: Session, record: SurveyRecord, submitter: User | None, village: Village | None
) -> list[Flag]:
    """A village head may survey only their own villages: another village is kept but held."""
    if submitter is None or submitter.role != Role.village_head:
        return []
    allowed = village_ids_of(session=session, user=submitter) or []
    if village is not None and village.id in allowed:
        return []
    shown = record.village_number if record.village_number is not None else "-"
    return [
        Flag(
            "village_not_assigned",
            "village",
            f"หมู่ที่ {shown} ไม่ใช่หมู่บ้านที่ท่านรับผิดชอบ ข้อมูลถูกเก็บไว้รอเจ้าหน้าที่ตรวจสอบ",
            f"village = {shown} is not one of the villages assigned to {submitter.username}; "
            "the survey is kept for staff to review",
            "reject",
            {"value": record.village_number, "allowed_village_ids": allowed},
        )
    ]


def _edit_flags(record: SurveyRecord, previous: Submission | None) -> list[Flag]:
    if record.deprecated_id is None:
        return []
    if previous is None:
        return [
            Flag(
                "unknown_deprecated_id",
                "meta/deprecatedID",
                f"เป็นการแก้ไขข้อมูล {record.deprecated_id} ที่เซิร์ฟเวอร์ไม่เคยได้รับ เก็บไว้เป็นข้อมูลใหม่",
                f"meta/deprecatedID {record.deprecated_id!r} names a survey this server never "
                "received; kept as a new survey",
                "review",
                {"value": record.deprecated_id},
            )
        ]
    if not previous.is_current:
        return [
            Flag(
                "edit_of_old_version",
                "meta/deprecatedID",
                f"แก้ไขจากฉบับเก่า {record.deprecated_id} ซึ่งมีฉบับใหม่กว่าแล้ว "
                "ฉบับนี้จึงแทนที่ฉบับล่าสุด กรุณาตรวจสอบ",
                f"meta/deprecatedID {record.deprecated_id!r} is not the latest version; this "
                "edit now replaces the latest one — please check nothing was lost",
                "review",
                {"value": record.deprecated_id},
            )
        ]
    return []


# --- receive -----------------------------------------------------------------------------------


def _ensure_attachment_rows(
    *, session: Session, submission: Submission, names: tuple[str, ...], previous: Submission | None
) -> None:
    have = {
        a.name
        for a in session.exec(
            select(Attachment).where(Attachment.submission_id == submission.id)
        ).all()
    }
    earlier: dict[str, Attachment] = {}
    if previous is not None:
        earlier = {a.name: a for a in attachments_of(session=session, submission_id=previous.id)}
    for name in names:
        if name in have:
            continue
        row = Attachment(submission_id=submission.id or 0, name=name)
        if name in earlier and earlier[name].sha256:
            # An edit or a staff correction keeps the photo it did not replace.
            old = earlier[name]
            row.sha256, row.media_type = old.sha256, old.media_type
            row.size_bytes, row.received_at = old.size_bytes, old.received_at
        session.add(row)
        have.add(name)
    session.flush()


def receive_submission(
    *,
    session: Session,
    record: SurveyRecord,
    raw_payload: str,
    content_type: str,
    submitter: User | None,
    settings: Settings,
    complete: bool = True,
    intake_flags: tuple[Flag, ...] | list[Flag] = (),
) -> ReceiveResult:
    """Store one survey version as received, check it, and apply it if complete and clean.

    ``intake_flags`` are problems the channel's parser already found (unreadable values).
    """
    digest = payload_digest(raw_payload, content_type)
    existing = get_submission_by_instance(session=session, instance_id=record.instance_id)
    if existing is not None:
        if existing.payload_sha256 != digest:
            raise SubmissionConflict(
                f"A different survey with instanceID {record.instance_id} was already received; "
                "an edit must have a new instanceID and name the old one in deprecatedID",
                message_th=f"มีข้อมูลรหัส {record.instance_id} ที่เนื้อหาต่างกันส่งมาแล้ว "
                "การแก้ไขต้องใช้รหัสใหม่และระบุรหัสเดิมใน deprecatedID",
                field="meta/instanceID",
                details={"value": record.instance_id, "submission_id": existing.id},
            )
        _ensure_attachment_rows(
            session=session, submission=existing, names=record.photo_names, previous=None
        )
        flags = [Flag.from_dict(f) for f in existing.flags or []]
        if complete and not existing.complete:
            existing.complete = True
            if not blocks_apply(flags):
                _apply_or_hold(session=session, submission=existing, settings=settings)
                flags = [Flag.from_dict(f) for f in existing.flags or []]
            session.add(existing)
            session.flush()
        return ReceiveResult(submission=existing, outcome="duplicate", flags=flags)

    previous = None
    if record.deprecated_id:
        previous = get_submission_by_instance(session=session, instance_id=record.deprecated_id)
    village = _target_village(session=session, record=record)
    context = _check_context(
        session=session,
        record=record,
        settings=settings,
        exclude_bin_id=previous.bin_id if previous else None,
    )
    flags = list(intake_flags) + check_record(record, context=context)
    flags += _scope_flags(session=session, record=record, submitter=submitter, village=village)
    flags += _edit_flags(record, previous)
    if previous is not None:
        root_id = previous.root_id
    else:
        root_id = record.deprecated_id or record.instance_id
    submission = Submission(
        instance_id=record.instance_id,
        root_id=root_id,
        deprecated_id=record.deprecated_id,
        is_current=True,
        form_id=record.form_id,
        form_version=record.form_version,
        channel=record.channel,
        observed_at=record.observed_at,
        submitter_id=submitter.id if submitter else None,
        device_id=record.device_id,
        gps_accuracy_m=record.accuracy_m,
        village_id=village.id if village else None,
        raw_payload=raw_payload,
        payload_sha256=digest,
        content_type=content_type[:80],
        complete=complete,
        applied=False,
        review_state=ReviewState.has_issues if flags else ReviewState.received,
        flags=[f.as_dict() for f in flags],
        parsed=record_to_parsed(record),
    )
    session.add(submission)
    session.flush()  # a concurrent twin fails here (unique instance_id): the caller retries
    for older in session.exec(
        select(Submission).where(
            Submission.root_id == root_id,
            col(Submission.is_current).is_(True),
            Submission.id != submission.id,
        )
    ).all():
        older.is_current = False
        session.add(older)
    _ensure_attachment_rows(
        session=session, submission=submission, names=record.photo_names, previous=previous
    )
    if complete and not blocks_apply(flags):
        _apply_or_hold(session=session, submission=submission, settings=settings)
        flags = [Flag.from_dict(f) for f in submission.flags or []]
    outcome: Outcome = "edited" if record.deprecated_id else "created"
    return ReceiveResult(submission=submission, outcome=outcome, flags=flags)


# --- apply to the register ---------------------------------------------------------------------


def _missing(field_name: str, th: str) -> InvalidInput:
    return InvalidInput(
        f"{field_name} is needed to apply this survey to the register; correct the survey",
        message_th=f"ต้องมี{th} ({field_name}) จึงจะบันทึกลงทะเบียนได้ กรุณาแก้ไขข้อมูล",
        field=field_name,
    )


def _register_new_bin(
    *, session: Session, record: SurveyRecord, submission: Submission, source: InspectionSource
) -> Bin:
    if record.lat is None or record.lon is None:
        raise _missing("location", "ตำแหน่ง")
    if record.capacity_l is None:
        raise _missing("capacity_l", "ขนาดถัง")
    if record.stream is None:
        raise _missing("stream", "ประเภทขยะ")
    if record.condition is None:
        raise _missing("condition", "สภาพถัง")
    polygon = village_containing(session=session, lon=record.lon, lat=record.lat)
    try:
        bin_in = BinCreate(
            code=record.bin_code or "",
            lon=record.lon,
            lat=record.lat,
            capacity_l=record.capacity_l,
            stream=record.stream,
            condition=record.condition,
            households_served=record.households_served,
            village_id=polygon.id if polygon else submission.village_id,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = ".".join(str(p) for p in problem["loc"])
        raise InvalidInput(
            f"{name}: {problem['msg']}; correct the survey before it can register a bin",
            message_th=f"ค่า {name} ไม่ถูกต้อง กรุณาแก้ไขข้อมูลก่อนลงทะเบียนถัง",
            field=name,
        ) from exc
    bin_row = Bin.model_validate(bin_in)
    session.add(bin_row)
    session.flush()
    record_inspection(
        session=session, bin_row=bin_row, inspection=_inspection(record, submission, source, True)
    )
    return bin_row


def _inspection(
    record: SurveyRecord, submission: Submission, source: InspectionSource, with_point: bool
) -> Inspection:
    return Inspection(
        bin_id=0,
        submission_id=submission.id,
        source=source,
        observed_at=record.observed_at or submission.received_at or utc_now(),
        condition=record.condition or Condition.usable,
        capacity_l=record.capacity_l if record.capacity_l and record.capacity_l > 0 else None,
        stream=record.stream,
        lon=record.lon if with_point else None,
        lat=record.lat if with_point else None,
        accuracy_m=record.accuracy_m if with_point else None,
        households_served=record.households_served
        if record.households_served is not None and record.households_served >= 0
        else None,
        note=(record.note or None) and (record.note or "")[:2000],
    )


def _renamed_bin(
    *, session: Session, record: SurveyRecord, previous: Submission | None
) -> Bin | None:
    """An edit that only fixes the code of the bin its earlier version registered."""
    if previous is None or previous.bin_id is None or not record.bin_code:
        return None
    bin_row = session.get(Bin, previous.bin_id)
    if bin_row is None or bin_row.code != (previous.parsed or {}).get("bin_code"):
        return None
    root_ids = set(
        session.exec(select(Submission.id).where(Submission.root_id == previous.root_id)).all()
    )
    sources = set(
        session.exec(select(Inspection.submission_id).where(Inspection.bin_id == bin_row.id)).all()
    )
    if not sources <= root_ids:
        return None  # the bin has its own history: a code change is a different bin
    bin_row.code = record.bin_code
    session.add(bin_row)
    return bin_row


def apply_submission(*, session: Session, submission: Submission, settings: Settings) -> None:
    """Apply a stored survey to the register (bins or village counts). Runs in the caller's
    transaction; raises ``InvalidInput`` naming the field when the survey cannot be applied."""
    record = record_from_parsed(submission.parsed)
    previous = None
    if submission.deprecated_id:
        previous = get_submission_by_instance(session=session, instance_id=submission.deprecated_id)
    edit = previous is not None and previous.applied
    source = InspectionSource.correction if edit else InspectionSource.survey
    if record.form_id == BIN_SURVEY_FORM:
        if not record.bin_code:
            raise _missing("bin_code", "รหัสถัง")
        bin_row = get_bin_by_code(session=session, code=record.bin_code)
        if bin_row is None:
            bin_row = _renamed_bin(session=session, record=record, previous=previous)
        if bin_row is None:
            bin_row = _register_new_bin(
                session=session, record=record, submission=submission, source=source
            )
        else:
            if record.condition is None:
                raise _missing("condition", "สภาพถัง")
            # A poor fix must not drag a known bin across the village: keep its old place.
            good_fix = (
                record.accuracy_m is None or record.accuracy_m <= settings.max_gps_accuracy_m
            ) and coordinates_usable(record)
            record_inspection(
                session=session,
                bin_row=bin_row,
                inspection=_inspection(record, submission, source, good_fix),
            )
        submission.bin_id = bin_row.id
        submission.village_id = bin_row.village_id or submission.village_id
    else:
        village = resolve_village(session=session, number=record.village_number)
        if village is None:
            raise _missing("village", "หมู่ที่ที่มีอยู่ในทะเบียน")
        submission.village_id = village.id
        newer = session.exec(
            select(Submission.id).where(
                Submission.form_id == record.form_id,
                Submission.village_id == village.id,
                col(Submission.applied).is_(True),
                col(Submission.is_current).is_(True),
                Submission.root_id != submission.root_id,
                col(Submission.observed_at) > (record.observed_at or utc_now()),
            )
        ).first()
        if newer is None:  # a late-arriving older count does not override a newer one
            if record.village_households is not None and record.village_households >= 0:
                village.households = record.village_households
            if record.village_population is not None and record.village_population >= 0:
                village.population = record.village_population
            session.add(village)
    submission.applied = True
    session.add(submission)
    session.flush()


def _apply_or_hold(*, session: Session, submission: Submission, settings: Settings) -> None:
    """Apply; if the register refuses (a case no rule foresaw), keep the survey, undo the
    partial apply (savepoint) and hold it with a ``cannot_apply`` flag instead of failing."""
    try:
        with session.begin_nested():
            apply_submission(session=session, submission=submission, settings=settings)
    except InvalidInput as exc:
        submission.applied = False
        add_flags(
            session=session,
            submission=submission,
            flags=[
                Flag(
                    "cannot_apply",
                    exc.field or "",
                    f"บันทึกลงทะเบียนไม่ได้: {exc.message_th}",
                    f"could not be applied to the register: {exc.message_en}",
                    "reject",
                    {"value": exc.details.get("value")},
                )
            ],
        )


# --- attachments -------------------------------------------------------------------------------


def attachments_of(*, session: Session, submission_id: int | None) -> list[Attachment]:
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.submission_id == submission_id)
            .order_by(col(Attachment.name))
        ).all()
    )


def attach_media(
    *,
    session: Session,
    submission: Submission,
    name: str,
    sha256: str,
    media_type: str,
    size_bytes: int,
) -> Attachment:
    """Record that the bytes of attachment ``name`` arrived (idempotent; a re-sent file with
    other bytes replaces the pointer — the earlier bytes stay in the media store)."""
    row = session.exec(
        select(Attachment).where(Attachment.submission_id == submission.id, Attachment.name == name)
    ).first()
    if row is None:
        row = Attachment(submission_id=submission.id or 0, name=name)
    row.sha256, row.media_type, row.size_bytes = sha256, media_type, size_bytes
    row.received_at = row.received_at or utc_now()
    session.add(row)
    session.flush()
    return row


def add_flags(*, session: Session, submission: Submission, flags: list[Flag]) -> None:
    """Add flags found after receiving (e.g. a rejected photo), without duplicates."""
    stored = list(submission.flags or [])
    seen = {(f.get("code"), f.get("field")) for f in stored}
    for flag in flags:
        if (flag.code, flag.field) not in seen:
            stored.append(flag.as_dict())
            seen.add((flag.code, flag.field))
    submission.flags = stored
    if stored and submission.review_state == ReviewState.received:
        submission.review_state = ReviewState.has_issues
    session.add(submission)
    session.flush()


# --- review and corrections --------------------------------------------------------------------


def reviews_of(*, session: Session, submission_id: int | None) -> list[SubmissionReview]:
    return list(
        session.exec(
            select(SubmissionReview)
            .where(SubmissionReview.submission_id == submission_id)
            .order_by(col(SubmissionReview.reviewed_at), col(SubmissionReview.id))
        ).all()
    )


def review_submission(
    *,
    session: Session,
    submission: Submission,
    state: ReviewState,
    comment: str | None,
    reviewer: User,
    settings: Settings,
) -> Submission:
    """Record a staff decision. Approving a held (not yet applied) current version applies it
    now, as it stands; to change values use ``correct_submission`` instead. Rejecting does not
    undo an inspection already applied (history is append-only): correct the bin instead."""
    if (
        state == ReviewState.approved
        and submission.is_current
        and submission.complete
        and not submission.applied
    ):
        apply_submission(session=session, submission=submission, settings=settings)
    submission.review_state = state
    session.add(submission)
    session.add(
        SubmissionReview(
            submission_id=submission.id or 0, state=state, comment=comment, reviewer_id=reviewer.id
        )
    )
    session.flush()
    return submission


CORRECTABLE_FIELDS = (
    "bin_code",
    "village_number",
    "lat",
    "lon",
    "accuracy_m",
    "condition",
    "capacity_l",
    "stream",
    "households_served",
    "village_households",
    "village_population",
    "note",
    "observed_at",
)


def correct_submission(
    *,
    session: Session,
    submission: Submission,
    changes: dict[str, Any],
    editor: User,
    settings: Settings,
    comment: str | None = None,
) -> ReceiveResult:
    """A staff correction: a new version (channel ``staff``, ``deprecated_id`` = this one) with
    ``changes`` applied, checked again and re-applied to the register. The original is kept."""
    if not submission.is_current:
        raise Conflict(
            "Only the current version of a survey can be corrected",
            message_th="แก้ไขได้เฉพาะฉบับล่าสุดของข้อมูลสำรวจ",
            field="id",
            details={"submission_id": submission.id},
        )
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown or not changes:
        raise InvalidInput(
            f"cannot correct {', '.join(unknown) or 'nothing'}; expected some of "
            f"{', '.join(CORRECTABLE_FIELDS)}",
            message_th="ระบุช่องที่จะแก้ไขไม่ถูกต้อง",
            field=unknown[0] if unknown else "body",
        )
    old = record_from_parsed(submission.parsed)
    new = dataclasses.replace(
        old,
        **changes,
        instance_id=f"uuid:{uuid.uuid4()}",
        deprecated_id=submission.instance_id,
        channel=Channel.staff,
    )
    raw = json.dumps(
        {
            "corrects": submission.instance_id,
            "changes": {k: record_to_parsed(new)[k] for k in sorted(changes)},
            "comment": comment,
            "by": editor.username,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    result = receive_submission(
        session=session,
        record=new,
        raw_payload=raw,
        content_type="application/json",
        submitter=editor,
        settings=settings,
    )
    session.add(
        SubmissionReview(
            submission_id=submission.id or 0,
            state=submission.review_state,
            comment=f"corrected by {result.submission.instance_id}"
            + (f": {comment}" if comment else ""),
            reviewer_id=editor.id,
        )
    )
    session.flush()
    return result


# --- queries -----------------------------------------------------------------------------------

FLAG_CODE_RE = re.compile(r"^[a-z_]{1,40}$")


def require_submission(*, session: Session, key: str) -> Submission:
    """A submission by database id (digits) or instance id (``uuid:…`` or a bare UUID)."""
    found = None
    if key.isdigit():
        found = session.get(Submission, int(key))
    else:
        found = get_submission_by_instance(session=session, instance_id=key)
        if found is None and not key.startswith("uuid:"):
            found = get_submission_by_instance(session=session, instance_id=f"uuid:{key}")
    if found is None:
        raise NotFound(f"No submission {key!r}", message_th=f"ไม่พบข้อมูลสำรวจ {key}", field="id")
    return found


def list_submissions(
    *,
    session: Session,
    village_ids: Sequence[int] | None = None,
    own_submitter_id: int | None = None,
    village_id: int | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    flag_code: str | None = None,
    review_state: ReviewState | None = None,
    form_id: str | None = None,
    current_only: bool = True,
    limit: int = 100,
    offset: int = 0,
) -> list[Submission]:
    """Submissions newest first. ``village_ids`` (a village head's scope) keeps those villages
    plus the user's own submissions (``own_submitter_id``); None means every village."""
    query = select(Submission)
    if village_ids is not None:
        query = query.where(
            or_(
                col(Submission.village_id).in_(list(village_ids)),
                col(Submission.submitter_id) == own_submitter_id,
            )
        )
    if village_id is not None:
        query = query.where(Submission.village_id == village_id)
    when = func.coalesce(Submission.observed_at, Submission.received_at)
    if date_from is not None:
        query = query.where(when >= date_from)
    if date_to is not None:
        query = query.where(when < date_to)
    if flag_code is not None:
        if not FLAG_CODE_RE.match(flag_code):
            raise InvalidInput(
                f"flag = {flag_code!r} is not a flag code; expected e.g. poor_gps_accuracy",
                message_th="รหัสปัญหาไม่ถูกต้อง เช่น poor_gps_accuracy",
                field="flag",
            )
        # Both backends store the JSON text as Python's json.dumps wrote it.
        query = query.where(
            func.cast(Submission.flags, Text).like(f'%"code": "{flag_code}"%')  # type: ignore[arg-type]
        )
    if review_state is not None:
        query = query.where(Submission.review_state == review_state)
    if form_id is not None:
        query = query.where(Submission.form_id == form_id)
    if current_only:
        query = query.where(col(Submission.is_current).is_(True))
    query = query.order_by(col(Submission.received_at).desc(), col(Submission.id).desc())
    return list(session.exec(query.offset(offset).limit(limit)).all())


def submission_versions(*, session: Session, root_id: str) -> list[Submission]:
    """Every version of one survey, oldest first."""
    return list(
        session.exec(
            select(Submission)
            .where(Submission.root_id == root_id)
            .order_by(col(Submission.received_at), col(Submission.id))
        ).all()
    )


def submissions_holding_media(*, session: Session, sha256: str) -> list[Submission]:
    return list(
        session.exec(
            select(Submission)
            .join(Attachment, col(Attachment.submission_id) == col(Submission.id))
            .where(Attachment.sha256 == sha256)
        ).all()
    )
