from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import CRS

from fieldsvc.analysis.clusters import household_clusters

UTM47 = CRS.from_epsg(32647)


def test_pairs_and_lone_households_get_polygons_of_the_right_size() -> None:
    xy = np.array([[0.0, 0], [50, 0], [1000, 0], [2000, 0], [2050, 0], [5000, 0]])
    xy += [660_000, 1_550_000]
    village = np.array([0, 0, 1, 1, 1, 1], dtype=np.intp)
    out = household_clusters(
        xy, village, np.arange(1.0, 7.0), pd.Index(["A", "B"]), "general", 100.0, 25.0, UTM47
    )
    assert out[["cluster_id", "households"]].values.tolist() == [[0, 2], [2, 2], [1, 1], [3, 1]]
    assert out["persons"].tolist() == [3.0, 9.0, 3.0, 6.0]
    assert out["village_id"].tolist() == ["A", "B", "B", "B"]
    area_m2 = out.to_crs(UTM47).area.to_numpy()
    octagon = 2 * np.sqrt(2) * 25.0**2  # lone household: regular octagon of radius 25 m
    assert area_m2[2:] == pytest.approx([octagon, octagon], rel=1e-3)
    # A pair 50 m apart: a 50 m segment buffered by 25 m (coarse ends) ≈ 50 × 50 + octagon.
    assert area_m2[0] == pytest.approx(50 * 50 + octagon, rel=1e-3)
    assert out.geometry.is_valid.all()


def test_no_households_no_clusters() -> None:
    out = household_clusters(
        np.empty((0, 2)), np.empty(0, dtype=np.intp), np.empty(0), pd.Index([]), "general",
        100.0, 25.0, UTM47,
    )  # fmt: skip
    assert len(out) == 0 and out.crs.to_epsg() == 4326
