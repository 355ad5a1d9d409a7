"""Real clients against a live server: GDAL's OAPIF driver (Debian ``gdal-bin``: ``ogrinfo``,
``ogr2ogr``) and OWSLib's Features client, over 10,000 seeded bins.

Expected answers come from the seeded rows, computed here, never from the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.services import public_data
from tests.intake.conftest import Place
from tests.live import serve
from tests.ogc.conftest import SeededBin, seed_bins

BINS = 10_000
pytestmark = pytest.mark.slow


@pytest.fixture
def live(engine: Engine, settings: Settings) -> Iterator[tuple[str, Place, list[SeededBin]]]:
    if shutil.which("ogrinfo") is None:  # fails, never skips: CI installs gdal-bin
        raise RuntimeError("ogrinfo is missing: run scripts/setup-system.sh (gdal-bin)")
    public_data.clear_cache()
    with Session(engine, expire_on_commit=False) as session:
        place, bins = seed_bins(session, BINS)
    with serve(create_app(settings, engine=engine)) as base:
        yield f"{base}/ogc", place, bins
    public_data.clear_cache()


def _gdal(*args: str, token: str | None = None) -> str:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "60", "CPL_DEBUG": "OFF"}
    if token:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: Bearer {token}"
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _layers(listing: str) -> list[str]:
    return re.findall(r"^\d+: ([\w-]+)", listing, flags=re.M)


def test_gdal_lists_every_collection_and_copies_10000_bins_page_by_page(
    live: tuple[str, Place, list[SeededBin]], tmp_path: Path
) -> None:
    url, place, bins = live
    anonymous = _gdal("ogrinfo", "-ro", "-so", f"OAPIF:{url}")
    assert _layers(anonymous) == ["villages", "bins", "recommended-sites"]
    staff = _gdal("ogrinfo", "-ro", "-so", f"OAPIF:{url}", token=place.staff_token)
    assert _layers(staff) == [
        "villages",
        "bins",
        "recommended-sites",
        "traffy-tickets",
        "inspections",
        "held-surveys",
    ]
    summary = _gdal("ogrinfo", "-ro", "-so", f"OAPIF:{url}", "bins")
    assert re.search(r"^Feature Count: 10000$", summary, flags=re.M), summary
    assert "Geometry: Point" in summary
    villages = _gdal("ogrinfo", "-ro", "-so", f"OAPIF:{url}", "villages")
    assert re.search(r"^Feature Count: 3$", villages, flags=re.M), villages
    # a bbox from GDAL's spatial filter is answered by the server (counted independently)
    box = (103.305, 16.302, 103.318, 16.308)
    inside = sum(box[0] <= b.lon <= box[2] and box[1] <= b.lat <= box[3] for b in bins)
    spatial = _gdal("ogrinfo", "-ro", "-so", "-spat", *map(str, box), f"OAPIF:{url}", "bins")
    assert re.search(rf"^Feature Count: {inside}$", spatial, flags=re.M), spatial

    out = tmp_path / "office.gpkg"
    _gdal("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{url}", "bins", "-oo", "PAGE_SIZE=1000")
    copied = pyogrio.read_dataframe(out, layer="bins")
    assert len(copied) == BINS
    codes = list(copied["code"])
    assert len(set(codes)) == BINS  # nothing duplicated
    assert set(codes) == {b.code for b in bins}  # nothing lost
    by_code = {b.code: b for b in bins}
    row = copied.iloc[1234]
    seeded = by_code[row["code"]]
    assert (row.geometry.x, row.geometry.y) == pytest.approx((seeded.lon, seeded.lat))
    assert row["stream"] == seeded.stream and row["condition"] == seeded.condition


def test_owslib_features_client_reads_collections_and_filtered_items(
    live: tuple[str, Place, list[SeededBin]],
) -> None:
    from owslib.ogcapi.features import Features

    url, _, bins = live
    client = Features(url)
    ids = [c["id"] for c in client.collections()["collections"]]
    assert ids == ["villages", "bins", "recommended-sites"]
    assert client.conformance()["conformsTo"]
    box = [103.31, 16.301, 103.32, 16.309]
    inside = {b.code for b in bins if box[0] <= b.lon <= box[2] and box[1] <= b.lat <= box[3]}
    page = client.collection_items("bins", bbox=box, limit=50)
    assert page["numberMatched"] == len(inside)
    assert page["numberReturned"] == 50 and len(page["features"]) == 50
    assert {f["id"] for f in page["features"]} <= inside
    damaged = client.collection_items("bins", stream="general", condition="damaged", limit=10000)
    expected = {b.code for b in bins if b.stream == "general" and b.condition == "damaged"}
    assert {f["id"] for f in damaged["features"]} == expected
    one = client.collection_item("bins", bins[42].code)
    assert one["properties"]["code"] == bins[42].code
