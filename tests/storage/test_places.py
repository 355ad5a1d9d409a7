"""Where a survey is: claimed village, village at the point, inside the subdistrict."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box
from sqlmodel import Session

from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.places import VillageRef, locate
from tests.intake.conftest import make_place


def test_locate_names_the_claimed_and_the_containing_village(session: Session) -> None:
    place = make_place(session)
    found = locate(session=session, number=2, point=(103.325, 16.305))
    assert found.claimed == VillageRef(place.village_ids[2], 2, place.subdistrict.id)
    assert found.at_point == VillageRef(place.village_ids[3], 3, place.subdistrict.id)
    assert found.inside_subdistrict is True
    outside = locate(session=session, number=9, point=(103.5, 16.305))
    assert (outside.claimed, outside.at_point, outside.inside_subdistrict) == (None, None, False)


def test_a_re_imported_boundary_is_used_at_once(session: Session) -> None:
    place = make_place(session)
    assert locate(session=session, number=None, point=(103.305, 16.305)).at_point == VillageRef(
        place.village_ids[1], 1, place.subdistrict.id
    )
    moved = gpd.GeoDataFrame(  # หมู่ 1 now lies east of หมู่ 3; หมู่ 2 takes its old place
        {"number": [1, 2], "name": ["บ้านหนองบัว", "บ้านโนนสะอาด"]},
        geometry=[box(103.33, 16.30, 103.34, 16.31), box(103.30, 16.30, 103.32, 16.31)],
        crs="EPSG:4326",
    )
    save_villages(session=session, subdistrict=place.subdistrict, villages=moved)
    session.commit()
    assert locate(session=session, number=None, point=(103.305, 16.305)).at_point == VillageRef(
        place.village_ids[2], 2, place.subdistrict.id
    )
