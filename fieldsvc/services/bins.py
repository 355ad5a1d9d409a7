"""One bin and its history, as a signed-in user may read it.

Staff roles read every bin. A village head reads the bins of their villages only (403 for a
bin elsewhere, like other out-of-scope reads), and in their history only the inspections that
came from their villages' surveys, their own, or from staff (imports and corrections): a bin
that was once surveyed elsewhere does not show other villages' notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from fieldsvc.errors import Forbidden
from fieldsvc.models import Bin, Inspection, Submission, User
from fieldsvc.storage.register import bin_history, require_bin
from fieldsvc.storage.users import village_ids_of


@dataclass(frozen=True)
class BinRecord:
    """A bin and the inspections its reader may see, oldest observation first."""

    bin: Bin
    history: Sequence[Inspection]


def _seen_by_head(
    session: Session, user: User, allowed: Sequence[int], inspection: Inspection
) -> bool:
    if inspection.submission_id is None:
        return True
    survey = session.get(Submission, inspection.submission_id)
    return survey is None or survey.village_id in allowed or survey.submitter_id == user.id


def bin_record(*, session: Session, user: User, code: str) -> BinRecord:
    """The bin ``code`` and its history for ``user`` (404 unknown code, 403 out of scope)."""
    bin_row = require_bin(session=session, code=code)
    allowed = village_ids_of(session=session, user=user)
    if allowed is not None and bin_row.village_id not in allowed:
        raise Forbidden.of("bin_outside_villages", field="code")
    history = bin_history(session=session, bin_id=bin_row.id or 0)
    if allowed is not None:
        history = [h for h in history if _seen_by_head(session, user, allowed, h)]
    return BinRecord(bin=bin_row, history=history)
