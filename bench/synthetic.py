"""Seeded synthetic inputs for the benchmarks (EPSG:4326, straddling 102° E)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

STREAMS = np.array(["general", "organic", "recyclable", "hazardous"])
STREAM_P = [0.7, 0.15, 0.1, 0.05]
CONDITIONS = np.array(["usable", "damaged", "missing", "overflowing"])
CONDITION_P = [0.75, 0.1, 0.05, 0.1]
SIZES_L = np.array([120.0, 200.0, 240.0, 660.0])

DEG_PER_KM_LON = 1 / 107.5  # at ~15° N
DEG_PER_KM_LAT = 1 / 110.6


def make_inputs(
    n_villages: int = 10_000,
    n_households: int = 1_000_000,
    n_bins: int = 100_000,
    seed: int = 2566,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Villages on a 1 km grid around (102° E, 15° N); households and bins scattered
    around each village centre (sd ≈ 270 m and 220 m). Villages have no polygons."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_villages)))
    ij = np.stack(np.divmod(np.arange(n_villages), side), axis=1).astype(float)
    lon_c = 102.0 + (ij[:, 0] - side / 2) * DEG_PER_KM_LON
    lat_c = 15.0 + (ij[:, 1] - side / 2) * DEG_PER_KM_LAT
    villages = pd.DataFrame(
        {
            "village_id": np.arange(n_villages),
            "number": np.arange(n_villages) % 20 + 1,
            "name": [f"v{i}" for i in range(n_villages)],
            "households": pd.array([None] * n_villages, dtype="Int64"),
            "population": pd.array([None] * n_villages, dtype="Float64"),
            "collection_interval_days": pd.array(
                np.where(rng.random(n_villages) < 0.2, 7.0, np.nan), dtype="Float64"
            ),
        }
    )
    hv = rng.integers(0, n_villages, n_households)
    h_lon = lon_c[hv] + rng.normal(0, 0.27, n_households) * DEG_PER_KM_LON
    h_lat = lat_c[hv] + rng.normal(0, 0.27, n_households) * DEG_PER_KM_LAT
    persons = rng.integers(1, 7, n_households).astype(float)
    persons[rng.random(n_households) < 0.1] = np.nan
    households = gpd.GeoDataFrame(
        {
            "household_id": np.arange(n_households),
            "village_id": hv,
            "persons": pd.array(persons, dtype="Float64"),
        },
        geometry=gpd.points_from_xy(h_lon, h_lat),
        crs=4326,
    )
    bv = rng.integers(0, n_villages, n_bins)
    bins = gpd.GeoDataFrame(
        {
            "bin_id": np.arange(n_bins),
            "code": [f"B{i:06d}" for i in range(n_bins)],
            "village_id": bv,
            "capacity_l": rng.choice(SIZES_L, n_bins),
            "stream": rng.choice(STREAMS, n_bins, p=STREAM_P),
            "condition": rng.choice(CONDITIONS, n_bins, p=CONDITION_P),
        },
        geometry=gpd.points_from_xy(
            lon_c[bv] + rng.normal(0, 0.22, n_bins) * DEG_PER_KM_LON,
            lat_c[bv] + rng.normal(0, 0.22, n_bins) * DEG_PER_KM_LAT,
        ),
        crs=4326,
    )
    return villages, bins, households


def clustered_siting_instance(
    n_demand: int = 20_000, n_candidates: int = 2_000, n_clusters: int = 200, seed: int = 42
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Demand (weights 1–9) and candidate sites in village-like clusters, metres."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, np.sqrt(n_clusters) * 800, (n_clusters, 2))
    demand = centres[rng.integers(0, n_clusters, n_demand)] + rng.normal(0, 150, (n_demand, 2))
    candidates = centres[rng.integers(0, n_clusters, n_candidates)] + rng.normal(
        0, 200, (n_candidates, 2)
    )
    return demand, rng.integers(1, 10, n_demand).astype(float), candidates
