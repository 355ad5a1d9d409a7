"""Surveys after they arrive: who may see them, lists, one survey with its versions and
reviews, staff decisions and corrections, and access to the stored photos.

Village heads see the surveys of their villages and their own; staff see the surveys of the
subdistricts they work for (lists: the request's workplace; one survey or photo of another
subdistrict is not found). Decisions and corrections are made by editors (the routes' sign-in
gate); each commits here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Forbidden, NotFound
from fieldsvc.ingest.photos import UNREADABLE_MEDIA_TYPE, is_readable_media_type
from fieldsvc.ingest.survey import BIN_SURVEY_FORM
from fieldsvc.models import Attachment, ReviewState, Role, Submission, User
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage.media import require_media, require_thumbnail
from fieldsvc.storage.submissions import (
    Outcome,
    ReceiveResult,
    attachments_of,
    correct_submission,
    list_submissions,
    media_type_and_name,
    require_submission,
    review_submission,
    reviews_of,
    submission_versions,
    submissions_holding_media,
)
from fieldsvc.storage.users import village_ids_of
from fieldsvc.thai import THAI_TZ

#: Who may download a photo's bytes that could not be opened as a picture.
STAFF_ROLES = frozenset({Role.admin, Role.health_staff})


@dataclass(frozen=True)
class StoredSurvey:
    """One stored survey version and its attachment rows."""

    submission: Submission
    attachments: list[Attachment]
    outcome: Outcome | None = None  # set when it was just received or corrected


@dataclass(frozen=True)
class SurveyDetail:
    """One survey as staff or its village head see it."""

    survey: StoredSurvey
    versions: list[Submission]  # every version, oldest first
    reviews: list[SubmissionReview]
    shows_raw_payload: bool  # the payload as received is for staff only


@dataclass(frozen=True)
class CorrectionResult:
    """The survey corrected, and its new version (None when nothing was changed)."""

    original: Submission
    corrected: ReceiveResult | None


@dataclass(frozen=True)
class StoredPhoto:
    """A stored photo's file. ``readable`` False: bytes that could not be opened as a picture,
    to be downloaded as a file named ``name`` (never shown inline)."""

    path: Path
    media_type: str
    readable: bool = True
    name: str = ""


# --- who may see what -----------------------------------------------------------------------


def outside_workplace(place: Workplace | None, subdistrict_id: int | None) -> bool:
    """True when a row of ``subdistrict_id`` is not for the staff member, viewer or admin of
    ``place`` (none of their subdistricts). Village heads keep their village rules; no
    ``place`` (the command line) sees every row."""
    if place is None or place.user.role == Role.village_head:
        return False
    return not place.may_see(subdistrict_id)


def require_survey(*, session: Session, key: str, place: Workplace | None = None) -> Submission:
    """A survey by database id or instance id; one of a subdistrict the user does not work
    for is not found (404 ``submission_not_found``, its existence untold)."""
    submission = require_submission(session=session, key=key)
    if outside_workplace(place, submission.subdistrict_id):
        raise NotFound.of("submission_not_found", field="id", key=key)
    return submission


def require_visible(*, session: Session, user: User, submission: Submission) -> None:
    """A village head may see the surveys of their villages and their own (else 403)."""
    allowed = village_ids_of(session=session, user=user)
    if allowed is None or submission.village_id in allowed or submission.submitter_id == user.id:
        return
    raise Forbidden.of("survey_outside_villages", field="id")


def _photo_holders(
    *, session: Session, user: User, sha256: str, place: Workplace | None = None
) -> list[Submission]:
    """The surveys holding the photo, when ``user`` may see it (else 404 / 403): for staff, a
    photo held only by surveys of other subdistricts is not found."""
    holders = submissions_holding_media(session=session, sha256=sha256)
    holders = [h for h in holders if not outside_workplace(place, h.subdistrict_id)]
    if not holders:
        raise NotFound.of("photo_not_found", field="sha256")
    allowed = village_ids_of(session=session, user=user)
    if allowed is not None and not any(
        h.village_id in allowed or h.submitter_id == user.id for h in holders
    ):
        raise Forbidden.of("photo_outside_villages", field="sha256")
    return holders


# --- reading --------------------------------------------------------------------------------


def _with_attachments(session: Session, submission: Submission) -> StoredSurvey:
    return StoredSurvey(submission, attachments_of(session=session, submission_id=submission.id))


def list_surveys(
    *,
    session: Session,
    user: User,
    village_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    flag_code: str | None = None,
    review_state: ReviewState | None = None,
    form_id: str | None = None,
    all_versions: bool = False,
    limit: int = 100,
    offset: int = 0,
    subdistrict_id: int | None = None,
) -> list[StoredSurvey]:
    """Newest first; survey dates are Thai dates, ``date_to`` included. Village heads get their
    villages' surveys and their own; others those of subdistrict ``subdistrict_id`` (None:
    every subdistrict)."""
    rows = list_submissions(
        subdistrict_id=None if user.role == Role.village_head else subdistrict_id,
        session=session,
        village_ids=village_ids_of(session=session, user=user),
        own_submitter_id=user.id,
        village_id=village_id,
        date_from=datetime.combine(date_from, time(0, 0), tzinfo=THAI_TZ) if date_from else None,
        date_to=(
            datetime.combine(date_to, time(23, 59, 59, 999999), tzinfo=THAI_TZ)
            if date_to is not None
            else None
        ),
        flag_code=flag_code,
        review_state=review_state,
        form_id=form_id,
        current_only=not all_versions,
        limit=limit,
        offset=offset,
    )
    return [_with_attachments(session, row) for row in rows]


def _detail(session: Session, user: User, submission: Submission) -> SurveyDetail:
    return SurveyDetail(
        survey=_with_attachments(session, submission),
        versions=submission_versions(session=session, root_id=submission.root_id),
        reviews=reviews_of(session=session, submission_id=submission.id),
        shows_raw_payload=user.role != Role.village_head,
    )


def survey_detail(
    *, session: Session, user: User, key: str, place: Workplace | None = None
) -> SurveyDetail:
    """One survey by database id or instance id (``uuid:…`` or the bare UUID)."""
    submission = require_survey(session=session, key=key, place=place)
    require_visible(session=session, user=user, submission=submission)
    return _detail(session, user, submission)


# --- staff decisions ------------------------------------------------------------------------


def review_survey(
    *,
    session: Session,
    settings: Settings,
    reviewer: User,
    key: str,
    state: ReviewState,
    comment: str | None,
    place: Workplace | None = None,
) -> SurveyDetail:
    """Record a decision and commit. Approving a survey held by a ``reject`` flag applies it
    to the register as it stands. A survey of another subdistrict than ``place``'s is not
    found (nothing recorded)."""
    submission = require_survey(session=session, key=key, place=place)
    review_submission(
        session=session,
        submission=submission,
        state=state,
        comment=comment,
        reviewer=reviewer,
        settings=settings,
    )
    session.commit()
    return _detail(session, reviewer, submission)


def _record_field_names(submission: Submission) -> dict[str, str]:
    """Correction field → survey record field (households mean different things per form)."""
    bin_form = submission.form_id == BIN_SURVEY_FORM
    return {
        "village": "village_number",
        "households": "households_served" if bin_form else "village_households",
        "population": "village_population",
    }


def correct_survey(
    *,
    session: Session,
    settings: Settings,
    editor: User,
    key: str,
    fields: Mapping[str, Any],
    comment: str | None = None,
    only_changed: bool = False,
    place: Workplace | None = None,
) -> CorrectionResult:
    """A staff correction: a new version with ``fields`` changed, checked and re-applied to
    the bin, and commit. ``fields`` are named as in the API (``village``, ``households`` …);
    a time without a zone is Thai time. ``only_changed`` drops values equal to the survey's
    (the review page's form sends every box); nothing left to change is then no correction.
    A survey of another subdistrict than ``place``'s is not found (nothing changed)."""
    submission = require_survey(session=session, key=key, place=place)
    names = _record_field_names(submission)
    changes = {names.get(k, k): v for k, v in fields.items()}
    observed = changes.get("observed_at")
    if isinstance(observed, datetime) and observed.tzinfo is None:
        changes["observed_at"] = observed.replace(tzinfo=THAI_TZ)
    if only_changed:
        changes = {k: v for k, v in changes.items() if v != submission.parsed.get(k)}
        if not changes:
            return CorrectionResult(original=submission, corrected=None)
    result = correct_submission(
        session=session,
        submission=submission,
        changes=changes,
        editor=editor,
        settings=settings,
        comment=comment,
    )
    session.commit()
    return CorrectionResult(original=submission, corrected=result)


# --- photos ---------------------------------------------------------------------------------


def stored_photo(
    *,
    session: Session,
    settings: Settings,
    user: User,
    sha256: str,
    place: Workplace | None = None,
) -> StoredPhoto:
    """A stored photo's file and type, when ``user`` may see a survey holding it. Bytes that
    could not be opened as a picture are for staff only (403 for others): they are what a
    phone sent, unchecked, and are downloaded as a file."""
    _photo_holders(session=session, user=user, sha256=sha256, place=place)
    found = media_type_and_name(session=session, sha256=sha256)
    media_type, name = found if found is not None else (None, "")
    readable = is_readable_media_type(media_type)
    if not readable and user.role not in STAFF_ROLES:
        raise Forbidden.of("photo_unreadable_staff_only", field="sha256")
    path = require_media(settings=settings, sha256=sha256)
    if not readable:
        return StoredPhoto(path, UNREADABLE_MEDIA_TYPE, readable=False, name=name)
    return StoredPhoto(path=path, media_type=str(media_type), name=name)


def photo_thumbnail(
    *,
    session: Session,
    settings: Settings,
    user: User,
    sha256: str,
    place: Workplace | None = None,
) -> Path:
    """A small JPEG of a stored photo (made on first request), when ``user`` may see it. A
    photo that could not be opened has none (404): its bytes are never decoded again."""
    _photo_holders(session=session, user=user, sha256=sha256, place=place)
    found = media_type_and_name(session=session, sha256=sha256)
    if found is not None and not is_readable_media_type(found[0]):
        raise NotFound.of("photo_unreadable_no_thumbnail", field="sha256", sha256=sha256)
    return require_thumbnail(settings=settings, sha256=sha256)
