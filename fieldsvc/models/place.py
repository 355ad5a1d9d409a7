"""Subdistricts (ตำบล / อบต.) and villages (หมู่บ้าน)."""

from __future__ import annotations

from typing import Any, Final, Literal

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import GeometryType

#: Where a village boundary came from: a map file of real boundaries (``"imported"``), or the
#: subdistrict divided among the village centres (``"approximate"``, a Voronoi estimate that
#: real polygons replace when they are imported). None: no boundary.
BoundarySource = Literal["imported", "approximate"]
BOUNDARY_IMPORTED: Final = "imported"
BOUNDARY_APPROXIMATE: Final = "approximate"
APPROXIMATE_AREA_TH: Final = "พื้นที่หมู่บ้านโดยประมาณ"
APPROXIMATE_AREA_EN: Final = "approximate village area"


class SubdistrictBase(SQLModel):
    code: str = Field(max_length=12, unique=True, description="DOPA-style 6-digit code")
    name: str = Field(max_length=200, description="Thai name, e.g. ตำบลลงมูลเหล็ก")
    name_en: str | None = Field(default=None, max_length=200)
    district: str | None = Field(default=None, max_length=200)
    province: str | None = Field(default=None, max_length=200)
    office_name: str | None = Field(
        default=None,
        max_length=200,
        description="The office serving it, e.g. องค์การบริหารส่วนตำบล…; empty: the install's "
        "(FIELDSVC_OFFICE_NAME)",
    )
    office_name_en: str | None = Field(
        default=None, max_length=200, description="The office in English; empty: the install's"
    )


class Subdistrict(SubdistrictBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    boundary: Any = Field(default=None, sa_column=Column(GeometryType("MULTIPOLYGON")))


class SubdistrictPublic(SubdistrictBase):
    id: int


class VillageBase(SQLModel):
    number: int = Field(ge=1, le=99, description="หมู่ที่ (village number within the subdistrict)")
    name: str = Field(max_length=200)
    code: str | None = Field(default=None, max_length=12, description="DOPA-style 8-digit code")
    households: int | None = Field(default=None, ge=0)
    population: int | None = Field(default=None, ge=0)
    collection_interval_days: float | None = Field(
        default=None, gt=0, description="Days between collections; empty = the office default"
    )
    waste_kg_per_person_day: float | None = Field(default=None, gt=0)


class Village(VillageBase, table=True):
    __table_args__ = (UniqueConstraint("subdistrict_id", "number", name="uq_village_number"),)

    id: int | None = Field(default=None, primary_key=True)
    subdistrict_id: int = Field(foreign_key="subdistrict.id", index=True)
    boundary: Any = Field(default=None, sa_column=Column(GeometryType("MULTIPOLYGON")))
    boundary_source: str | None = Field(
        default=None, max_length=12, description="'imported', 'approximate' or empty"
    )


class VillagePublic(VillageBase):
    id: int
    subdistrict_id: int
    has_boundary: bool = False
    boundary_source: BoundarySource | None = Field(
        default=None,
        description="'approximate': the subdistrict divided among village centres "
        "(พื้นที่หมู่บ้านโดยประมาณ), not a surveyed boundary; 'imported': a real boundary",
    )
