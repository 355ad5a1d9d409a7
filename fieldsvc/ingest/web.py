"""The web form's JSON body → ``SurveyRecord``.

Only the *shape* is validated here (types, enums, a UUID): a body of the wrong shape is a 422
naming the field. Values that are well-typed but implausible (latitude 100, −3 households) are
accepted and flagged by ``fieldsvc.ingest.checks`` instead, so nothing a surveyor typed is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.photos import safe_attachment_name
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, VILLAGE_HOUSEHOLDS_FORM, SurveyRecord
from fieldsvc.ingest.values import as_aware, bin_code_field
from fieldsvc.models.enums import Channel, Condition, Stream


class LocationIn(BaseModel):
    """A GPS fix as the browser's Geolocation API gives it."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(description="Latitude, WGS 84 degrees", examples=[16.305])
    lon: float = Field(description="Longitude, WGS 84 degrees", examples=[103.325])
    accuracy_m: float | None = Field(default=None, description="Horizontal accuracy, metres")
    altitude_m: float | None = None


class SurveyIn(BaseModel):
    """One survey from the web form. ``submission_id`` is generated on the phone before sending,
    so a retry after a dropped connection is recognised (same id + same body = same result)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "submission_id": "3f1e7d4c-2b1a-4c5d-9e8f-0a1b2c3d4e5f",
                    "form_id": "bin_survey",
                    "bin_code": "NB-0001",
                    "village": 3,
                    "location": {"lat": 16.305, "lon": 103.325, "accuracy_m": 4.0},
                    "condition": "usable",
                    "capacity_l": 200,
                    "stream": "general",
                    "households": 12,
                    "observed_at": "2026-11-26T09:15:02+07:00",
                    "photos": ["bin-NB-0001.jpg"],
                }
            ]
        },
    )

    submission_id: UUID = Field(description="Client-generated UUID; becomes instance id uuid:…")
    form_id: Literal["bin_survey", "village_households"] = "bin_survey"
    form_version: str | None = Field(default=None, max_length=80)
    replaces_submission_id: UUID | None = Field(
        default=None, description="For an edit: the submission_id this version replaces"
    )
    bin_code: str | None = Field(default=None, max_length=40)
    code_made_on_phone: bool = Field(
        default=False,
        description="True when the phone made bin_code up for a new bin (village + four "
        "digits); if another bin already has it, this bin is given a fresh code",
    )
    village: int | None = Field(default=None, description="Village number หมู่ที่")
    location: LocationIn | None = None
    condition: Condition | None = None
    capacity_l: int | None = Field(default=None, description="Bin size in litres")
    stream: Stream | None = None
    households: int | None = Field(
        default=None,
        description="bin_survey: households using the bin; village_households: "
        "households in the village",
    )
    population: int | None = Field(default=None, description="village_households only")
    note: str | None = Field(default=None, max_length=2000)
    observed_at: datetime | None = Field(
        default=None, description="When the survey was made (no zone = Thailand time)"
    )
    device_id: str | None = Field(default=None, max_length=120)
    photos: list[str] = Field(
        default_factory=list, max_length=10, description="File names of photos sent later"
    )

    @field_validator("bin_code", "note", "device_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("bin_code")
    @classmethod
    def _bin_code_rule(cls, value: str | None) -> str | None:
        return bin_code_field(value)

    @field_validator("photos")
    @classmethod
    def _plain_names(cls, value: list[str]) -> list[str]:
        try:
            return [safe_attachment_name(name) for name in value]
        except InvalidInput as exc:  # a 422 naming photos.N, like any other shape error
            raise ValueError(exc.message_en) from exc

    def to_record(self, *, channel: Channel = Channel.web) -> SurveyRecord:
        observed = as_aware(self.observed_at) if self.observed_at is not None else None
        location = self.location
        bin_form = self.form_id == BIN_SURVEY_FORM
        return SurveyRecord(
            instance_id=f"uuid:{self.submission_id}",
            form_id=self.form_id,
            channel=channel,
            form_version=self.form_version,
            deprecated_id=(
                f"uuid:{self.replaces_submission_id}" if self.replaces_submission_id else None
            ),
            bin_code=self.bin_code if bin_form else None,
            village_number=self.village,
            lat=location.lat if location else None,
            lon=location.lon if location else None,
            altitude_m=location.altitude_m if location else None,
            accuracy_m=location.accuracy_m if location else None,
            condition=self.condition,
            capacity_l=self.capacity_l,
            stream=self.stream,
            households_served=self.households if bin_form else None,
            village_households=None if bin_form else self.households,
            village_population=None if bin_form else self.population,
            note=self.note,
            observed_at=observed,
            device_id=self.device_id,
            photo_names=tuple(dict.fromkeys(self.photos)),
            code_made_on_phone=self.code_made_on_phone and bin_form,
        )


__all__ = ["VILLAGE_HOUSEHOLDS_FORM", "LocationIn", "SurveyIn"]
