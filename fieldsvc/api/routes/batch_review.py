"""Deciding every survey a review filter matches at once: the JSON API
(``/api/v1/batch-reviews…``) and the staff pages (``/staff/batch-review``): a confirmation that
says how many surveys and which flags, then the decision, each survey reviewed as on its own."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from fieldsvc.api.deps import EditorPlace, SessionDep, SettingsDep
from fieldsvc.api.pages import render
from fieldsvc.api.review_filter import QueueFilter, QueueFilterDep
from fieldsvc.api.schemas.batch_review import (
    BatchFilterIn,
    BatchOutcomeOut,
    BatchPreviewOut,
    BatchReviewIn,
)
from fieldsvc.ingest.checks import FLAG_LABELS
from fieldsvc.models import ReviewState
from fieldsvc.services import batch_review
from fieldsvc.storage.register import list_villages

api = APIRouter(prefix="/api/v1", tags=["submissions"])
pages = APIRouter(prefix="/staff", include_in_schema=False)

Decision = Literal["approved", "rejected"]


@api.get(
    "/batch-reviews/preview",
    response_model=BatchPreviewOut,
    summary="How many surveys a batch review would decide, and their flags (staff)",
)
def get_batch_preview(
    session: SessionDep, place: EditorPlace, batch: Annotated[BatchFilterIn, Query()]
) -> BatchPreviewOut:
    """The filter reads as ``GET /api/v1/submissions``'s, plus ``source_file`` (one imported
    sheet), over the request's subdistrict. Send the ``token`` back with the decision (and
    the same ``?subdistrict=``)."""
    preview = batch_review.preview_batch(
        session=session,
        user=place.user,
        batch_filter=batch.to_filter(subdistrict_id=place.subdistrict_id),
    )
    return BatchPreviewOut.model_validate(preview)


@api.post(
    "/batch-reviews",
    response_model=BatchOutcomeOut,
    summary="Approve or reject every survey the filter matches (staff)",
)
def post_batch_review(
    review: BatchReviewIn, session: SessionDep, settings: SettingsDep, place: EditorPlace
) -> BatchOutcomeOut:
    """409 ``batch_changed`` (nothing decided) when the surveys are no longer the ones the
    preview's ``token`` names. A survey that cannot be applied is reported in ``failures``
    and stays as it was; the others are decided."""
    outcome = batch_review.decide_batch(
        session=session,
        settings=settings,
        reviewer=place.user,
        batch_filter=review.filter.to_filter(subdistrict_id=place.subdistrict_id),
        decision=ReviewState(review.decision),
        comment=review.comment,
        token=review.token,
    )
    return BatchOutcomeOut.model_validate(outcome)


@pages.get("/batch-review", response_class=HTMLResponse)
def batch_confirmation(
    request: Request,
    session: SessionDep,
    place: EditorPlace,
    chosen: QueueFilterDep,
    decision: Decision = "approved",
) -> Any:
    """What the decision would do, to confirm: how many surveys, which flags."""
    user = place.user
    preview = batch_review.preview_batch(
        session=session,
        user=user,
        batch_filter=chosen.batch_filter(subdistrict_id=place.subdistrict_id),
    )
    villages = list_villages(session=session, subdistrict_id=place.subdistrict_id)
    village = next((v for v in villages if v.id == chosen.village_id), None)
    flag_names = FLAG_LABELS.get(chosen.flag)
    return render(
        request,
        "staff/batch_confirm.html",
        user=user,
        preview=preview,
        decision=decision,
        chosen=chosen.fields(),
        village_label=f"หมู่ที่ {village.number} {village.name}" if village else None,
        flag_label=" / ".join(flag_names) if flag_names else None,
        asked_subdistrict=place.code if request.query_params.get("subdistrict") else None,
    )


@pages.post("/batch-review", response_class=HTMLResponse)
def batch_decision(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    decision: Annotated[Decision, Form()],
    token: Annotated[str, Form(min_length=1, max_length=64)],
    state: Annotated[str, Form()] = ReviewState.has_issues.value,
    village: Annotated[str, Form()] = "",
    flag: Annotated[str, Form()] = "",
    date_from: Annotated[str, Form()] = "",
    date_to: Annotated[str, Form()] = "",
    source: Annotated[str, Form(max_length=255)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Any:
    """The confirmed decision; the answer is the page of what was decided (sending it again
    is refused: the surveys it named are decided)."""
    user = place.user
    chosen = QueueFilter(state, village, flag, date_from, date_to, source)
    outcome = batch_review.decide_batch(
        session=session,
        settings=settings,
        reviewer=user,
        batch_filter=chosen.batch_filter(subdistrict_id=place.subdistrict_id),
        decision=ReviewState(decision),
        comment=comment.strip() or None,
        token=token,
    )
    return render(
        request, "staff/batch_done.html", user=user, outcome=outcome, chosen=chosen.fields()
    )
