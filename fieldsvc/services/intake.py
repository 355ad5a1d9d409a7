"""Receiving a survey from any channel: the OpenRosa endpoint, the web form's JSON and
multipart requests, a photo sent on its own, and the demo's sample surveys.

The steps are written once here: who may send, the size limits, photos stored before the
transaction, receive → attach → commit (retried once for the unique-id race), and a flag for
a photo the form did not name. A survey's photos are sent or replaced only by its surveyor
(staff within their scope) and only until staff have reviewed it; a replaced photo is kept
as an earlier version. Photos arrive here already checked (``receive_photo``): the
callers do that where their thread model wants it.

A photo that could not be decoded is stored as received and the survey applied as usual; the
survey carries the note flag ``photo_unreadable`` (one per such photo) for as long as its current
bytes are those, so a readable photo sent later for the same name clears it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
)
from fieldsvc.ingest.checks import Flag
from fieldsvc.ingest.photos import ReceivedPhoto, UnreadablePhoto, is_readable_media_type
from fieldsvc.ingest.survey import SurveyRecord
from fieldsvc.models import Attachment, ReviewState, Role, Submission, User
from fieldsvc.problems import render
from fieldsvc.services.submissions import require_visible
from fieldsvc.storage.engine import commit_with_one_retry
from fieldsvc.storage.media import sha256_hex, store_media
from fieldsvc.storage.submissions import (
    ReceiveResult,
    add_flags,
    attach_media,
    attachments_of,
    has_staff_review,
    photos_received_since,
    receive_submission,
    require_submission,
    set_flags_of_code,
)
from fieldsvc.storage.tenancy import subdistrict_ids_of
from fieldsvc.thai import thai_now

NamedPhoto = tuple[str, ReceivedPhoto]
UNREADABLE_FLAG = "photo_unreadable"


# --- who may send, and how much -------------------------------------------------------------


def require_can_submit(user: User) -> None:
    """Read-only viewers cannot send surveys (403)."""
    if user.role == Role.viewer:
        raise Forbidden.of("read_only_cannot_submit")


def _declared_size(content_length: str | None) -> int | None:
    return int(content_length) if content_length and content_length.isdigit() else None


def require_body_within(content_length: str | None, *, limit: int) -> None:
    """A JSON-API body whose declared ``Content-Length`` is over ``limit`` bytes is refused (413)
    before it is read."""
    size = _declared_size(content_length)
    if size is not None and size > limit:
        raise body_too_large(size, limit)


def body_too_large(size: int, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge.of(
        "body_too_large",
        field="body",
        details={"value": size, "max_bytes": limit},
        size=size,
        max_bytes=limit,
    )


def require_submission_within(content_length: str | None, *, limit: int) -> None:
    """An OpenRosa submission declared over ``limit`` bytes is refused (413) before it is read;
    Collect shows this text to the surveyor."""
    size = _declared_size(content_length)
    if size is not None and size > limit:
        raise PayloadTooLarge.of(
            "submission_too_large",
            field="body",
            details={"max_bytes": limit},
            size=size,
            max_bytes=limit,
        )


def require_declared(name: str, declared: Sequence[str]) -> None:
    """A photo sent over the JSON API must be one the survey names in ``photos``."""
    if name not in declared:
        expected = list(declared)
        raise InvalidInput.of(
            "photo_not_declared",
            field="name",
            details={"value": name, "expected": expected},
            name=name,
            expected=expected,
        )


def require_photo_quota(
    *, session: Session, settings: Settings, user: User, sizes: Sequence[int]
) -> None:
    """Refuse (429) photos that would take ``user`` past the photos or bytes allowed per Thai
    calendar day (``FIELDSVC_MAX_PHOTOS_PER_USER_DAY``, ``…_PHOTO_BYTES_PER_USER_DAY``)."""
    if not sizes:
        return
    day_start = thai_now().replace(hour=0, minute=0, second=0, microsecond=0)
    count, size = photos_received_since(session=session, submitter_id=user.id, since=day_start)
    max_photos, max_bytes = settings.max_photos_per_user_day, settings.max_photo_bytes_per_user_day
    if count + len(sizes) > max_photos or size + sum(sizes) > max_bytes:
        raise TooManyRequests.of(
            "photo_quota_exceeded",
            field="photos",
            details={"photos_today": count, "bytes_today": size, "max_photos": max_photos},
            max_photos=max_photos,
            max_mb=max_bytes // (1024 * 1024),
        )


def require_photo_sender(*, session: Session, user: User, submission: Submission) -> None:
    """Photos of a survey are sent by its surveyor; staff roles may send them within their
    scope (the visibility rule); a viewer sends nothing (403)."""
    require_can_submit(user)
    require_visible(session=session, user=user, submission=submission)
    if user.role == Role.village_head and submission.submitter_id != user.id:
        raise Forbidden.of("photo_not_your_survey", field="id", key=submission.instance_id)


def require_photos_open(*, session: Session, submission: Submission) -> None:
    """A survey's photos may change only until staff review it (409 afterwards)."""
    decided = submission.review_state in (ReviewState.approved, ReviewState.rejected)
    if decided or has_staff_review(session=session, submission_id=submission.id):
        state = str(submission.review_state)  # a plain string when read back from the row
        raise Conflict.of(
            "photo_after_review",
            field="id",
            details={"review_state": state},
            key=submission.instance_id,
            state=state,
        )


def _require_may_change_photos(
    *, session: Session, user: User, submission: Submission, digests: dict[str, str]
) -> None:
    """Photos of a survey already stored (a resent split upload): identical bytes are a no-op
    for anyone; new or other bytes follow the photo rules."""
    rows = attachments_of(session=session, submission_id=submission.id)
    current = {a.name: a.sha256 for a in rows}
    if all(current.get(name) == digest for name, digest in digests.items()):
        return
    require_photo_sender(session=session, user=user, submission=submission)
    require_photos_open(session=session, submission=submission)


# --- receiving ------------------------------------------------------------------------------


def _undeclared_flags(names: Sequence[str]) -> list[Flag]:
    return [Flag.of("undeclared_attachment", name, {"value": name}, name=name) for name in names]


def _unreadable_flag(attachment: Attachment, reasons: dict[str, str]) -> Flag:
    details = {
        "value": attachment.name,
        "sha256": attachment.sha256,
        "size_bytes": attachment.size_bytes,
        "reason": reasons.get(attachment.name),
    }
    return Flag.of(UNREADABLE_FLAG, attachment.name, details, name=attachment.name)


def _sync_unreadable_flags(
    *,
    session: Session,
    submission: Submission,
    rows: Sequence[Attachment],
    reasons: dict[str, str],
) -> bool:
    """One ``photo_unreadable`` flag per attachment whose current bytes could not be decoded
    (``rows``: all the survey's attachments); a flag whose photo was replaced by a readable one
    is dropped. ``reasons``: why, for the photos of this request. True when flags changed."""
    unreadable = [
        a for a in rows if a.sha256 is not None and not is_readable_media_type(a.media_type)
    ]
    already = any(f.get("code") == UNREADABLE_FLAG for f in submission.flags or [])
    if not unreadable and not already:
        return False  # the common case: no write, no query
    return set_flags_of_code(
        session=session,
        submission=submission,
        code=UNREADABLE_FLAG,
        flags=[_unreadable_flag(a, reasons) for a in unreadable],
    )


def _reasons(photos: Sequence[NamedPhoto]) -> dict[str, str]:
    return {name: photo.reason for name, photo in photos if isinstance(photo, UnreadablePhoto)}


def photo_notice(flags: Sequence[Flag]) -> tuple[str, str] | None:
    """The Thai and English words for the phone when a photo of the survey cannot be opened
    (the survey itself was received), else None."""
    if any(f.code == UNREADABLE_FLAG for f in flags):
        return render("photo_unreadable_phone")
    return None


def attachment_notice(attachment: Attachment) -> tuple[str, str] | None:
    """The words for the phone when the photo it just sent cannot be opened, else None."""
    if attachment.sha256 is not None and not is_readable_media_type(attachment.media_type):
        return render("photo_unreadable_phone")
    return None


def receive_survey(
    *,
    session: Session,
    settings: Settings,
    submitter: User,
    record: SurveyRecord,
    raw_payload: str,
    content_type: str,
    photos: Sequence[NamedPhoto] = (),
    complete: bool = True,
    intake_flags: Sequence[Flag] = (),
) -> ReceiveResult:
    """Store, check, apply and attach one survey in one transaction, and commit.

    A concurrent twin (same instance id) makes the first try fail on the unique key; the second
    try then finds it and answers as for a duplicate. A photo the form does not name is kept
    and flagged ``undeclared_attachment`` (OpenRosa; the JSON API refuses it before this).
    """
    require_can_submit(submitter)
    require_photo_quota(
        session=session, settings=settings, user=submitter, sizes=[len(p.data) for _, p in photos]
    )
    # Photos are written (and fsynced) before the transaction, so that SQLite's write lock
    # never waits on the disk; a failure below leaves at most an unreferenced file.
    stored = [
        (name, photo, store_media(settings=settings, data=photo.data)) for name, photo in photos
    ]
    undeclared = [name for name, _ in photos if name not in record.photo_names]
    reasons = _reasons(photos)

    def receive_and_attach() -> ReceiveResult:
        result = receive_submission(
            session=session,
            record=record,
            raw_payload=raw_payload,
            content_type=content_type,
            submitter=submitter,
            settings=settings,
            complete=complete,
            intake_flags=tuple(intake_flags),
        )
        if result.outcome == "duplicate" and stored:
            _require_may_change_photos(
                session=session,
                user=submitter,
                submission=result.submission,
                digests={name: digest for name, _, digest in stored},
            )
        rows = {a.name: a for a in result.attachments}
        for name, photo, digest in stored:
            rows[name] = attach_media(
                session=session,
                submission=result.submission,
                name=name,
                sha256=digest,
                media_type=photo.media_type,
                size_bytes=len(photo.data),
                known_rows=result.attachments,
                sender_id=submitter.id,
            )
        flags_changed = bool(undeclared)
        if undeclared:
            add_flags(
                session=session,
                submission=result.submission,
                flags=_undeclared_flags(undeclared),
            )
        flags_changed |= _sync_unreadable_flags(
            session=session,
            submission=result.submission,
            rows=list(rows.values()),
            reasons=reasons,
        )
        if flags_changed:
            flags = [Flag.from_dict(f) for f in result.submission.flags or []]
            return dataclasses.replace(result, flags=flags)
        return result

    return commit_with_one_retry(session, receive_and_attach)


def _require_own_subdistrict(
    *, session: Session, user: User, submission: Submission, key: str
) -> None:
    """A survey of a subdistrict ``user`` does not work for is not theirs to know of (404),
    unless they sent it themselves (a survey held because it was about another subdistrict
    still gets its photos)."""
    if submission.submitter_id == user.id or user.role == Role.village_head:
        return  # a village head's villages are checked by ``require_photo_sender``
    mine = subdistrict_ids_of(session=session, user=user)
    if mine is not None and submission.subdistrict_id not in mine:
        raise NotFound.of("submission_not_found", field="id", key=key)


def survey_for_photo(*, session: Session, user: User, key: str, name: str) -> Submission:
    """The survey a photo is about to be sent for, when ``user`` may send it (else 404 / 403 /
    400 for a photo the survey does not name); checked before the bytes are read."""
    submission = require_submission(session=session, key=key)
    _require_own_subdistrict(session=session, user=user, submission=submission, key=key)
    require_photo_sender(session=session, user=user, submission=submission)
    require_declared(name, list((submission.parsed or {}).get("photo_names") or []))
    return submission


def attach_photo(
    *,
    session: Session,
    settings: Settings,
    sender: User,
    submission: Submission,
    name: str,
    photo: ReceivedPhoto,
) -> Attachment:
    """Store a photo sent on its own and attach it to its survey, and commit. The same bytes
    again change nothing; other bytes replace the photo until staff review the survey (409
    after), and the replaced photo is kept as an earlier version. The survey's
    ``photo_unreadable`` flags follow its current photos (set for an unreadable one, dropped
    when a readable one replaces it)."""
    digest = sha256_hex(photo.data)
    _require_may_change_photos(
        session=session, user=sender, submission=submission, digests={name: digest}
    )
    require_photo_quota(session=session, settings=settings, user=sender, sizes=[len(photo.data)])
    store_media(settings=settings, data=photo.data)
    attachment = attach_media(
        session=session,
        submission=submission,
        name=name,
        sha256=digest,
        media_type=photo.media_type,
        size_bytes=len(photo.data),
        sender_id=sender.id,
    )
    _sync_unreadable_flags(
        session=session,
        submission=submission,
        rows=attachments_of(session=session, submission_id=submission.id),
        reasons=_reasons([(name, photo)]),
    )
    session.commit()
    return attachment
