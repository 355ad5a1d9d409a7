"""Stored surveys over the JSON API: lists, one survey with its versions and reviews, and the
staff's decisions and corrections (``/api/v1/submissions…``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fieldsvc.api.deps import (
    MAX_OFFSET,
    MAX_ROW_ID,
    EditorPlace,
    SessionDep,
    SettingsDep,
    UserPlace,
)
from fieldsvc.api.schemas.corrections import CorrectionIn
from fieldsvc.api.schemas.submissions import ReceiveOut, ReviewIn, SubmissionDetail, SubmissionOut
from fieldsvc.models import ReviewState
from fieldsvc.services import submissions

router = APIRouter(prefix="/api/v1", tags=["submissions"])


@router.get("/submissions", response_model=list[SubmissionOut], summary="List surveys")
def get_submissions(
    session: SessionDep,
    place: UserPlace,
    village_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    date_from: Annotated[date | None, Query(description="Survey date ≥ (Thai date)")] = None,
    date_to: Annotated[date | None, Query(description="Survey date ≤ (Thai date)")] = None,
    flag: Annotated[str | None, Query(description="A flag code, e.g. poor_gps_accuracy")] = None,
    review_state: ReviewState | None = None,
    form_id: Literal["bin_survey", "village_households"] | None = None,
    all_versions: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[SubmissionOut]:
    """Newest first: the surveys of the request's subdistrict (``?subdistrict=CODE``). Village
    heads see their villages' surveys and their own."""
    found = submissions.list_surveys(
        session=session,
        user=place.user,
        subdistrict_id=place.subdistrict_id,
        village_id=village_id,
        date_from=date_from,
        date_to=date_to,
        flag_code=flag,
        review_state=review_state,
        form_id=form_id,
        all_versions=all_versions,
        limit=limit,
        offset=offset,
    )
    return [SubmissionOut.model_validate(s) for s in found]


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionDetail,
    summary="One survey: flags, parsed record, photos, versions, reviews",
)
def get_submission(submission_id: str, session: SessionDep, place: UserPlace) -> SubmissionDetail:
    """``submission_id`` is the database id or the instance id (``uuid:…`` or the bare UUID)."""
    detail = submissions.survey_detail(
        session=session, user=place.user, key=submission_id, place=place
    )
    return SubmissionDetail.model_validate(detail)


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
    place: EditorPlace,
) -> SubmissionDetail:
    """Approving a survey held by a ``reject`` flag applies it to the register as it stands."""
    detail = submissions.review_survey(
        session=session,
        settings=settings,
        reviewer=place.user,
        key=submission_id,
        place=place,
        state=ReviewState(review.state),
        comment=review.comment,
    )
    return SubmissionDetail.model_validate(detail)


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
    place: EditorPlace,
) -> ReceiveOut:
    result = submissions.correct_survey(
        session=session,
        settings=settings,
        editor=place.user,
        key=submission_id,
        place=place,
        fields=correction.changed_fields(),
        comment=correction.comment,
    )
    return ReceiveOut.model_validate(result.corrected)
