"""Build the map files the layer tests read, at test time, from three reference villages."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

# (number, Thai name, households); squares 0.01° (~1.1 km) side by side.
VILLAGES = [(1, "บ้านโนนสูง", 120), (2, "บ้านหนองบัว", 85), (3, "บ้านดอนแดง", 64)]
ZONE_47 = (100.5, 14.5)  # central Thailand, UTM 47N
ZONE_48 = (103.3, 16.3)  # north-east, UTM 48N


def reference_villages(center: tuple[float, float]) -> gpd.GeoDataFrame:
    """The three villages in WGS 84 around ``center`` (lon, lat)."""
    lon, lat = center
    return gpd.GeoDataFrame(
        {
            "number": [n for n, _, _ in VILLAGES],
            "name": [name for _, name, _ in VILLAGES],
            "households": [hh for _, _, hh in VILLAGES],
        },
        geometry=[box(lon + 0.01 * i, lat, lon + 0.01 * (i + 1), lat + 0.01) for i in range(3)],
        crs="EPSG:4326",
    )


def write_shapefile(frame: gpd.GeoDataFrame, path: Path, *, encoding: str = "cp874") -> Path:
    """Write a shapefile with DBF-style columns (moo, name, hh) in ``encoding``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.rename(columns={"number": "moo", "households": "hh"})
    out.to_file(path, engine="pyogrio", encoding=encoding)
    return path


def zip_shapefile(shp: Path, archive: Path, *, folder: str) -> Path:
    """Zip every part of ``shp`` under ``folder/`` inside ``archive``."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for part in sorted(shp.parent.glob(shp.stem + ".*")):
            bundle.write(part, f"{folder}/{part.name}")
    return archive


def _kml_ring(polygon: Polygon) -> str:
    return " ".join(f"{x!r},{y!r},0" for x, y in polygon.exterior.coords)


def write_my_maps_kml(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write KML the way Google My Maps exports it: villages 1-2 in folder "หมู่บ้าน" with
    ExtendedData, the rest in folder "Layer 2" with only description lines."""
    folders: dict[str, list[str]] = {"หมู่บ้าน": [], "Layer 2": []}
    for i, village in enumerate(frame.itertuples()):
        table = f"หมู่ที่: {village.number}<br>ครัวเรือน: {village.households}"
        extended = (
            f'<ExtendedData><Data name="หมู่ที่"><value>{village.number}</value></Data>'
            f'<Data name="ครัวเรือน"><value>{village.households}</value></Data></ExtendedData>'
        )
        folders["หมู่บ้าน" if i < 2 else "Layer 2"].append(
            f"<Placemark><name>{escape(str(village.name))}</name>"
            f"<description><![CDATA[{table}]]></description>"
            "<styleUrl>#poly-000000-1200-77-nodesc</styleUrl>"
            + (extended if i < 2 else "")
            + "<Polygon><outerBoundaryIs><LinearRing><tessellate>1</tessellate>"
            f"<coordinates>{_kml_ring(village.geometry)}</coordinates>"
            "</LinearRing></outerBoundaryIs></Polygon></Placemark>"
        )
    body = "".join(
        f"<Folder><name>{name}</name>{''.join(marks)}</Folder>" for name, marks in folders.items()
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>ขอบเขตหมู่บ้าน</name>'
        '<Style id="poly-000000-1200-77-nodesc-normal"><LineStyle><color>ff000000</color>'
        f"</LineStyle></Style>{body}</Document></kml>",
        encoding="utf-8",
    )
    return path


def write_geojson(features: list[dict[str, object]], path: Path) -> Path:
    """Write a GeoJSON FeatureCollection from ``{"properties":..., "geometry":...}`` dicts."""
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", **feature} for feature in features],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def geojson_file(tmp_path: Path) -> Callable[[list[dict[str, object]], str], Path]:
    """Return a writer of small GeoJSON files in ``tmp_path``."""

    def write(features: list[dict[str, object]], name: str = "layer.geojson") -> Path:
        return write_geojson(features, tmp_path / name)

    return write
