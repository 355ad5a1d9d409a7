"""A batch review over the JSON API: the filter, the confirmation and what was decided."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldsvc.api.deps import MAX_ROW_ID
from fieldsvc.models import ReviewState
from fieldsvc.services.batch_review import BATCH_LIMIT, BatchFilter

#: A sheet's file name, as the review filter names an import.
SourceFile = Annotated[str, Field(min_length=1, max_length=255)]


class BatchFilterIn(BaseModel):
    """The surveys to decide: current versions awaiting a decision, narrowed as the list
    ``GET /api/v1/submissions`` narrows them (dates are Thai dates, ``date_to`` included)."""

    model_config = ConfigDict(extra="forbid")

    review_state: Literal["received", "has_issues"] = "has_issues"
    village_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID)
    flag: str | None = Field(default=None, description="A flag code, e.g. poor_gps_accuracy")
    date_from: date | None = None
    date_to: date | None = None
    form_id: Literal["bin_survey", "village_households"] | None = None
    source_file: SourceFile | None = Field(
        default=None, description="The file name of an imported sheet: its rows only"
    )

    def to_filter(self, *, subdistrict_id: int | None = None) -> BatchFilter:
        """The filter, over the surveys of subdistrict ``subdistrict_id`` (None: every one)."""
        return BatchFilter(
            state=ReviewState(self.review_state),
            village_id=self.village_id,
            flag_code=self.flag,
            date_from=self.date_from,
            date_to=self.date_to,
            form_id=self.form_id,
            source_file=self.source_file,
            subdistrict_id=subdistrict_id,
        )


class FlagCountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label_th: str
    label_en: str
    count: int


class BatchPreviewOut(BaseModel):
    """What confirming would decide. Send ``token`` back with the decision: if the surveys
    changed meanwhile, the decision is refused (409) and nothing is decided.

    Read from a ``BatchPreview`` by its attributes (``too_many`` is its property)."""

    model_config = ConfigDict(from_attributes=True)

    count: int
    to_apply: int = Field(description="Not yet in the register: approving applies them")
    flags: list[FlagCountOut] = Field(description="Flag → how many surveys carry it")
    token: str = Field(description="Empty when the batch is too large to decide")
    limit: int = BATCH_LIMIT
    too_many: bool


class BatchReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: BatchFilterIn = Field(default_factory=BatchFilterIn)
    decision: Literal["approved", "rejected"]
    comment: str | None = Field(default=None, max_length=2000)
    token: str = Field(min_length=1, max_length=64, description="From the preview")


class ItemFailureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    submission_id: int
    bin_code: str | None
    code: str
    field: str | None
    message_th: str
    message_en: str


class BatchOutcomeOut(BaseModel):
    """Each decided survey has its own review (reviewer, time, decision, comment).

    Read from a ``BatchOutcome`` by its attributes (``failed`` is its property)."""

    model_config = ConfigDict(from_attributes=True)

    decision: ReviewState
    selected: int
    decided: int
    applied: int = Field(description="Applied to the register by this decision")
    failed: int
    failures: list[ItemFailureOut]
    reviewer_id: int | None
    reviewed_at: datetime
