"""Small known-answer inputs built in metres (UTM 47N) and handed over in EPSG:4326."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

#: Origin of the test villages in UTM 47N (around 100.5° E, 14° N).
E0, N0 = 660_000.0, 1_550_000.0
UTM47 = "EPSG:32647"


def points_4326(xy: Sequence[tuple[float, float]]) -> list[Any]:
    """Local metre offsets from (E0, N0) → shapely points in EPSG:4326."""
    series = gpd.GeoSeries([Point(E0 + x, N0 + y) for x, y in xy], crs=UTM47).to_crs(4326)
    return list(series.values)


@pytest.fixture
def make_bins() -> Callable[..., gpd.GeoDataFrame]:
    def make(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
        frame = pd.DataFrame(rows)
        geometry = points_4326([tuple(r["xy"]) for r in rows]) if rows else []
        frame = frame.drop(columns=["xy"]) if rows else frame
        if "code" not in frame.columns:
            frame["code"] = [f"B{i}" for i in range(len(frame))]
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)

    return make


@pytest.fixture
def make_households() -> Callable[..., gpd.GeoDataFrame]:
    def make(rows: list[tuple[str, float, float, float | None]]) -> gpd.GeoDataFrame:
        frame = pd.DataFrame(
            {
                "household_id": [f"H{i}" for i in range(len(rows))],
                "village_id": [r[0] for r in rows],
                "persons": pd.array([r[3] for r in rows], dtype="Float64"),
            }
        )
        return gpd.GeoDataFrame(frame, geometry=points_4326([(r[1], r[2]) for r in rows]), crs=4326)

    return make


@pytest.fixture
def three_villages() -> gpd.GeoDataFrame:
    """Villages A (0–1000 m), B (1000–2000 m) side by side; C has no polygon nor points."""
    polys = gpd.GeoSeries(
        [box(E0, N0, E0 + 1000, N0 + 1000), box(E0 + 1000, N0, E0 + 2000, N0 + 1000)],
        crs=UTM47,
    ).to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "village_id": ["A", "B", "C"],
            "number": [1, 2, 3],
            "name": ["บ้านเอ", "บ้านบี", "บ้านซี"],
            "households": pd.array([None, None, 100], dtype="Int64"),
            "population": pd.array([None, None, None], dtype="Float64"),
            "collection_interval_days": pd.array([None, 7, None], dtype="Float64"),
        },
        geometry=[polys.iloc[0], polys.iloc[1], None],
        crs=4326,
    )
