"""Surveys as the JSON API shows them: receive answers, lists, details, versions and reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from fieldsvc.ingest.checks import Flag
from fieldsvc.ingest.photos import is_readable_media_type
from fieldsvc.models import Attachment, ReviewState
from fieldsvc.services.submissions import StoredSurvey, SurveyDetail
from fieldsvc.storage.submissions import ReceiveResult


def _attributes(row: Any, model: type[BaseModel]) -> dict[str, Any]:
    """The row's values of the model's fields that the row has (read as attributes: a row's
    own ``model_dump`` would re-serialise its enums)."""
    return {name: getattr(row, name) for name in model.model_fields if hasattr(row, name)}


def media_url(sha256: str) -> str:
    """Where an authorised client downloads a stored photo."""
    return f"/api/v1/media/{sha256}"


class FlagOut(BaseModel):
    code: str
    field: str
    message_th: str
    message_en: str
    severity: Literal["reject", "review"]
    details: dict[str, Any] = {}


class AttachmentOut(BaseModel):
    name: str
    received: bool
    sha256: str | None
    media_type: str | None
    size_bytes: int | None
    url: str | None = Field(description="GET this to download the photo (authorised)")
    readable: bool = Field(
        default=True,
        description="False when the bytes received cannot be opened as a picture: they are "
        "kept as received and downloaded by staff as a file, never shown as an image",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, data: Any) -> Any:
        if not isinstance(data, Attachment):
            return data
        return {
            **_attributes(data, cls),
            "received": data.sha256 is not None,
            "url": media_url(data.sha256) if data.sha256 else None,
            "readable": data.sha256 is None or is_readable_media_type(data.media_type),
        }


class PhotoReceivedOut(AttachmentOut):
    """The answer to a photo sent on its own: the attachment, and words for the surveyor when
    the photo cannot be opened (it was kept; a new photo may be sent for the same name)."""

    notice_th: str | None = None
    notice_en: str | None = None


class SubmissionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    submission_id: str = Field(
        description="The instance id, uuid:…",
        validation_alias=AliasChoices("submission_id", "instance_id"),
    )
    form_id: str
    channel: str
    received_at: datetime | None
    observed_at: datetime | None
    village_id: int | None
    bin_id: int | None
    complete: bool
    applied: bool = Field(description="True once applied to the bin register")
    is_current: bool
    review_state: ReviewState
    flags: list[FlagOut]
    attachments: list[AttachmentOut]

    @field_validator("flags", mode="before")
    @classmethod
    def _known_flags(cls, flags: Any) -> Any:
        """Stored flags as the checks define them now (older rows may lack a key)."""
        return [Flag.from_dict(f).as_dict() for f in flags or []]

    @model_validator(mode="before")
    @classmethod
    def _from_survey(cls, data: Any) -> Any:
        if not isinstance(data, StoredSurvey | ReceiveResult):
            return data
        return {
            **_attributes(data.submission, cls),
            "submission_id": data.submission.instance_id,
            "attachments": data.attachments,
            "outcome": data.outcome,
        }


class ReceiveOut(SubmissionOut):
    outcome: Literal["created", "duplicate", "edited"]
    notice_th: str | None = Field(
        default=None,
        description="Words for the surveyor about the survey as received, in Thai (e.g. a "
        "photo that cannot be opened: the survey was received, a new photo may be sent)",
    )
    notice_en: str | None = None


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    submission_id: str = Field(validation_alias=AliasChoices("submission_id", "instance_id"))
    deprecated_id: str | None
    channel: str
    received_at: datetime | None
    is_current: bool
    applied: bool
    review_state: ReviewState

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        return value or 0


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    state: ReviewState
    comment: str | None
    reviewer_id: int | None
    reviewed_at: datetime | None


class SubmissionDetail(SubmissionOut):
    root_id: str
    deprecated_id: str | None
    submitter_id: int | None
    parsed: dict[str, Any] = Field(description="The survey as understood (SurveyRecord)")
    raw_payload: str | None = Field(description="As received; staff only")
    versions: list[VersionOut]
    reviews: list[ReviewOut]

    @model_validator(mode="before")
    @classmethod
    def _from_detail(cls, data: Any) -> Any:
        if not isinstance(data, SurveyDetail):
            return data
        row = data.survey.submission
        return {
            **_attributes(row, cls),
            "submission_id": row.instance_id,
            "attachments": data.survey.attachments,
            "parsed": row.parsed or {},
            "raw_payload": row.raw_payload if data.shows_raw_payload else None,
            "versions": data.versions,
            "reviews": data.reviews,
        }


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Literal["approved", "has_issues", "rejected"]
    comment: str | None = Field(default=None, max_length=2000)
