"""Which surveys a filter selects: one definition for the review list and the batch review,
so that a batch decides exactly the surveys the list shows; and the sheet imports that can be
chosen as a filter."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, func, or_
from sqlmodel import Session, col, select

from fieldsvc.errors import InvalidInput
from fieldsvc.models import Channel, ReviewState, Submission
from fieldsvc.storage import sqlite_writers

FLAG_CODE_RE = re.compile(r"^[a-z_]{1,40}$")


def sheet_payload_prefix(file: str) -> str:
    """How the stored payload of every row of the sheet ``file`` begins (the row's JSON, as
    ``fieldsvc.ingest.sheets.SheetRow.raw_payload`` writes it, starts with the file name)."""
    return '{"file": ' + json.dumps(file, ensure_ascii=False) + ", "


@dataclass(frozen=True)
class SurveySelection:
    """A filter over stored surveys.

    ``village_ids`` (a village head's scope) keeps those villages plus the user's own surveys
    (``own_submitter_id``); None means every village. Times are aware datetimes, ``date_to``
    excluded. ``source_file`` selects the rows of one imported sheet (by its file name).
    ``subdistrict_id`` keeps one subdistrict's surveys (None: every subdistrict).
    """

    village_ids: Sequence[int] | None = None
    own_submitter_id: int | None = None
    village_id: int | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    flag_code: str | None = None
    review_states: tuple[ReviewState, ...] | None = None
    form_id: str | None = None
    source_file: str | None = None
    current_only: bool = True
    subdistrict_id: int | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        """The conditions on ``Submission`` that make the selection (all must hold)."""
        found: list[ColumnElement[bool]] = []
        if self.subdistrict_id is not None:
            found.append(col(Submission.subdistrict_id) == self.subdistrict_id)
        if self.village_ids is not None:
            in_scope: ColumnElement[bool] = col(Submission.village_id).in_(list(self.village_ids))
            if self.own_submitter_id is not None:  # (``== None`` would mean "no submitter")
                in_scope = or_(in_scope, col(Submission.submitter_id) == self.own_submitter_id)
            found.append(in_scope)
        if self.village_id is not None:
            found.append(col(Submission.village_id) == self.village_id)
        when = func.coalesce(Submission.observed_at, Submission.received_at)
        if self.date_from is not None:
            found.append(when >= self.date_from)
        if self.date_to is not None:
            found.append(when < self.date_to)
        if self.flag_code is not None:
            if not FLAG_CODE_RE.match(self.flag_code):
                raise InvalidInput.of("flag_code_invalid", field="flag", flag=self.flag_code)
            # Both backends store the JSON text as Python's json.dumps wrote it.
            found.append(
                func.cast(Submission.flags, Text).like(f'%"code": "{self.flag_code}"%')  # type: ignore[arg-type]
            )
        if self.review_states is not None:
            found.append(col(Submission.review_state).in_(list(self.review_states)))
        if self.form_id is not None:
            found.append(col(Submission.form_id) == self.form_id)
        if self.source_file is not None:
            found.append(col(Submission.channel) == Channel.sheet)
            found.append(
                col(Submission.raw_payload).startswith(
                    sheet_payload_prefix(self.source_file), autoescape=True
                )
            )
        if self.current_only:
            found.append(col(Submission.is_current).is_(True))
        return found


def count_selected(*, session: Session, selection: SurveySelection) -> int:
    """How many surveys ``selection`` selects."""
    query = select(func.count(col(Submission.id))).where(*selection.clauses())
    return int(session.exec(query).one())


def selected_flags(
    *, session: Session, selection: SurveySelection, limit: int
) -> list[tuple[int, bool, list[dict[str, Any]]]]:
    """(id, applied, stored flags) of at most ``limit`` selected surveys, by id."""
    query = select(Submission.id, Submission.applied, Submission.flags).where(*selection.clauses())
    rows = session.exec(query.order_by(col(Submission.id)).limit(limit)).all()
    return [(int(i or 0), bool(applied), list(flags or [])) for i, applied, flags in rows]


def lock_selected(*, session: Session, selection: SurveySelection, limit: int) -> list[Submission]:
    """At most ``limit`` selected surveys by id, read again and locked for the decision
    (``FOR UPDATE`` on PostgreSQL: a second batch over the same surveys waits, then sees
    them decided; on SQLite the write transaction is opened first, which serialises them)."""
    sqlite_writers.begin_writing(session)
    query = (
        select(Submission)
        .where(*selection.clauses())
        .order_by(col(Submission.id))
        .limit(limit)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.exec(query).all())


@dataclass(frozen=True)
class SheetImport:
    """One imported sheet (by file name) with surveys awaiting a decision."""

    file: str
    first_received_at: datetime
    waiting: int


def sheet_imports_waiting(
    *, session: Session, subdistrict_id: int | None = None
) -> list[SheetImport]:
    """The sheets whose current surveys await a decision (received or has issues), newest
    import first; of one subdistrict's surveys when ``subdistrict_id`` is given."""
    query = select(Submission.raw_payload, Submission.received_at).where(
        Submission.channel == Channel.sheet,
        col(Submission.is_current).is_(True),
        col(Submission.review_state).in_([ReviewState.received, ReviewState.has_issues]),
    )
    if subdistrict_id is not None:
        query = query.where(col(Submission.subdistrict_id) == subdistrict_id)
    rows = session.exec(query).all()
    found: dict[str, tuple[datetime, int]] = {}
    for payload, received_at in rows:
        try:
            file = json.loads(payload).get("file")
        except (ValueError, AttributeError):
            continue
        if not isinstance(file, str) or not file:
            continue
        first, count = found.get(file, (received_at, 0))
        found[file] = (min(first, received_at), count + 1)
    return sorted(
        (SheetImport(file, first, count) for file, (first, count) in found.items()),
        key=lambda s: (s.first_received_at, s.file),
        reverse=True,
    )
