"""Wiang (make_places) with its boundary and approximate village areas, and Traffy exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from fieldsvc.services.places import import_subdistrict, import_village_centres
from tests.real_formats.make_places import PlaceFiles, make_place_files


@pytest.fixture(scope="session")
def place_files(tmp_path_factory: pytest.TempPathFactory) -> PlaceFiles:
    return make_place_files(tmp_path_factory.mktemp("traffy_places"))


@pytest.fixture
def wiang(session: Session, place_files: PlaceFiles) -> Session:
    """A session on a database holding Wiang's boundary and its five village areas."""
    import_subdistrict(
        session=session, path=place_files.boundaries_shp, pcode=place_files.subdistrict_pcode
    )
    import_village_centres(session=session, path=place_files.centres_csv)
    return session


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path
