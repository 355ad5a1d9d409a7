"""Small building-footprint files in their real formats, written into a folder for tests.

* ``open_buildings.csv`` — Google Open Buildings columns exactly (``latitude, longitude,
  area_in_meters, confidence, geometry, full_plus_code``) with WKT polygons and full plus
  codes (encoded here from the Open Location Code definition).
* ``buildings.osm.pbf`` — OpenStreetMap nodes and closed ways tagged ``building=yes|house``
  (plus one footpath that is not a building), written with pyosmium.

Synthetic data made for tests; nothing is downloaded. Run as
``python -m tests.real_formats.make_buildings OUTDIR`` to look at the files.
"""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Polygon

#: Metres per degree of latitude (spherical approximation; fine for footprints of a few m).
M_PER_DEG = 111_320.0
OPEN_BUILDINGS_HEADER = [
    "latitude",
    "longitude",
    "area_in_meters",
    "confidence",
    "geometry",
    "full_plus_code",
]
_PLUS_ALPHABET = "23456789CFGHJMPQRVWX"


@dataclass(frozen=True)
class Building:
    """A rectangular footprint centred on (lon, lat): ``width_m`` east–west, ``depth_m``
    north–south, with the confidence Open Buildings would give and the OSM tag value."""

    lon: float
    lat: float
    width_m: float
    depth_m: float
    confidence: float = 0.9
    tag: str = "house"

    @property
    def area_m2(self) -> float:
        return self.width_m * self.depth_m

    def footprint(self) -> Polygon:
        half_x = self.width_m / 2 / (M_PER_DEG * math.cos(math.radians(self.lat)))
        half_y = self.depth_m / 2 / M_PER_DEG
        x, y = self.lon, self.lat
        return Polygon(
            [(x - half_x, y - half_y), (x + half_x, y - half_y), (x + half_x, y + half_y),
             (x - half_x, y + half_y)]
        )  # fmt: skip


def plus_code(lat: float, lon: float) -> str:
    """The 10-digit full Open Location Code of a point, e.g. ``7P52QGXX+XX``."""
    lat = min(max(lat, -90.0), 90.0 - 1e-9) + 90.0
    lon = (lon + 180.0) % 360.0
    digits = []
    resolution = 20.0
    for _ in range(5):  # five pairs: 20°, 1°, 0.05°, 0.0025°, 0.000125°
        lat_digit = int(lat // resolution)
        lon_digit = int(lon // resolution)
        digits += [_PLUS_ALPHABET[lat_digit], _PLUS_ALPHABET[lon_digit]]
        lat -= lat_digit * resolution
        lon -= lon_digit * resolution
        resolution /= 20.0
    code = "".join(digits)
    return f"{code[:8]}+{code[8:]}"


def write_open_buildings_csv(path: Path, buildings: Sequence[Building]) -> Path:
    """Write ``buildings`` as an Open Buildings CSV (centre, area, confidence, WKT, plus code)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(OPEN_BUILDINGS_HEADER)
        for b in buildings:
            polygon = b.footprint()
            writer.writerow(
                [
                    f"{b.lat:.7f}",
                    f"{b.lon:.7f}",
                    f"{b.area_m2:.4f}",
                    f"{b.confidence:.4f}",
                    polygon.wkt,
                    plus_code(b.lat, b.lon),
                ]
            )
    return path


def write_osm_pbf(path: Path, buildings: Sequence[Building]) -> Path:
    """Write ``buildings`` as closed OSM ways (four corner nodes each) tagged
    ``building=<tag>``, plus one ``highway=footway`` way that must not count."""
    import osmium

    if path.exists():
        path.unlink()
    writer = osmium.SimpleWriter(str(path))
    try:
        node_id = 1
        ways = []
        for b in buildings:
            corners = list(b.footprint().exterior.coords)[:4]
            ids = []
            for lon, lat in corners:
                writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat), tags={}))
                ids.append(node_id)
                node_id += 1
            ways.append((ids + [ids[0]], {"building": b.tag}))
        path_nodes = []
        if buildings:
            start = buildings[0]
            for k in range(2):
                writer.add_node(
                    osmium.osm.mutable.Node(
                        id=node_id, location=(start.lon + 0.0005 * k, start.lat + 0.0004), tags={}
                    )
                )
                path_nodes.append(node_id)
                node_id += 1
        for way_id, (refs, tags) in enumerate(ways, start=1):
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags))
        if path_nodes:
            writer.add_way(
                osmium.osm.mutable.Way(
                    id=len(ways) + 1, nodes=path_nodes, tags={"highway": "footway"}
                )
            )
    finally:
        writer.close()
    return path


def sample_buildings() -> list[Building]:
    """A few houses around 100.50° E, 14.00° N, with one too small, one too large and one
    of low confidence."""
    houses = [
        Building(100.5001 + 0.0003 * i, 14.0001 + 0.0002 * (i % 3), 8.0, 10.0) for i in range(6)
    ]
    return [
        *houses,
        Building(100.5010, 14.0010, 3.0, 4.0, tag="yes"),  # 12 m²: a shed
        Building(100.5015, 14.0015, 40.0, 30.0, tag="yes"),  # 1,200 m²: a school
        Building(100.5020, 14.0020, 9.0, 9.0, confidence=0.55),  # probably not a building
    ]


def make_buildings(folder: Path, buildings: Sequence[Building] | None = None) -> dict[str, Path]:
    """Write both files into ``folder``; returns ``{"open_buildings": …, "osm_pbf": …}``."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = list(sample_buildings() if buildings is None else buildings)
    return {
        "open_buildings": write_open_buildings_csv(folder / "open_buildings.csv", chosen),
        "osm_pbf": write_osm_pbf(folder / "buildings.osm.pbf", chosen),
    }


if __name__ == "__main__":
    for name, written in make_buildings(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).items():
        print(f"{name}: {written}")
