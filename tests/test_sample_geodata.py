"""Checks on the committed synthetic sample subdistrict in geodata/ (see geodata/README.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
UTM = 32648  # the sample lies in UTM zone 48N
GEOJSON = [
    "sample_subdistrict.geojson",
    "sample_villages.geojson",
    "sample_households.geojson",
    "sample_roads.geojson",
    "sample_bins.geojson",
]
GENERATED = [*GEOJSON, "sample_bins.csv"]

STREAM_TH = {"general": "ทั่วไป", "organic": "อินทรีย์", "recyclable": "รีไซเคิล", "hazardous": "อันตราย"}
CONDITION_TH = {"usable": "ใช้งานได้", "damaged": "ชำรุด", "missing": "สูญหาย", "overflowing": "ขยะล้น"}


def _date(value: object) -> dt.date:
    """GDAL may hand ISO date strings back as datetimes; accept either."""
    return pd.Timestamp(value).date()


def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(GEODATA / name)


@pytest.fixture(scope="module")
def sub() -> gpd.GeoDataFrame:
    return _read("sample_subdistrict.geojson")


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    return _read("sample_villages.geojson")


@pytest.fixture(scope="module")
def households() -> gpd.GeoDataFrame:
    return _read("sample_households.geojson")


@pytest.fixture(scope="module")
def bins() -> gpd.GeoDataFrame:
    return _read("sample_bins.geojson")


@pytest.mark.parametrize("name", GEOJSON)
def test_geojson_is_marked_synthetic_wgs84_and_rounded(name: str) -> None:
    raw = (GEODATA / name).read_text(encoding="utf-8")
    doc = json.loads(raw)
    assert doc["type"] == "FeatureCollection"
    assert "synthetic" in doc["name"].lower()
    assert "synthetic" in doc["description"].lower()
    assert "make_sample.py" in doc["description"]
    assert "crs" not in doc  # RFC 7946: WGS 84 lon/lat, no crs member
    assert "\\u0e" not in raw  # Thai text is not escaped
    decimals = re.findall(r"-?\d+\.(\d+)", raw.split('"features"', 1)[1])
    assert decimals and max(len(d) for d in decimals) <= 6
    gdf = gpd.read_file(GEODATA / name)
    assert gdf.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = gdf.total_bounds
    assert minx > 102.0 and maxx < 108.0  # east of the 102° E seam: UTM 48N
    assert miny > 16.0 and maxy < 16.6


def test_subdistrict(sub: gpd.GeoDataFrame) -> None:
    assert len(sub) == 1
    row = sub.iloc[0]
    assert row["subdistrict_code"] == "999901"
    assert "สังเคราะห์" in row["name_th"] and "synthetic" in row["name_en"]
    geom = sub.to_crs(UTM).geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "Polygon"
    assert 30e6 < geom.area < 55e6  # roughly 8 x 6 km
    assert sub.estimate_utm_crs().to_epsg() == UTM


def test_villages_partition_the_subdistrict(
    sub: gpd.GeoDataFrame, villages: gpd.GeoDataFrame
) -> None:
    assert sorted(villages["moo"]) == list(range(1, 11))
    assert villages.geometry.is_valid.all()
    assert (villages["village_code"] == [f"999901{m:02d}" for m in villages["moo"]]).all()
    assert villages["village_code"].str.fullmatch(r"\d{8}").all()
    assert villages["name_th"].str.startswith("บ้าน").all()
    assert villages["name_th"].is_unique and villages["name_en"].is_unique
    assert set(villages["collection_interval_days"]) == {3, 7}
    assert (villages["collection_interval_days"] == 3).sum() >= 7

    v = villages.to_crs(UTM)
    s = sub.to_crs(UTM).geometry.iloc[0]
    for a, b in itertools.combinations(v.geometry, 2):
        assert a.intersection(b).area < 1.0  # m²: no overlaps
    for g in v.geometry:
        assert g.difference(s).area < 1.0  # inside the subdistrict
    assert abs(v.geometry.union_all().area - s.area) < 1.0  # no gaps
    assert abs(v.area.sum() - s.area) < 1.0


def test_households(households: gpd.GeoDataFrame, villages: gpd.GeoDataFrame) -> None:
    assert 2500 <= len(households) <= 3500
    assert households["household_id"].is_unique
    ids_ok = households["household_id"].str.fullmatch(r"H-\d{2}-\d{4}")
    assert ids_ok.all()
    assert (households["household_id"].str[2:4].astype(int) == households["village_moo"]).all()
    assert households["persons"].between(1, 8).all()
    assert 2.9 <= households["persons"].mean() <= 3.3
    assert households["house_no"].str.fullmatch(r"\d+(/\d+)?").all()
    for moo, grp in households.groupby("village_moo"):
        assert grp["house_no"].is_unique, moo

    joined = households.sjoin(villages[["moo", "geometry"]], predicate="within", how="left")
    assert len(joined) == len(households)
    assert (joined["moo"] == joined["village_moo"]).all()

    by_moo = households.groupby("village_moo")
    counts = villages.set_index("moo")
    assert (by_moo.size() == counts["households"]).all()
    assert (by_moo["persons"].sum() == counts["population"]).all()


def test_bins(bins: gpd.GeoDataFrame, villages: gpd.GeoDataFrame) -> None:
    assert 250 <= len(bins) <= 400
    assert bins["code"].is_unique
    assert bins["code"].str.fullmatch(r"SB-\d{2}-\d{4}").all()
    assert (bins["code"].str[3:5].astype(int) == bins["village_moo"]).all()
    assert set(bins["capacity_l"]) == {120, 200, 240, 660, 1100}
    assert bins["capacity_l"].mode().iloc[0] == 200  # the drum is the usual rural bin
    assert set(bins["stream"]) == set(STREAM_TH)
    assert bins["stream"].mode().iloc[0] == "general"
    assert set(bins["condition"]) == set(CONDITION_TH)
    assert bins["condition"].mode().iloc[0] == "usable"
    for _, b in bins.iterrows():
        installed = _date(b["installed_on"])
        inspected = _date(b["last_inspected"])
        assert inspected.year == 2026 and installed < inspected

    joined = bins.sjoin(villages[["moo", "geometry"]], predicate="within", how="left")
    assert len(joined) == len(bins)
    assert (joined["moo"] == joined["village_moo"]).all()


def test_bins_csv_matches_geojson(bins: gpd.GeoDataFrame) -> None:
    raw = (GEODATA / "sample_bins.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:8] == [
        "รหัสถัง",
        "หมู่ที่",
        "ละติจูด",
        "ลองจิจูด",
        "ความจุ (ลิตร)",
        "ประเภทขยะ",
        "สภาพ",
        "วันที่ติดตั้ง",
    ]
    assert all("สังเคราะห์" in r["หมายเหตุ"] for r in rows)
    assert len(rows) == len(bins)
    for r, (_, b) in zip(rows, bins.iterrows(), strict=True):
        assert r["รหัสถัง"] == b["code"]
        assert int(r["หมู่ที่"]) == b["village_moo"]
        assert float(r["ละติจูด"]) == pytest.approx(b.geometry.y, abs=1e-9)
        assert float(r["ลองจิจูด"]) == pytest.approx(b.geometry.x, abs=1e-9)
        assert int(r["ความจุ (ลิตร)"]) == b["capacity_l"]
        assert r["ประเภทขยะ"] == STREAM_TH[b["stream"]]
        assert r["สภาพ"] == CONDITION_TH[b["condition"]]
        d, m, y = (int(x) for x in r["วันที่ติดตั้ง"].split("/"))
        assert dt.date(y - 543, m, d) == _date(b["installed_on"])  # Buddhist era


def test_two_villages_are_badly_served(
    households: gpd.GeoDataFrame, bins: gpd.GeoDataFrame
) -> None:
    """Moo 7 (few, mostly broken bins) and moo 9 (bins at one end) are the worst served."""
    hh = households.to_crs(UTM)
    usable = bins[bins["condition"] == "usable"].to_crs(UTM)
    tree = cKDTree(np.column_stack([usable.geometry.x, usable.geometry.y]))
    dist, _ = tree.query(np.column_stack([hh.geometry.x, hh.geometry.y]))
    covered = (hh.assign(covered=dist <= 200.0)).groupby("village_moo")["covered"].mean()
    assert set(covered.nsmallest(2).index) == {7, 9}
    assert covered[7] < 0.5 and covered[9] < 0.5
    assert (covered.drop([7, 9]) > 0.8).all()
    b7 = bins[bins["village_moo"] == 7]
    assert len(b7) <= 6 and (b7["condition"] != "usable").sum() > len(b7) / 2


def test_total_size_is_small() -> None:
    assert sum(f.stat().st_size for f in GEODATA.iterdir() if f.is_file()) < 3_000_000


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(GEODATA / "make_sample.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (GEODATA / name).read_bytes(), name
