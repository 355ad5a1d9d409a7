"""Staff triage of residents' reports: the queue page and one report's page with its forms.

The page's forms post to ``POST /staff/reports/{ticket}`` with an ``action`` field (link,
unlink, merge, reply, status, reopen), the same use case as the JSON API's
``POST /api/v1/citizen/reports/{ticket}/triage``; each answer returns to the report's page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldsvc.api.citizen_words import kind_names
from fieldsvc.api.deps import MAX_ROW_ID, EditorPlace, SessionDep, SettingsDep, StaffPlace
from fieldsvc.api.i18n import language
from fieldsvc.api.pages import render
from fieldsvc.models import ReportKind, ReportStatus
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.services.citizen_triage import (
    QueueFilter,
    TriageAction,
    sees_contacts,
    triage_detail,
    triage_queue,
    triage_report,
)
from fieldsvc.storage.register import list_villages

router = APIRouter(prefix="/staff/reports", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
    kind: Annotated[str, Query(max_length=24)] = "",
    status: Annotated[str, Query(max_length=16)] = "open",
    village: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    visibility: Annotated[str, Query(max_length=16)] = "",
    order: Annotated[str, Query(max_length=8)] = "newest",
) -> Any:
    chosen = QueueFilter.parse(
        kind=kind, status=status, village_id=village, visibility=visibility, order=order
    )
    queue = triage_queue(
        session=session,
        settings=settings,
        user=place.user,
        chosen=chosen,
        subdistrict_id=place.subdistrict_id,
    )
    return render(
        request,
        "staff/reports.html",
        user=place.user,
        queue=queue,
        chosen=chosen.fields(),
        villages=list_villages(session=session, subdistrict_id=place.subdistrict_id),
        kinds=[k.value for k in ReportKind],
        statuses=[s.value for s in ReportStatus],
        visibilities=[v.value for v in ReportVisibility],
        kind_names=kind_names(language(request)),
        many_reports=settings.citizen_many_open_reports,
    )


@router.get("/{ticket}", response_class=HTMLResponse)
def report_page(
    request: Request, ticket: str, session: SessionDep, settings: SettingsDep, place: StaffPlace
) -> Any:
    item = triage_detail(
        session=session, settings=settings, user=place.user, ticket=ticket, place=place
    )
    return render(
        request,
        "staff/report.html",
        user=place.user,
        item=item,
        report=item.report,
        show_contact=sees_contacts(place.user),
        kind_names=kind_names(language(request)),
        moves=[s.value for s in ReportStatus],
    )


@router.post("/{ticket}")
def report_action(
    ticket: str,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    action: Annotated[str, Form(max_length=16)],
    bin_code: Annotated[str | None, Form(max_length=64)] = None,
    original_ticket: Annotated[str | None, Form(max_length=32)] = None,
    text: Annotated[str | None, Form(max_length=20_000)] = None,
    status: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    triage_report(
        session=session,
        settings=settings,
        user=place.user,
        ticket=ticket,
        action=TriageAction(action, bin_code, original_ticket, text, status),
        place=place,
    )
    return RedirectResponse(f"/staff/reports/{ticket}", status_code=303)
