"""Real-format starting data (COD-AB shapefile, DOPA lists, OSM extract) written per test."""

from __future__ import annotations

import pytest

from tests.maps.conftest import vendor_dir
from tests.real_formats.make_places import PlaceFiles, make_place_files

__all__ = ["vendor_dir"]  # the map fixture, shared with the browser test here


@pytest.fixture(scope="session")
def place_files(tmp_path_factory: pytest.TempPathFactory) -> PlaceFiles:
    return make_place_files(tmp_path_factory.mktemp("real_formats"))
