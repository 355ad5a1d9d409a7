"""Deciding many surveys at once: staff approve (or reject) every survey awaiting a decision
that matches a filter (one village, one flag, one imported sheet …) in one action.

Two steps, so that what is decided is exactly what the confirmation showed:

1. ``preview_batch`` counts the surveys, sums up their flags and returns a ``token`` (a digest
   of their ids, flags and whether each is already in the register);
2. ``decide_batch`` selects them again, locked, and refuses (409 ``batch_changed``) when the
   token no longer matches; otherwise each survey is decided exactly as a single review
   (``review_submission``: its own ``SubmissionReview`` naming the reviewer and the time, and
   an approved held survey applied to the register). Each survey is decided in its own
   savepoint: one that can no longer be applied is reported and stays as it was, the others
   are kept.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, FieldsvcError, Forbidden, InvalidInput
from fieldsvc.ingest.checks import FLAG_LABELS
from fieldsvc.models import ReviewState, Role, User
from fieldsvc.models.types import utc_now
from fieldsvc.storage.submissions import review_submission
from fieldsvc.storage.submissions.selection import (
    SheetImport,
    SurveySelection,
    count_selected,
    lock_selected,
    selected_flags,
    sheet_imports_waiting,
)
from fieldsvc.storage.users import village_ids_of
from fieldsvc.thai import THAI_TZ

#: The most surveys one batch decides: beyond it the filter must be narrowed. Each survey is
#: applied as a single approval applies it (about 10 ms each on SQLite, more under load), so
#: a batch stays one request of well under a minute; an office's inventory is hundreds.
BATCH_LIMIT: Final = 2_000
#: The states a batch decides: surveys still awaiting a decision.
BATCH_STATES: Final = (ReviewState.received, ReviewState.has_issues)
#: The decisions a batch records.
BATCH_DECISIONS: Final = (ReviewState.approved, ReviewState.rejected)
#: The roles that review surveys (single or in a batch).
REVIEWER_ROLES: Final = (Role.admin, Role.health_staff)


@dataclass(frozen=True)
class BatchFilter:
    """Which surveys a batch decides: current versions in ``state`` (received or has issues),
    narrowed like the review list. Dates are Thai dates, ``date_to`` included;
    ``source_file`` is the file name of an imported sheet."""

    state: ReviewState = ReviewState.has_issues
    village_id: int | None = None
    flag_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    form_id: str | None = None
    source_file: str | None = None
    #: The subdistrict whose surveys are decided (the request's workplace; None: every one).
    subdistrict_id: int | None = None


@dataclass(frozen=True)
class FlagCount:
    """How many of the surveys carry one flag, with its labels from the catalogue."""

    code: str
    label_th: str
    label_en: str
    count: int


@dataclass(frozen=True)
class BatchPreview:
    """What a batch would decide: ``count`` surveys, ``to_apply`` of them not yet in the
    register (approving applies them), and their flags, most frequent first."""

    filter: BatchFilter
    count: int
    to_apply: int
    flags: list[FlagCount]
    token: str
    limit: int

    @property
    def too_many(self) -> bool:
        return self.count > self.limit


@dataclass(frozen=True)
class ItemFailure:
    """A survey of the batch that could not be decided (it stays as it was)."""

    submission_id: int
    bin_code: str | None
    code: str
    field: str | None
    message_th: str
    message_en: str


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch did: ``decided`` surveys got the decision (each its own review row),
    ``applied`` of them were applied to the register just now; ``failures`` were not decided."""

    decision: ReviewState
    selected: int
    decided: int
    applied: int
    reviewer_id: int | None
    reviewed_at: datetime
    failures: list[ItemFailure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)


def _require_reviewer(user: User) -> None:
    """Only the roles that review single surveys decide a batch."""
    if user.role == Role.viewer:
        raise Forbidden.of("read_only_user")
    if user.role not in REVIEWER_ROLES:
        raise Forbidden.of("staff_only")


def _selection(*, session: Session, user: User, batch_filter: BatchFilter) -> SurveySelection:
    if batch_filter.state not in BATCH_STATES:
        raise InvalidInput.of("batch_state_invalid", field="state", state=str(batch_filter.state))
    day_from, day_to = batch_filter.date_from, batch_filter.date_to
    return SurveySelection(
        # A reviewer limited to some villages decides only in those (no role is today).
        village_ids=village_ids_of(session=session, user=user),
        village_id=batch_filter.village_id,
        date_from=datetime.combine(day_from, time(0, 0), tzinfo=THAI_TZ) if day_from else None,
        date_to=(
            datetime.combine(day_to + timedelta(days=1), time(0, 0), tzinfo=THAI_TZ)
            if day_to
            else None
        ),
        flag_code=batch_filter.flag_code,
        review_states=(batch_filter.state,),
        form_id=batch_filter.form_id,
        source_file=batch_filter.source_file,
        subdistrict_id=batch_filter.subdistrict_id,
    )


def _flag_codes(flags: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({str(f.get("code")) for f in flags if f.get("code")})


def selection_token(items: Iterable[tuple[int, bool, Iterable[str]]]) -> str:
    """A digest of the surveys a confirmation shows: (id, already applied, flag codes) each,
    in id order. Any survey added, removed, applied or flagged differently changes it."""
    digest = hashlib.sha256()
    for submission_id, applied, codes in sorted(items, key=lambda item: item[0]):
        digest.update(f"{submission_id}:{int(applied)}:{','.join(sorted(codes))};".encode())
    return digest.hexdigest()[:32]


def _flag_counts(rows: list[tuple[int, bool, list[dict[str, Any]]]]) -> list[FlagCount]:
    counts = Counter(code for _, _, flags in rows for code in _flag_codes(flags))
    return [
        FlagCount(code, *FLAG_LABELS.get(code, (code, code)), count)
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def batch_size(*, session: Session, user: User, batch_filter: BatchFilter) -> int:
    """How many surveys a batch over ``batch_filter`` would decide (for the list's buttons)."""
    _require_reviewer(user)
    selection = _selection(session=session, user=user, batch_filter=batch_filter)
    return count_selected(session=session, selection=selection)


def preview_batch(*, session: Session, user: User, batch_filter: BatchFilter) -> BatchPreview:
    """How many surveys the filter selects, their flags, and the token to confirm them with.
    Over ``BATCH_LIMIT`` only the count is given (the batch would be refused)."""
    _require_reviewer(user)
    selection = _selection(session=session, user=user, batch_filter=batch_filter)
    rows = selected_flags(session=session, selection=selection, limit=BATCH_LIMIT + 1)
    if len(rows) > BATCH_LIMIT:
        count = count_selected(session=session, selection=selection)
        return BatchPreview(batch_filter, count, to_apply=0, flags=[], token="", limit=BATCH_LIMIT)
    return BatchPreview(
        batch_filter,
        count=len(rows),
        to_apply=sum(1 for _, applied, _ in rows if not applied),
        flags=_flag_counts(rows),
        token=selection_token((i, applied, _flag_codes(f)) for i, applied, f in rows),
        limit=BATCH_LIMIT,
    )


def decide_batch(
    *,
    session: Session,
    settings: Settings,
    reviewer: User,
    batch_filter: BatchFilter,
    decision: ReviewState,
    comment: str | None,
    token: str,
) -> BatchOutcome:
    """Record ``decision`` (approved or rejected) on every survey the filter selects, when
    they are still the ones ``token`` confirmed (else 409, nothing decided), and commit."""
    _require_reviewer(reviewer)
    if decision not in BATCH_DECISIONS:
        raise InvalidInput.of(
            "review_state_invalid",
            field="decision",
            state=str(decision),
            expected=[d.value for d in BATCH_DECISIONS],
        )
    selection = _selection(session=session, user=reviewer, batch_filter=batch_filter)
    rows = lock_selected(session=session, selection=selection, limit=BATCH_LIMIT + 1)
    if len(rows) > BATCH_LIMIT:
        count = count_selected(session=session, selection=selection)
        raise InvalidInput.of("batch_too_large", field="filter", count=count, limit=BATCH_LIMIT)
    now = selection_token((r.id or 0, r.applied, _flag_codes(r.flags or [])) for r in rows)
    if now != token:
        raise Conflict.of(
            "batch_changed",
            field="token",
            details={"count": len(rows), "token": now},
            count=len(rows),
        )
    decided = applied = 0
    failures: list[ItemFailure] = []
    for row in rows:
        row_id, was_applied = row.id or 0, row.applied
        bin_code = (row.parsed or {}).get("bin_code")
        try:
            with session.begin_nested():
                review_submission(
                    session=session,
                    submission=row,
                    state=decision,
                    comment=comment,
                    reviewer=reviewer,
                    settings=settings,
                )
        except FieldsvcError as exc:
            failures.append(
                ItemFailure(row_id, bin_code, exc.code, exc.field, exc.message_th, exc.message_en)
            )
            continue
        decided += 1
        applied += int(row.applied and not was_applied)
    session.commit()
    return BatchOutcome(
        decision=decision,
        selected=len(rows),
        decided=decided,
        applied=applied,
        reviewer_id=reviewer.id,
        reviewed_at=utc_now(),
        failures=failures,
    )


def sheet_imports(*, session: Session, subdistrict_id: int | None = None) -> list[SheetImport]:
    """The imported sheets with surveys awaiting a decision (for the review filter), of
    subdistrict ``subdistrict_id`` (None: every one)."""
    return sheet_imports_waiting(session=session, subdistrict_id=subdistrict_id)
