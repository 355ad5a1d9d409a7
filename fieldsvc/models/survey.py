"""Submissions as received (immutable) and their attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from fieldsvc.models.enums import Channel, ReviewState
from fieldsvc.models.types import UTCDateTime, utc_now


class Submission(SQLModel, table=True):
    """One version of one survey, exactly as it arrived.

    ``raw_payload`` is never changed. An edit (ODK ``deprecatedID``, or a staff correction) is a
    new row whose ``deprecated_id`` names the version it replaces; ``root_id`` ties the versions.
    """

    id: int | None = Field(default=None, primary_key=True)
    instance_id: str = Field(max_length=120, unique=True, index=True)
    root_id: str = Field(max_length=120, index=True)
    deprecated_id: str | None = Field(default=None, max_length=120)
    is_current: bool = Field(default=True, description="False once a newer version exists")
    form_id: str = Field(max_length=80)
    form_version: str | None = Field(default=None, max_length=80)
    channel: Channel = Field(sa_column=Column(String(16), nullable=False))
    received_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    observed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    submitter_id: int | None = Field(default=None, foreign_key="appuser.id", index=True)
    device_id: str | None = Field(default=None, max_length=120)
    gps_accuracy_m: float | None = None
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    subdistrict_id: int | None = Field(default=None, foreign_key="subdistrict.id", index=True)
    bin_id: int | None = Field(default=None, foreign_key="bin.id", index=True)
    raw_payload: str = Field(sa_column=Column(Text, nullable=False))
    payload_sha256: str = Field(max_length=64)
    content_type: str = Field(default="application/xml", max_length=80)
    complete: bool = Field(default=True, description="False while attachments are still due")
    applied: bool = Field(default=False, description="True once applied to the bin register")
    review_state: ReviewState = Field(
        default=ReviewState.received, sa_column=Column(String(16), nullable=False)
    )
    flags: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    parsed: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class Attachment(SQLModel, table=True):
    """A file named by a submission. ``sha256`` is empty until its bytes have arrived."""

    __table_args__ = (UniqueConstraint("submission_id", "name", name="uq_attachment_name"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    name: str = Field(max_length=255, description="File name as the phone declared it")
    sha256: str | None = Field(default=None, max_length=64, index=True)
    media_type: str | None = Field(default=None, max_length=80)
    size_bytes: int | None = None
    received_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AttachmentVersion(SQLModel, table=True):
    """An earlier photo of an attachment, kept when other bytes replaced it (migration 0004).

    The attachment row points at the current bytes; each replacement adds one row here with
    the bytes it replaced, who replaced them and when. Media files are never deleted.
    """

    __tablename__ = "attachment_version"

    id: int | None = Field(default=None, primary_key=True)
    attachment_id: int = Field(foreign_key="attachment.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    media_type: str | None = Field(default=None, max_length=80)
    size_bytes: int | None = None
    received_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    replaced_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    replaced_by_id: int | None = Field(default=None, foreign_key="appuser.id")


class SubmissionReview(SQLModel, table=True):
    """A staff decision on a submission version (append-only history; migration 0002)."""

    __tablename__ = "submission_review"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    state: ReviewState = Field(sa_column=Column(String(16), nullable=False))
    comment: str | None = Field(default=None, sa_column=Column(Text))
    reviewer_id: int | None = Field(default=None, foreign_key="appuser.id")
    reviewed_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
