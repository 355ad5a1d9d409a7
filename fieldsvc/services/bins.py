"""One bin and its history, as a signed-in user may read it.

Staff roles read the bins of the subdistricts they work for (a bin of another subdistrict is
not found, 404). A village head reads the bins of their villages only (403 for a
bin elsewhere, like other out-of-scope reads), and in their history only the inspections that
came from their villages' surveys, their own, or from staff (imports and corrections): a bin
that was once surveyed elsewhere does not show other villages' notes.

Residents' reports linked to the bin (staff triage) are evidence on its history, kept apart
from the inspections: a resident is not a surveyor, so a report never becomes an inspection
and never changes the bin's condition. Staff see every linked report, a village head only the
public ones; no reader sees a resident's contact here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from fieldsvc.errors import Forbidden, NotFound
from fieldsvc.models import Bin, CitizenReport, Inspection, Role, Submission, User
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.services.submissions import outside_workplace
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage.citizen_reports import reports_of_bin
from fieldsvc.storage.register import bin_history, require_bin
from fieldsvc.storage.users import village_ids_of


@dataclass(frozen=True)
class BinRecord:
    """A bin, the inspections its reader may see (oldest observation first) and the
    residents' reports linked to it (oldest first)."""

    bin: Bin
    history: Sequence[Inspection]
    reports: Sequence[CitizenReport] = ()


def _seen_by_head(
    session: Session, user: User, allowed: Sequence[int], inspection: Inspection
) -> bool:
    if inspection.submission_id is None:
        return True
    survey = session.get(Submission, inspection.submission_id)
    return survey is None or survey.village_id in allowed or survey.submitter_id == user.id


def bin_record(
    *, session: Session, user: User, code: str, place: Workplace | None = None
) -> BinRecord:
    """The bin ``code`` and its history for ``user`` (404 unknown code or a bin of a
    subdistrict ``place``'s user does not work for, 403 outside a head's villages)."""
    bin_row = require_bin(session=session, code=code)
    if outside_workplace(place, bin_row.subdistrict_id):
        raise NotFound.of("bin_not_found", field="bin_code", details={"value": code}, bin_code=code)
    allowed = village_ids_of(session=session, user=user)
    if allowed is not None and bin_row.village_id not in allowed:
        raise Forbidden.of("bin_outside_villages", field="code")
    history = bin_history(session=session, bin_id=bin_row.id or 0)
    if allowed is not None:
        history = [h for h in history if _seen_by_head(session, user, allowed, h)]
    reports = list(reports_of_bin(session=session, bin_id=bin_row.id or 0))
    if user.role == Role.village_head:
        reports = [r for r in reports if r.visibility == ReportVisibility.public]
    return BinRecord(bin=bin_row, history=history, reports=reports)
