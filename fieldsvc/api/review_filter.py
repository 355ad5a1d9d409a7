"""The review page's filter form (state, village, flag, survey dates, imported sheet), read
and checked once for the review list and for the batch decision that acts on the same list."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.checks import FLAG_LABELS
from fieldsvc.models import ReviewState
from fieldsvc.services.batch_review import BATCH_STATES, BatchFilter


def _form_date(value: str, field: str) -> date | None:
    """A ``YYYY-MM-DD`` from a filter form (empty = no filter)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.of(
            "filter_date_invalid", field=field, field_name=field, value=value
        ) from None


@dataclass(frozen=True)
class QueueFilter:
    """The filter form's values as sent (strings; empty = no filter), checked."""

    state: str = ReviewState.has_issues.value
    village: str = ""
    flag: str = ""
    date_from: str = ""
    date_to: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if self.state != "all" and self.state not in {s.value for s in ReviewState}:
            raise InvalidInput.of(
                "review_state_invalid",
                field="state",
                state=self.state,
                expected=[s.value for s in ReviewState],
            )
        if self.village and not (self.village.isdigit() and len(self.village) <= 9):
            raise InvalidInput.of("review_village_invalid", field="village", village=self.village)
        if self.flag and self.flag not in FLAG_LABELS:
            raise InvalidInput.of(
                "review_flag_invalid", field="flag", flag=self.flag, expected=sorted(FLAG_LABELS)
            )
        _form_date(self.date_from, "date_from")
        _form_date(self.date_to, "date_to")

    @property
    def review_state(self) -> ReviewState | None:
        return None if self.state == "all" else ReviewState(self.state)

    @property
    def village_id(self) -> int | None:
        return int(self.village) if self.village else None

    @property
    def day_from(self) -> date | None:
        return _form_date(self.date_from, "date_from")

    @property
    def day_to(self) -> date | None:
        return _form_date(self.date_to, "date_to")

    @property
    def batchable(self) -> bool:
        """True when the list shows surveys awaiting a decision (a batch may decide them)."""
        return self.review_state in BATCH_STATES

    def batch_filter(self, *, subdistrict_id: int | None = None) -> BatchFilter:
        """The same surveys, as the batch decision selects them (awaiting a decision only), of
        subdistrict ``subdistrict_id`` (the request's workplace; None: every one)."""
        if self.review_state is None or not self.batchable:
            raise InvalidInput.of("batch_state_invalid", field="state", state=self.state)
        return BatchFilter(
            state=self.review_state,
            village_id=self.village_id,
            flag_code=self.flag or None,
            date_from=self.day_from,
            date_to=self.day_to,
            source_file=self.source or None,
            subdistrict_id=subdistrict_id,
        )

    def fields(self) -> dict[str, str]:
        """The values to send again (links, hidden form fields)."""
        return asdict(self)


def queue_filter(
    state: str = ReviewState.has_issues.value,
    village: str = "",
    flag: str = "",
    date_from: str = "",
    date_to: str = "",
    source: Annotated[str, Query(max_length=255, description="An imported sheet's file")] = "",
) -> QueueFilter:
    """The filter of the review page's query string."""
    return QueueFilter(state, village, flag, date_from, date_to, source)


QueueFilterDep = Annotated[QueueFilter, Depends(queue_filter)]
