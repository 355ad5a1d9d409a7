"""The health staff's pages: overview, map, review queue, bin history, allocation plans."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldsvc.api.citizen_words import kind_names
from fieldsvc.api.deps import (
    EditorPlace,
    PlanId,
    SessionDep,
    SettingsDep,
    StaffPlace,
)
from fieldsvc.api.i18n import language
from fieldsvc.api.pages import render
from fieldsvc.api.review_filter import QueueFilterDep
from fieldsvc.api.schemas.corrections import correction_from_form
from fieldsvc.ingest.checks import FLAG_LABELS
from fieldsvc.maps.output import render_map_html
from fieldsvc.models import ReviewState, Role
from fieldsvc.services import (
    batch_review,
    coverage_history,
    overview,
    plan_progress,
    planning,
    rounds,
    submissions,
    work_orders,
)
from fieldsvc.services.bins import bin_record
from fieldsvc.storage.register import list_villages
from fieldsvc.storage.submissions import (
    attachments_of,
    first_photos,
    list_submissions,
    reviews_of,
    submission_versions,
)
from fieldsvc.thai import THAI_TZ

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
    fiscal_year: int | None = None,
) -> Any:
    """The overview of the request's subdistrict: its villages, charts, rounds and plans."""
    user, here = place.user, place.subdistrict_id
    table = overview.village_overview(session=session, settings=settings, subdistrict_id=here)
    charts = coverage_history.year_charts(
        session=session, settings=settings, fiscal_year=fiscal_year, subdistrict_id=here
    )
    queue = list_submissions(
        session=session, review_state=ReviewState.has_issues, limit=10, subdistrict_id=here
    )
    plans = planning.list_plans(session=session, subdistrict_id=here)[:5]
    due = rounds.village_rounds(session=session, settings=settings, subdistrict_id=here)
    return render(
        request,
        "staff/dashboard.html",
        user=user,
        villages=table.to_dict("records"),
        totals=table[
            [
                "households",
                "bins_total",
                "bins_usable",
                "bins_damaged",
                "bins_missing",
                "households_covered",
                "households_located",
            ]
        ].sum(numeric_only=True),
        queue=queue,
        plans=plans,
        rounds=due.to_dict("records"),
        rounds_usable_days=settings.rounds_usable_days,
        rounds_soon_days=settings.rounds_due_soon_days,
        charts=charts,
        report_counts=overview.village_report_counts(session=session, subdistrict_id=here),
        many_reports=settings.citizen_many_open_reports,
        orders=work_orders.order_board(
            session=session,
            settings=settings,
            user=user,
            overdue_only=True,
            subdistrict_id=here,
        ),
    )


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, place: StaffPlace) -> Any:
    src = "/staff/map.html"
    if len(place.choices) > 1:  # the map of the subdistrict this page was asked for
        src = f"{src}?subdistrict={place.code}"
    return render(request, "staff/map.html", user=place.user, map_src=src)


@router.get("/map.html", response_class=HTMLResponse)
def map_document(session: SessionDep, settings: SettingsDep, place: StaffPlace) -> Any:
    """The map of the request's subdistrict: its villages, bins, reports and plan."""
    here = place.subdistrict_id
    plan = planning.published_plan(session=session, subdistrict_id=here) or next(
        iter(planning.list_plans(session=session, subdistrict_id=here)), None
    )
    m = overview.coverage_map(
        session=session, settings=settings, audience="staff", plan=plan, subdistrict_id=here
    )
    return HTMLResponse(render_map_html(m, asset_base="/vendor"))


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request, session: SessionDep, place: StaffPlace, chosen: QueueFilterDep
) -> Any:
    """The surveys of the request's subdistrict to review, filtered by state (or all), village,
    flag, survey date and imported sheet; editors get the batch decision over every survey the
    filter matches."""
    user, subdistrict_id = place.user, place.subdistrict_id
    limit = 200
    day_from, day_to = chosen.day_from, chosen.day_to
    rows = list_submissions(
        session=session,
        review_state=chosen.review_state,
        village_id=chosen.village_id,
        flag_code=chosen.flag or None,
        date_from=datetime.combine(day_from, time(0, 0), tzinfo=THAI_TZ) if day_from else None,
        date_to=(
            datetime.combine(day_to + timedelta(days=1), time(0, 0), tzinfo=THAI_TZ)
            if day_to
            else None
        ),
        source_file=chosen.source or None,
        limit=limit + 1,
        subdistrict_id=subdistrict_id,
    )
    batch_size = None
    if chosen.batchable and user.role != Role.viewer:
        batch_size = batch_review.batch_size(
            session=session,
            user=user,
            batch_filter=chosen.batch_filter(subdistrict_id=subdistrict_id),
        )
    return render(
        request,
        "staff/review.html",
        user=user,
        rows=rows[:limit],
        more=len(rows) > limit,
        photos=first_photos(session=session, submission_ids=[r.id for r in rows if r.id]),
        villages=list_villages(session=session, subdistrict_id=subdistrict_id),
        imports=batch_review.sheet_imports(session=session, subdistrict_id=subdistrict_id),
        flag_labels=FLAG_LABELS,
        states=[s.value for s in ReviewState],
        chosen=chosen.fields(),
        batch_size=batch_size,
        asked_subdistrict=place.code if request.query_params.get("subdistrict") else None,
    )


@router.get("/review/{key}", response_class=HTMLResponse)
def review_detail(request: Request, key: str, session: SessionDep, place: StaffPlace) -> Any:
    """One survey; one of a subdistrict the user does not work for is not found."""
    row = submissions.require_survey(session=session, key=key, place=place)
    return render(
        request,
        "staff/submission.html",
        user=place.user,
        row=row,
        attachments=attachments_of(session=session, submission_id=row.id),
        reviews=reviews_of(session=session, submission_id=row.id),
        versions=submission_versions(session=session, root_id=row.root_id),
        states=[s.value for s in ReviewState if s != ReviewState.received],
    )


@router.post("/review/{key}")
def review_action(
    key: str,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    state: Annotated[ReviewState, Form()],
    comment: Annotated[str | None, Form()] = None,
) -> Response:
    detail = submissions.review_survey(
        session=session,
        settings=settings,
        reviewer=place.user,
        key=key,
        state=state,
        comment=comment,
        place=place,
    )
    return RedirectResponse(f"/staff/review/{detail.survey.submission.id}", status_code=303)


@router.post("/review/{key}/correct")
async def correct_action(
    key: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
) -> Response:
    """A correction from the review page: the changed fields become a new version; the original
    survey is kept as it was received."""
    correction = correction_from_form(await request.form())
    result = submissions.correct_survey(
        session=session,
        settings=settings,
        editor=place.user,
        key=key,
        fields=correction.changed_fields(),
        comment=correction.comment,
        only_changed=True,
        place=place,
    )
    shown = result.corrected.submission if result.corrected else result.original
    return RedirectResponse(f"/staff/review/{shown.id}", status_code=303)


@router.get("/bins/{code}", response_class=HTMLResponse)
def bin_page(request: Request, code: str, session: SessionDep, place: StaffPlace) -> Any:
    record = bin_record(session=session, user=place.user, code=code, place=place)
    return render(
        request,
        "staff/bin.html",
        user=place.user,
        bin=record.bin,
        history=record.history,
        reports=record.reports,
        kind_names=kind_names(language(request)),
    )


@router.get("/plans", response_class=HTMLResponse)
def plans_page(request: Request, session: SessionDep, place: StaffPlace) -> Any:
    plans = planning.list_plans(session=session, subdistrict_id=place.subdistrict_id)
    return render(request, "staff/plans.html", user=place.user, plans=plans)


@router.post("/plans")
def create_plan(
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    budget_baht: Annotated[float, Form(ge=0)],
    equity_floor_share: Annotated[float, Form(ge=0, le=1)] = 0.5,
    title: Annotated[str | None, Form(max_length=300)] = None,
) -> Response:
    plan = planning.save_plan(
        session=session,
        settings=settings,
        created_by=place.user,
        subdistrict_id=place.subdistrict_id,
        budget_baht=budget_baht,
        equity_floor_share=equity_floor_share,
        title=title or None,
    )
    return RedirectResponse(f"/staff/plans/{plan.id}", status_code=303)


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    request: Request,
    plan_id: PlanId,
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
) -> Any:
    progress = plan_progress.staff_plan_progress(
        session=session, settings=settings, plan_id=plan_id, place=place
    )
    return render(
        request, "staff/plan.html", user=place.user, plan=progress.plan, progress=progress
    )


@router.post("/plans/{plan_id}/publish")
def publish(plan_id: PlanId, session: SessionDep, place: EditorPlace) -> Response:
    planning.publish_saved_plan(
        session=session, plan_id=plan_id, published_by=place.user, place=place
    )
    return RedirectResponse(f"/staff/plans/{plan_id}", status_code=303)
