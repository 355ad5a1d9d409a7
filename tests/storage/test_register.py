from __future__ import annotations

from datetime import UTC, datetime, timedelta

import geopandas as gpd
from shapely.geometry import Polygon, box
from sqlmodel import Session

from fieldsvc.models import BinCreate, Condition, Inspection, InspectionSource, Stream, Subdistrict
from fieldsvc.storage.frames import bins_frame, save_villages, villages_frame
from fieldsvc.storage.register import (
    bin_history,
    bins_near,
    create_bin,
    record_inspection,
    require_bin,
    village_containing,
)

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _three_villages(session: Session) -> Subdistrict:
    """Three 0.01° squares side by side near 16.3 N 103.3 E: หมู่ 1, 2, 3 from west to east."""
    sub = Subdistrict(code="999901", name="ตำบลทดสอบ")
    session.add(sub)
    session.flush()
    frame = gpd.GeoDataFrame(
        {"number": [1, 2, 3], "name": ["บ้านหนึ่ง", "บ้านสอง", "บ้านสาม"]},
        geometry=[box(103.30 + i * 0.01, 16.30, 103.31 + i * 0.01, 16.31) for i in range(3)],
        crs="EPSG:4326",
    )
    save_villages(session=session, subdistrict=sub, villages=frame)
    return sub


def _bin(code: str, lon: float, lat: float) -> BinCreate:
    return BinCreate(
        code=code,
        lon=lon,
        lat=lat,
        capacity_l=240,
        stream=Stream.general,
        condition=Condition.usable,
    )


def test_bin_in_village_three_polygon_is_assigned_to_village_three(session: Session) -> None:
    _three_villages(session)
    created = create_bin(session=session, bin_in=_bin("B-1", 103.325, 16.305), observed_at=T0)
    session.commit()
    village = village_containing(session=session, lon=103.325, lat=16.305)
    assert village is not None and village.number == 3
    assert created.village_id == village.id
    frame = bins_frame(session=session)
    assert frame.loc[0, "village_id"] == village.id


def test_bin_history_after_three_inspections(session: Session) -> None:
    _three_villages(session)
    bin_row = create_bin(session=session, bin_in=_bin("B-7", 103.305, 16.305), observed_at=T0)
    observations = [
        (T0 + timedelta(days=30), Condition.overflowing, None),
        (T0 + timedelta(days=60), Condition.damaged, 200),
        (T0 + timedelta(days=90), Condition.missing, None),
    ]
    for when, condition, capacity in observations:
        record_inspection(
            session=session,
            bin_row=bin_row,
            inspection=Inspection(
                bin_id=bin_row.id or 0,
                observed_at=when,
                condition=condition,
                capacity_l=capacity,
                source=InspectionSource.survey,
            ),
        )
    session.commit()

    history = bin_history(session=session, bin_id=bin_row.id or 0)
    assert [h.condition for h in history] == ["usable", "overflowing", "damaged", "missing"]
    assert [h.observed_at for h in history] == [T0] + [o[0] for o in observations]
    current = require_bin(session=session, code="B-7")
    assert current.condition == "missing"
    assert current.capacity_l == 200  # taken from the second inspection, kept afterwards
    assert current.last_inspected_at == T0 + timedelta(days=90)


def test_a_late_arriving_older_survey_does_not_override_the_current_state(
    session: Session,
) -> None:
    _three_villages(session)
    bin_row = create_bin(session=session, bin_in=_bin("B-8", 103.305, 16.305), observed_at=T0)
    record_inspection(
        session=session,
        bin_row=bin_row,
        inspection=Inspection(
            bin_id=0,
            observed_at=T0 - timedelta(days=5),
            condition=Condition.damaged,
            source=InspectionSource.survey,
        ),
    )
    session.commit()
    assert require_bin(session=session, code="B-8").condition == "usable"
    assert len(bin_history(session=session, bin_id=bin_row.id or 0)) == 2


def test_saving_villages_twice_updates_instead_of_duplicating(session: Session) -> None:
    sub = _three_villages(session)
    frame = villages_frame(session=session)
    frame = frame[["number", "name", "geometry"]].copy()
    frame.loc[frame["number"] == 2, "name"] = "บ้านสองใหม่"
    counts = save_villages(session=session, subdistrict=sub, villages=frame)
    session.commit()
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 2)
    again = villages_frame(session=session)
    assert list(again["name"]) == ["บ้านหนึ่ง", "บ้านสองใหม่", "บ้านสาม"]
    assert isinstance(again.geometry.iloc[0].geoms[0], Polygon)
    assert again.geometry.iloc[0].equals(box(103.30, 16.30, 103.31, 16.31))


def test_bins_near_finds_bins_within_radius_nearest_first(session: Session) -> None:
    _three_villages(session)
    create_bin(session=session, bin_in=_bin("NEAR", 103.30503, 16.305), observed_at=T0)  # ~3 m
    create_bin(session=session, bin_in=_bin("FAR", 103.3055, 16.305), observed_at=T0)  # ~53 m
    session.commit()
    found = bins_near(session=session, lon=103.305, lat=16.305, radius_m=10)
    assert [b.code for b, _ in found] == ["NEAR"]
    assert 2.5 < found[0][1] < 3.6
    assert [
        b.code for b, _ in bins_near(session=session, lon=103.305, lat=16.305, radius_m=60)
    ] == [
        "NEAR",
        "FAR",
    ]


def test_a_plain_polygon_boundary_is_stored_as_a_multipolygon(session: Session) -> None:
    sub = Subdistrict(code="999909", name="ตำบลรูปเดียว", boundary=box(103.3, 16.3, 103.4, 16.4))
    session.add(sub)
    session.commit()
    session.expire_all()
    stored = session.get(Subdistrict, sub.id)
    assert stored is not None and stored.boundary.geom_type == "MultiPolygon"
    assert stored.boundary.equals(box(103.3, 16.3, 103.4, 16.4))
