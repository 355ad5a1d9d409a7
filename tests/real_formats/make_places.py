"""Small files in the real formats a subdistrict's starting data arrives in.

* a COD-AB-style tambon shapefile (``ADM3_PCODE`` = ``"TH"`` + DOPA code, ``ADM3_TH`` with Thai
  names, ``ADM3_EN``, ``ADM2_*``, ``ADM1_*``, ``ADM0_*``; a ``.cpg`` saying UTF-8, as OCHA
  ships it) holding three neighbouring tambons;
* a village-centres CSV keyed by 8-digit DOPA village codes (``CCAATTMM``) with lat/lon;
* a registered house-count CSV (DOPA "บ้าน" counts) keyed by code or by หมู่ที่;
* an ``.osm.pbf`` with ``place=village|hamlet`` nodes carrying ``name:th``, written with
  pyosmium.

Nothing is downloaded. Run as a script to write them into a folder::

    python -m tests.real_formats.make_places /tmp/places

Tests import :func:`make_place_files`. Other generators may add OSM elements (for example
building ways) to the same extract with :func:`write_osm_pbf`.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

#: The tambon the tests import (Wiang, Mueang Chiang Rai) and two neighbours in the same file.
TAMBONS = (
    # pcode, Thai, English, polygon (lon, lat) corners
    (
        "TH570101",
        "เวียง",
        "Wiang",
        [(99.800, 19.880), (99.840, 19.878), (99.842, 19.910), (99.822, 19.918), (99.800, 19.912)],
    ),
    (
        "TH570102",
        "รอบเวียง",
        "Rop Wiang",
        [(99.840, 19.878), (99.880, 19.880), (99.878, 19.912), (99.842, 19.910)],
    ),
    (
        "TH570103",
        "บ้านดู่",
        "Ban Du",
        [(99.800, 19.912), (99.822, 19.918), (99.842, 19.910), (99.840, 19.950), (99.800, 19.948)],
    ),
)
DISTRICT = ("TH5701", "เมืองเชียงราย", "Mueang Chiang Rai")
PROVINCE = ("TH57", "เชียงราย", "Chiang Rai")

#: Villages of TH570101: number, Thai name, (lon, lat) centre, registered houses.
VILLAGES = (
    (1, "บ้านเวียงเหนือ", (99.818, 19.905), 212),
    (2, "บ้านสันโค้ง", (99.833, 19.900), 187),
    (3, "บ้านป่างิ้ว", (99.809, 19.893), 96),
    (4, "บ้านดอยทอง", (99.826, 19.887), 143),
    (5, "บ้านริมกก", (99.836, 19.884), 78),
)


@dataclass(frozen=True)
class PlaceFiles:
    """Paths of the files written and the facts they hold (for tests' known answers)."""

    folder: Path
    boundaries_shp: Path
    centres_csv: Path
    house_counts_csv: Path
    house_counts_by_moo_csv: Path
    villages_pbf: Path
    subdistrict_code: str = "570101"
    subdistrict_pcode: str = "TH570101"
    subdistrict_name: str = "เวียง"
    villages: tuple[tuple[int, str, tuple[float, float], int], ...] = VILLAGES
    tambons: tuple[tuple[str, str, str, list[tuple[float, float]]], ...] = field(
        default=TAMBONS, repr=False
    )

    def boundary(self, pcode: str = "TH570101") -> shapely.Polygon:
        """The polygon written for ``pcode``."""
        corners = next(t[3] for t in self.tambons if t[0] == pcode)
        return shapely.Polygon(corners)


def write_tambon_shapefile(path: Path) -> Path:
    """A COD-AB-style ADM3 shapefile (``.shp`` + ``.shx`` + ``.dbf`` + ``.prj`` + ``.cpg``)."""
    rows = [
        {
            "ADM3_EN": en,
            "ADM3_TH": th,
            "ADM3_PCODE": pcode,
            "ADM3_REF": None,
            "ADM3ALT1EN": None,
            "ADM2_EN": DISTRICT[2],
            "ADM2_TH": DISTRICT[1],
            "ADM2_PCODE": DISTRICT[0],
            "ADM1_EN": PROVINCE[2],
            "ADM1_TH": PROVINCE[1],
            "ADM1_PCODE": PROVINCE[0],
            "ADM0_EN": "Thailand",
            "ADM0_TH": "ประเทศไทย",
            "ADM0_PCODE": "TH",
            "date": "2019-02-18",
            "validOn": "2022-01-22",
            "Shape_Leng": shapely.Polygon(corners).length,
            "Shape_Area": shapely.Polygon(corners).area,
        }
        for pcode, th, en, corners in TAMBONS
    ]
    geometry = [shapely.Polygon(t[3]) for t in TAMBONS]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326")
    frame.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
    cpg = path.with_suffix(".cpg")
    if not cpg.exists() or "UTF-8" not in cpg.read_text():
        cpg.write_text("UTF-8", encoding="ascii")
    return path


def write_centres_csv(path: Path) -> Path:
    """A DOPA-style village list with centres: รหัสหมู่บ้าน (CCAATTMM), ชื่อหมู่บ้าน, lat, lon.

    Also holds a village of the neighbouring tambon (skipped on import) — province lists do.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["รหัสหมู่บ้าน", "ชื่อหมู่บ้าน", "lat", "lon"])
        for number, name, (lon, lat), _houses in VILLAGES:
            writer.writerow([f"570101{number:02d}", name, f"{lat:.6f}", f"{lon:.6f}"])
        writer.writerow(["57010201", "บ้านรอบเวียง", "19.895000", "99.860000"])
    return path


def write_house_counts_csv(path: Path, *, by: str = "code") -> Path:
    """Registered houses per village, keyed by DOPA code (``by="code"``) or by หมู่ที่
    (``by="moo"``); one row names a village the subdistrict does not have (หมู่ 9)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        if by == "code":
            writer.writerow(["รหัสหมู่บ้าน", "ชื่อหมู่บ้าน", "จำนวนบ้าน"])
            for number, name, _centre, houses in VILLAGES:
                writer.writerow([f"570101{number:02d}", name, houses])
            writer.writerow(["57010109", "บ้านไม่มีในตำบล", 50])
        else:
            writer.writerow(["หมู่ที่", "ชื่อหมู่บ้าน", "บ้าน"])
            for number, name, _centre, houses in VILLAGES:
                writer.writerow([number, name, houses + 1])
            writer.writerow([9, "บ้านไม่มีในตำบล", 50])
    return path


@dataclass(frozen=True)
class OsmNode:
    id: int
    lon: float
    lat: float
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OsmWay:
    id: int
    nodes: Sequence[int]
    tags: dict[str, str] = field(default_factory=dict)


def write_osm_pbf(path: Path, nodes: Iterable[OsmNode], ways: Iterable[OsmWay] = ()) -> Path:
    """Write an ``.osm.pbf`` with the given nodes and ways (nodes first, as OSM files are).

    Every node a way refers to must be among ``nodes``. Ids must be unique per kind and
    increasing in each list, as in real extracts (readers rely on the order).
    """
    import osmium
    from osmium.osm.mutable import Node, Way

    if path.exists():
        path.unlink()  # pyosmium refuses to overwrite
    writer = osmium.SimpleWriter(str(path))
    try:
        for node in nodes:
            writer.add_node(
                Node(id=node.id, location=(node.lon, node.lat), tags=node.tags, version=1)
            )
        for way in ways:
            writer.add_way(Way(id=way.id, nodes=list(way.nodes), tags=way.tags, version=1))
    finally:
        writer.close()
    return path


def village_nodes(*, first_id: int = 1) -> list[OsmNode]:
    """``place=village|hamlet`` nodes of tambon 570101 as OpenStreetMap maps them.

    Villages 1–3 carry their number (``moo``, ``addr:village_number`` or "หมู่ที่ N" in the
    name); 4 and 5 carry none; one hamlet lies in the neighbouring tambon; one node is a school.
    """
    number_tags: list[dict[str, str]] = [
        {"moo": "1"},
        {"addr:village_number": "2"},
        {},  # the number is in the name
        {},
        {},
    ]
    nodes = []
    for i, ((number, name, (lon, lat), _houses), extra) in enumerate(
        zip(VILLAGES, number_tags, strict=True)
    ):
        thai = f"หมู่ที่ {number} {name}" if number == 3 else name
        tags = {
            "place": "village" if number != 5 else "hamlet",
            "name": f"Ban {i}",
            "name:th": thai,
        }
        nodes.append(OsmNode(first_id + i, lon, lat, {**tags, **extra}))
    nodes.append(OsmNode(first_id + 5, 99.860, 19.895, {"place": "hamlet", "name": "Ban Out"}))
    nodes.append(OsmNode(first_id + 6, 99.820, 19.899, {"amenity": "school", "name": "รร."}))
    return nodes


def make_place_files(folder: Path) -> PlaceFiles:
    """Write every file into ``folder`` (created if needed) and say what they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    files = PlaceFiles(
        folder=folder,
        boundaries_shp=folder / "tha_admbnda_adm3_sample.shp",
        centres_csv=folder / "village_centres.csv",
        house_counts_csv=folder / "house_counts.csv",
        house_counts_by_moo_csv=folder / "house_counts_moo.csv",
        villages_pbf=folder / "villages.osm.pbf",
    )
    write_tambon_shapefile(files.boundaries_shp)
    write_centres_csv(files.centres_csv)
    write_house_counts_csv(files.house_counts_csv, by="code")
    write_house_counts_csv(files.house_counts_by_moo_csv, by="moo")
    write_osm_pbf(files.villages_pbf, village_nodes())
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "real_formats")
    written = make_place_files(target)
    print("\n".join(str(p) for p in sorted(target.iterdir())))
