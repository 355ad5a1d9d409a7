"""The phone form's ``/api/v1/me`` answer and the nearby-bins list."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fieldsvc.models import Condition, Role, Stream


class VillageBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int
    name: str

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: int | None) -> int:
        return value or 0


class Progress(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    month_start: datetime = Field(description="Start of this month, Thailand time")
    bins_inspected: int = Field(description="Bins in my villages surveyed this month")
    bins_registered: int = Field(description="Bins registered in my villages")


class FormSettings(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    max_gps_accuracy_m: float = Field(description="Worse fixes are flagged (amber/red limit)")
    nearby_radius_m: float = Field(description="Radius of the 'already registered?' list")
    duplicate_radius_m: float
    due_soon_days: int = Field(
        default=7, description="Inspection rounds: a bin due within this many days is 'due'"
    )


class MeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    display_name: str
    role: Role
    villages: list[VillageBrief] = Field(description="The villages this user surveys")
    all_villages: bool = Field(description="Staff: every village of the subdistrict")
    progress: Progress
    settings: FormSettings
    server_time: datetime
    subdistrict_code: str | None = Field(
        default=None, description="The DOPA code of the subdistrict the phone works in"
    )
    subdistrict_name: str | None = Field(default=None, description="Its name (Thai)")


class NearbyBinOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    stream: Stream
    condition: Condition
    capacity_l: int
    lat: float
    lon: float
    village_id: int | None
    distance_m: float
