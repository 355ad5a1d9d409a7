"""Frames for the map tests: the committed synthetic subdistrict run through the coverage
engine, so the maps are drawn from the real result types."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest

from fieldsvc.analysis.allocation import allocate_bins
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.maps.assets import NODE_MODULES, VENDOR_DIR, install
from fieldsvc.maps.coverage_map import villages_with_coverage
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.services.overview import recommended_sites

GEODATA = Path(__file__).resolve().parents[2] / "geodata"


@dataclass(frozen=True)
class MapFrames:
    villages: gpd.GeoDataFrame
    bins: gpd.GeoDataFrame
    uncovered: gpd.GeoDataFrame
    recommended: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame


@pytest.fixture(scope="session")
def vendor_dir() -> Path:
    """The installed vendor folder (installed here if node_modules exists but it does not)."""
    if not (VENDOR_DIR / "leaflet" / "leaflet.js").is_file():
        if not NODE_MODULES.is_dir():
            pytest.fail("no node_modules/: run scripts/setup-python.sh (npm ci + resources sync)")
        install(quiet=True)
    return VENDOR_DIR


@pytest.fixture(scope="session")
def sample_frames() -> MapFrames:
    villages = gpd.read_file(GEODATA / "sample_villages.geojson").rename(
        columns={"moo": "number", "name_th": "name"}
    )
    villages["village_id"] = villages["number"]
    bins = gpd.read_file(GEODATA / "sample_bins.geojson")
    bins["village_id"] = bins["village_moo"]
    bins["bin_id"] = range(len(bins))
    households = gpd.read_file(GEODATA / "sample_households.geojson")
    households["village_id"] = households["village_moo"]
    result = coverage_by_village(villages, bins, households, radius_m=200)
    uncovered = result.uncovered_clusters
    # the plan sites come from the allocation engine itself, through the same conversion the
    # pages use, so the popup reads the columns the producer really makes
    plan = allocate_bins(villages, bins, households, budget_baht=400_000, radius_m=200)
    record = AllocationPlanRecord(
        version=1,
        title="แผนทดสอบ",
        fiscal_year_be=2570,
        recommendations=plan.recommendations.to_dict("records"),
    )
    recommended = recommended_sites(record)
    assert recommended is not None and len(recommended) > 0
    return MapFrames(
        villages=villages_with_coverage(villages, result, stream="general"),
        bins=bins,
        uncovered=uncovered,
        recommended=recommended,
        roads=gpd.read_file(GEODATA / "sample_roads.geojson"),
    )
