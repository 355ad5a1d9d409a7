"""Receiving a survey: store it as received, check it, and apply it, in the caller's transaction.

The look-ups come first (no writes: on SQLite they do not hold the write lock), then one
INSERT, the apply, and the caller's commit. Per new survey that is: the instance id, the bin
code, the places (one statement), then the writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import SubmissionConflict
from fieldsvc.ingest.checks import (
    CheckContext,
    Flag,
    NearbyBin,
    blocks_apply,
    check_record,
    coordinates_usable,
    duplicate_radius_for,
)
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import Attachment, ReviewState, Role, Submission, User
from fieldsvc.models.types import utc_now
from fieldsvc.storage.issued_codes import get_issued_code
from fieldsvc.storage.places import Whereabouts, locate
from fieldsvc.storage.register import VILLAGE_CODE, bins_near, unused_village_code
from fieldsvc.storage.submissions.apply import LookedUp, apply_or_hold
from fieldsvc.storage.submissions.core_writes import (
    STORED_AND_BIN_IDS,
    current_bin,
    insert_submission,
    inspect_registered_bin,
    register_new_bin,
    supersede_older_versions,
)
from fieldsvc.storage.submissions.entity_intake import (
    entity_applied_later,
    entity_target,
    record_entity_update,
)
from fieldsvc.storage.submissions.queries import attachments_of, get_submission_by_instance
from fieldsvc.storage.submissions.records import payload_digest, record_to_parsed
from fieldsvc.storage.tenancy import subdistrict_for_row
from fieldsvc.storage.users import village_ids_of

Outcome = Literal["created", "duplicate", "edited"]


@dataclass(frozen=True)
class ReceiveResult:
    submission: Submission
    outcome: Outcome
    flags: list[Flag]
    attachments: list[Attachment]  # by name; the rows a response shows, without a query


# --- checks ------------------------------------------------------------------------------------


def _nearby_same_stream(
    *, session: Session, record: SurveyRecord, settings: Settings, exclude_bin_id: int | None
) -> tuple[NearbyBin, ...]:
    stream = record.stream_for_new_bin  # a sheet row's default stream is the new bin's
    if stream is None or record.lon is None or record.lat is None:
        return ()
    return tuple(
        NearbyBin(code=b.code, distance_m=d)
        for b, d in bins_near(
            session=session,
            lon=record.lon,
            lat=record.lat,
            radius_m=duplicate_radius_for(
                record.accuracy_m, duplicate_radius_m=settings.duplicate_radius_m
            ),
            stream=stream,
            limit=5,
        )
        if b.id != exclude_bin_id
    )


def _check_context(
    *,
    session: Session,
    record: SurveyRecord,
    settings: Settings,
    bin_exists: bool,
    places: Whereabouts,
    exclude_bin_id: int | None,
) -> CheckContext:
    usable = coordinates_usable(record)
    nearby: tuple[NearbyBin, ...] = ()
    if usable and record.form_id == BIN_SURVEY_FORM and not bin_exists:
        nearby = _nearby_same_stream(
            session=session, record=record, settings=settings, exclude_bin_id=exclude_bin_id
        )
    return CheckContext(
        now=utc_now(),
        max_gps_accuracy_m=settings.max_gps_accuracy_m,
        duplicate_radius_m=settings.duplicate_radius_m,
        bin_exists=bin_exists,
        inside_subdistrict=places.inside_subdistrict if usable else None,
        village_known=places.claimed is not None if record.village_number is not None else None,
        village_at_point=places.at_point.number if places.at_point else None,
        nearby_same_stream=nearby,
    )


def _with_fresh_code(*, session: Session, record: SurveyRecord) -> tuple[SurveyRecord, list[Flag]]:
    """A new bin whose phone-made code another bin already has (two phones drew the same
    code offline): the survey is kept, the new bin gets a fresh code of the same village, and
    a note tells the village head which code to write on the bin."""
    old = record.bin_code or ""
    shape = VILLAGE_CODE.match(old)
    prefix = shape.group(1) if shape else f"{record.village_number or 0:02d}"
    fresh = unused_village_code(session=session, prefix=prefix)
    if fresh is None:
        return record, []
    flag = Flag.of(
        "bin_code_reassigned",
        "bin_code",
        {"value": old, "bin_code": fresh},
        old_code=old,
        bin_code=fresh,
    )
    return replace(record, bin_code=fresh), [flag]


def _scope_flags(
    *,
    session: Session,
    record: SurveyRecord,
    submitter: User | None,
    places: Whereabouts,
    bin_village_id: int | None,
) -> list[Flag]:
    """A village head writes only in their own villages: the village the survey names, the
    village its point lies in and the village the named bin is registered in must all be
    theirs. Otherwise the survey is kept but held for staff (never applied, never public)."""
    if submitter is None or submitter.role != Role.village_head:
        return _subdistrict_flags(record=record, places=places)
    allowed = village_ids_of(session=session, user=submitter) or []
    flags: list[Flag] = []
    named = places.village
    if named is None or named.id not in allowed:
        shown = record.village_number if record.village_number is not None else "-"
        flags.append(
            Flag.of(
                "village_not_assigned",
                "village",
                {"value": record.village_number, "allowed_village_ids": allowed},
                village=shown,
                username=submitter.username,
            )
        )
    point_named = (
        named is not None and places.at_point is not None and places.at_point.id == named.id
    )
    if places.at_point is not None and places.at_point.id not in allowed and not point_named:
        flags.append(
            Flag.of(
                "point_outside_my_villages",
                "location",
                {"village_at_point": places.at_point.number, "allowed_village_ids": allowed},
                village=places.at_point.number,
            )
        )
    if bin_village_id is not None and bin_village_id not in allowed:
        flags.append(
            Flag.of(
                "bin_outside_my_villages",
                "bin_code",
                {"value": record.bin_code, "allowed_village_ids": allowed},
                code=record.bin_code,
            )
        )
    return flags


def _subdistrict_flags(*, record: SurveyRecord, places: Whereabouts) -> list[Flag]:
    """Health staff, viewers and admins of some subdistricts write only in theirs: a survey
    whose point lies in a village of another subdistrict, or that names a bin registered in
    another, is kept but held for staff (never applied to that subdistrict's register). The
    village it names is looked for in the sender's subdistricts only (``locate``)."""
    mine = places.sender_subdistricts
    if mine is None:  # a user of every subdistrict (or a single-office install)
        return []
    flags: list[Flag] = []
    at_point = places.at_point
    if at_point is not None and at_point.subdistrict_id not in mine:
        flags.append(
            Flag.of(
                "point_outside_my_subdistrict",
                "location",
                {"village_at_point": at_point.number, "allowed_subdistrict_ids": list(mine)},
            )
        )
    if places.bin_subdistrict is not None and places.bin_subdistrict not in mine:
        flags.append(
            Flag.of(
                "bin_of_other_subdistrict",
                "bin_code",
                {"value": record.bin_code, "allowed_subdistrict_ids": list(mine)},
                code=record.bin_code,
            )
        )
    return flags


def _edit_flags(
    record: SurveyRecord, previous: Submission | None, submitter: User | None
) -> list[Flag]:
    if record.deprecated_id is None:
        return []
    if previous is not None and not _may_edit(submitter, previous):
        return [
            Flag.of(
                "edit_of_another_surveyors_survey",
                "meta/deprecatedID",
                {"value": record.deprecated_id},
                deprecated_id=record.deprecated_id,
            )
        ]
    if previous is None:
        return [
            Flag.of(
                "unknown_deprecated_id",
                "meta/deprecatedID",
                {"value": record.deprecated_id},
                deprecated_id=record.deprecated_id,
            )
        ]
    if not previous.is_current:
        return [
            Flag.of(
                "edit_of_old_version",
                "meta/deprecatedID",
                {"value": record.deprecated_id},
                deprecated_id=record.deprecated_id,
            )
        ]
    return []


# --- attachments -------------------------------------------------------------------------------


def _ensure_attachment_rows(
    *,
    session: Session,
    submission: Submission,
    names: tuple[str, ...],
    previous: Submission | None,
    is_new: bool,
) -> list[Attachment]:
    """The submission's attachment rows, one per declared name (existing rows kept)."""
    rows = [] if is_new else attachments_of(session=session, submission_id=submission.id)
    have = {a.name for a in rows}
    missing = [name for name in names if name not in have]
    if not missing:
        return rows
    earlier: dict[str, Attachment] = {}
    if previous is not None:
        earlier = {a.name: a for a in attachments_of(session=session, submission_id=previous.id)}
    for name in dict.fromkeys(missing):
        row = Attachment(submission_id=submission.id or 0, name=name)
        if name in earlier and earlier[name].sha256:
            # An edit or a staff correction keeps the photo it did not replace.
            old = earlier[name]
            row.sha256, row.media_type = old.sha256, old.media_type
            row.size_bytes, row.received_at = old.size_bytes, old.received_at
        session.add(row)
        rows.append(row)
    session.flush()
    return sorted(rows, key=lambda a: a.name)


# --- receive -----------------------------------------------------------------------------------


def _receive_again(
    *, session: Session, existing: Submission, record: SurveyRecord, digest: str
) -> ReceiveResult:
    """The same instance id again: identical → a duplicate (completing a split upload);
    different → ``SubmissionConflict``."""
    if existing.payload_sha256 != digest:
        raise SubmissionConflict.of(
            "instance_id_reused",
            field="meta/instanceID",
            details={"value": record.instance_id, "submission_id": existing.id},
            instance_id=record.instance_id,
        )
    attachments = _ensure_attachment_rows(
        session=session, submission=existing, names=record.photo_names, previous=None, is_new=False
    )
    return ReceiveResult(existing, "duplicate", _flags_of(existing), attachments)


def _flags_of(submission: Submission) -> list[Flag]:
    return [Flag.from_dict(f) for f in submission.flags or []]


def _new_submission(
    *,
    record: SurveyRecord,
    raw_payload: str,
    content_type: str,
    digest: str,
    root_id: str,
    submitter: User | None,
    village_id: int | None,
    subdistrict_id: int | None,
    complete: bool,
    flags: list[Flag],
) -> Submission:
    return Submission(
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
        village_id=village_id,
        subdistrict_id=subdistrict_id,
        raw_payload=raw_payload,
        payload_sha256=digest,
        content_type=content_type[:80],
        complete=complete,
        applied=False,
        review_state=ReviewState.has_issues if flags else ReviewState.received,
        flags=[f.as_dict() for f in flags],
        parsed=record_to_parsed(record),
    )


def _new_root_id(record: SurveyRecord, edit_flags: list[Flag]) -> str:
    """A survey's first version roots its chain; an edit whose original is not here (yet)
    joins the chain it names, unless it names someone else's survey."""
    if record.deprecated_id and not any(
        f.code == "edit_of_another_surveyors_survey" for f in edit_flags
    ):
        return record.deprecated_id
    return record.instance_id


def _may_edit(submitter: User | None, previous: Submission) -> bool:
    """A village head edits only their own surveys (staff roles edit within their scope)."""
    if submitter is None or submitter.role != Role.village_head:
        return True
    return previous.submitter_id == submitter.id


def _stored_and_bin_ids(
    *, session: Session, record: SurveyRecord
) -> tuple[int | None, int | None, int | None]:
    """The id of the version already stored with this instance id (almost always none), and
    the id and village of the registered bin with the survey's code: one statement (Core)."""
    params = {"instance_id": record.instance_id, "code": record.bin_code}
    row = session.execute(STORED_AND_BIN_IDS, params).one()
    if not record.bin_code:
        return row[0], None, None
    return row[0], row[1], row[2]


def _apply_at_once(
    *,
    session: Session,
    record: SurveyRecord,
    submission: Submission,
    looked_up: LookedUp,
    settings: Settings,
) -> bool:
    """The common cases — a clean first survey of a registered bin, or of a new bin at a usable
    point inside a village — applied with three Core statements instead of the ORM apply and
    its savepoint: every reason to refuse the survey is checked before the first of them, so
    there is nothing to roll back. False (nothing written) when it needs the general apply."""
    if (
        record.form_id != BIN_SURVEY_FORM
        or not record.bin_code
        or record.condition is None
        or looked_up.previous is not None  # an edit: corrections, renamed bins
    ):
        return False
    at_point = looked_up.places.at_point
    usable = coordinates_usable(record)
    if looked_up.bin_id is None:
        if not usable or at_point is None:
            return False
        return register_new_bin(
            session=session,
            record=record,
            submission=submission,
            point_village_id=at_point.id,
        )
    if usable and at_point is None:  # the general apply looks the point up again
        return False
    bin_now = current_bin(session=session, bin_id=looked_up.bin_id)
    if bin_now is None:  # gone since the look-up: the general apply decides
        return False
    inspect_registered_bin(
        session=session,
        record=record,
        submission=submission,
        bin_now=bin_now,
        point_village_id=at_point.id if at_point else None,
        max_gps_accuracy_m=settings.max_gps_accuracy_m,
    )
    return True


def _subdistrict_of(
    *,
    session: Session,
    places: Whereabouts,
    point: tuple[float, float] | None,
    submitter: User | None,
) -> int | None:
    """The survey's subdistrict: its village's, else its bin's (both already looked up), else
    its sender's only one, the one holding its point, or the install's only one."""
    if places.village is not None and places.village.subdistrict_id is not None:
        return places.village.subdistrict_id
    if places.bin_subdistrict is not None:
        return places.bin_subdistrict
    return subdistrict_for_row(
        session=session,
        village_id=places.village.id if places.village else None,
        lon=point[0] if point else None,
        lat=point[1] if point else None,
        user=submitter,
    )


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
    subdistrict_ids: Sequence[int] | None = None,
) -> ReceiveResult:
    """Store one survey version as received, check it, and apply it if complete and clean.

    ``intake_flags`` are problems the channel's parser already found (unreadable values).
    ``subdistrict_ids``: the subdistricts its village number is looked for in (a sheet
    imported for one subdistrict); None: the sender's (see ``locate``).
    """
    digest = payload_digest(raw_payload, content_type)
    stored_id, bin_id, bin_village_id = _stored_and_bin_ids(session=session, record=record)
    existing = session.get(Submission, stored_id) if stored_id is not None else None
    if existing is not None:
        result = _receive_again(session=session, existing=existing, record=record, digest=digest)
        if complete and not existing.complete:  # the last part of a split upload
            existing.complete = True
            if not blocks_apply(result.flags):
                apply_or_hold(session=session, submission=existing, settings=settings)
                entity_applied_later(session=session, settings=settings, submission=existing)
            session.add(existing)
            session.flush()
            result = ReceiveResult(existing, "duplicate", _flags_of(existing), result.attachments)
        return result

    record, bin_id, bin_village_id, entity_flags = entity_target(
        session=session, record=record, bin_id=bin_id, bin_village_id=bin_village_id
    )
    fresh_code: list[Flag] = []
    # a phone-made code is drawn offline: it may be another bin's, or a printed sticker's that
    # is waiting for its own bin (scanning that sticker later must not open this one)
    if (
        record.code_made_on_phone
        and record.deprecated_id is None
        and (
            bin_id is not None
            or (record.bin_code and get_issued_code(session=session, code=record.bin_code))
        )
    ):
        record, fresh_code = _with_fresh_code(session=session, record=record)
        if fresh_code:
            bin_id = bin_village_id = None
    previous = None
    if record.deprecated_id:
        previous = get_submission_by_instance(session=session, instance_id=record.deprecated_id)
    edit_flags = _edit_flags(record, previous, submitter)
    if previous is not None and not _may_edit(submitter, previous):
        previous = None  # kept as a survey of its own: it replaces nobody else's version
    point = (record.lon or 0, record.lat or 0) if coordinates_usable(record) else None
    places = locate(
        session=session,
        number=record.village_number,
        point=point,
        sender=submitter,
        within=subdistrict_ids,
        bin_id=bin_id,
    )
    village_id = places.village.id if places.village else None
    context = _check_context(
        session=session,
        record=record,
        settings=settings,
        bin_exists=bin_id is not None,
        places=places,
        exclude_bin_id=previous.bin_id if previous else None,
    )
    flags = list(intake_flags) + fresh_code + entity_flags
    flags += check_record(record, context=context)
    flags += _scope_flags(
        session=session,
        record=record,
        submitter=submitter,
        places=places,
        bin_village_id=bin_village_id,
    )
    flags += edit_flags
    submission = _new_submission(
        record=record,
        raw_payload=raw_payload,
        content_type=content_type,
        digest=digest,
        root_id=previous.root_id if previous else _new_root_id(record, edit_flags),
        submitter=submitter,
        village_id=village_id,
        subdistrict_id=_subdistrict_of(
            session=session, places=places, point=point, submitter=submitter
        ),
        complete=complete,
        flags=flags,
    )
    # A concurrent twin fails here (unique instance_id): the caller retries.
    insert_submission(session=session, submission=submission)
    supersede_older_versions(session=session, submission=submission)
    attachments = _ensure_attachment_rows(
        session=session,
        submission=submission,
        names=record.photo_names,
        previous=previous,
        is_new=True,
    )
    if complete and not blocks_apply(flags):
        looked_up = LookedUp(previous=previous, bin_id=bin_id, places=places)
        if not _apply_at_once(
            session=session,
            record=record,
            submission=submission,
            looked_up=looked_up,
            settings=settings,
        ):
            apply_or_hold(
                session=session, submission=submission, settings=settings, looked_up=looked_up
            )
            flags = _flags_of(submission)
    record_entity_update(session=session, settings=settings, submission=submission, record=record)
    outcome: Outcome = "edited" if record.deprecated_id else "created"
    return ReceiveResult(submission, outcome, flags, attachments)
