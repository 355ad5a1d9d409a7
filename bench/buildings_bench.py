"""Household demand from 1,000,000 Google Open Buildings rows: filter, assign, weight.

The engine (``fieldsvc.ingest.buildings.read_buildings`` +
``fieldsvc.analysis.households.building_demand``: the needed columns only, the point from
``latitude``/``longitude``, vectorised filters, containment tested per village on an x-sorted
strip) against the plain GeoPandas pipeline on the same file: ``pandas.read_csv`` of every
column + ``shapely.from_wkt`` of the polygons + filters + ``geopandas.sjoin`` of the
footprints' centroids with the villages + ``groupby`` weights. Each runs in its own process,
so its wall time and peak RSS (``resource.getrusage`` of that process, interpreter and
imports included) are its own; the results are checked against each other.

The CSV is **synthetic** (seeded, made by this script into a temporary folder, ~250 MB):
200 irregular villages (Voronoi cells of a 0.4° box around 102.5° E, 15° N), buildings
clustered around village centres with log-normal areas and confidences 0.55–1.0, a few
rows outside every village; 80 % of villages have a registered house count.

Run: ``.venv/bin/python -m bench.buildings_bench [--rows 1000000] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

N_VILLAGES = 200
BOX = (102.3, 14.8, 102.7, 15.2)
M_PER_DEG = 111_320.0
ALPHABET = np.array(list("23456789CFGHJMPQRVWX"))
#: The engine's defaults (``fieldsvc.analysis.defaults``), used by the baseline too.
MIN_AREA, MAX_AREA, MIN_CONFIDENCE = 20.0, 1000.0, 0.70


def _plus_codes(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Full 10-digit plus codes, vectorised (for realistic file contents only)."""
    la, lo = lat + 90.0, lon + 180.0
    parts = []
    resolution = 20.0
    for _ in range(5):
        dl, dn = (la // resolution).astype(int), (lo // resolution).astype(int)
        parts += [ALPHABET[dl], ALPHABET[dn]]
        la, lo, resolution = la - dl * resolution, lo - dn * resolution, resolution / 20
    head = parts[0]
    for p in parts[1:8]:
        head = np.char.add(head, p)
    tail = np.char.add(parts[8], parts[9])
    return np.char.add(np.char.add(head, "+"), tail)


def make_files(folder: Path, rows: int, seed: int = 2569) -> tuple[Path, Path]:
    """Write ``villages.gpkg`` and ``open_buildings.csv`` (synthetic) into ``folder``."""
    rng = np.random.default_rng(seed)
    centres = np.column_stack(
        [rng.uniform(BOX[0], BOX[2], N_VILLAGES), rng.uniform(BOX[1], BOX[3], N_VILLAGES)]
    )
    cells = shapely.voronoi_polygons(shapely.multipoints(centres), extend_to=box(*BOX))
    polygons = [shapely.intersection(c, box(*BOX)) for c in shapely.get_parts(cells)]
    registered = rng.integers(200, 8000, N_VILLAGES).astype(float)
    registered[rng.random(N_VILLAGES) < 0.2] = np.nan
    villages = gpd.GeoDataFrame(
        {
            "village_id": np.arange(1, N_VILLAGES + 1),
            "number": np.arange(1, N_VILLAGES + 1),
            "households": pd.array(
                [None if np.isnan(r) else int(r) for r in registered], dtype="Int64"
            ),
        },
        geometry=polygons,
        crs=4326,
    )
    villages_path = folder / "villages.gpkg"
    villages.to_file(villages_path, driver="GPKG")

    which = rng.integers(0, N_VILLAGES, rows)
    spread = rng.normal(0, 0.006, (rows, 2))
    lon = centres[which, 0] + spread[:, 0]
    lat = centres[which, 1] + spread[:, 1]
    outside = rng.random(rows) < 0.02
    lon[outside] = BOX[2] + rng.uniform(0.01, 0.05, int(outside.sum()))
    area = np.exp(rng.normal(np.log(70), 0.8, rows))
    confidence = rng.uniform(0.55, 1.0, rows)
    side_m = np.sqrt(area)
    hx = side_m / 2 / (M_PER_DEG * np.cos(np.radians(lat)))
    hy = side_m / 2 / M_PER_DEG

    def xy(x: np.ndarray, y: np.ndarray) -> pd.Series:
        return pd.Series(np.char.mod("%.7f", x)) + " " + pd.Series(np.char.mod("%.7f", y))

    first = xy(lon - hx, lat - hy)
    wkt = (
        "POLYGON (("
        + first + ", " + xy(lon + hx, lat - hy) + ", " + xy(lon + hx, lat + hy) + ", "
        + xy(lon - hx, lat + hy) + ", " + first + "))"
    )  # fmt: skip
    frame = pd.DataFrame(
        {
            "latitude": np.round(lat, 7),
            "longitude": np.round(lon, 7),
            "area_in_meters": np.round(area, 4),
            "confidence": np.round(confidence, 4),
            "geometry": wkt,
            "full_plus_code": _plus_codes(lat, lon),
        }
    )
    csv_path = folder / "open_buildings.csv"
    frame.to_csv(csv_path, index=False)
    return villages_path, csv_path


def run_engine(villages_path: Path, csv_path: Path) -> dict[str, float]:
    from fieldsvc.analysis.households import building_demand
    from fieldsvc.ingest.buildings import read_buildings

    villages = gpd.read_file(villages_path)
    footprints = read_buildings(csv_path).frame
    demand = building_demand(footprints, villages)
    totals = demand.households.groupby("village_id")["weight"].agg(["size", "sum"])
    return {"kept": float(len(demand.households)), **_totals(totals)}


def run_baseline(villages_path: Path, csv_path: Path) -> dict[str, float]:
    villages = gpd.read_file(villages_path)
    frame = pd.read_csv(csv_path)
    polygons = gpd.GeoDataFrame(
        frame.drop(columns="geometry"), geometry=shapely.from_wkt(frame["geometry"]), crs=4326
    )
    keep = (
        (polygons["confidence"] >= MIN_CONFIDENCE)
        & (polygons["area_in_meters"] >= MIN_AREA)
        & (polygons["area_in_meters"] <= MAX_AREA)
    )
    points = polygons[keep].copy()
    points["geometry"] = points.geometry.centroid
    joined = gpd.sjoin(points, villages[["village_id", "households", "geometry"]], "inner")
    joined = joined[~joined.index.duplicated()]
    counts = joined.groupby("village_id").size().rename("n")
    joined = joined.join(counts, on="village_id")
    registered = pd.to_numeric(joined["households"], errors="coerce")
    joined["weight"] = (registered / joined["n"]).fillna(1.0)
    totals = joined.groupby("village_id")["weight"].agg(["size", "sum"])
    return {"kept": float(len(joined)), **_totals(totals)}


def _totals(totals: pd.DataFrame) -> dict[str, float]:
    return {
        "villages": float(len(totals)),
        "weight_sum": float(totals["sum"].sum()),
        **{f"n_{int(v)}": float(n) for v, n in totals["size"].items()},
    }


def _child(kind: str, villages_path: Path, csv_path: Path) -> None:
    start = time.perf_counter()
    result = (run_engine if kind == "engine" else run_baseline)(villages_path, csv_path)
    result["wall_s"] = time.perf_counter() - start
    result["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps(result))


def _measure(kind: str, villages_path: Path, csv_path: Path) -> dict[str, float]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bench.buildings_bench", "--child", kind,
         str(villages_path), str(csv_path)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - start
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "VILLAGES", "CSV"))
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    with tempfile.TemporaryDirectory(prefix="fieldsvc-buildings-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        villages_path, csv_path = make_files(folder, args.rows)
        size_mb = csv_path.stat().st_size / 1024**2
        print(
            f"synthetic Open Buildings CSV: {args.rows:,} rows, {size_mb:,.0f} MB, "
            f"{N_VILLAGES} villages (made in {time.perf_counter() - start:.1f} s)",
            flush=True,
        )
        engine = _measure("engine", villages_path, csv_path)
        baseline = _measure("baseline", villages_path, csv_path)
    print(f"{'':28}{'engine':>12}{'baseline':>12}{'ratio':>10}")
    for key, label in (
        ("wall_s", "wall time, s"),
        ("process_s", "process incl. start-up, s"),
        ("peak_rss_gb", "peak RSS, GB"),
    ):
        ratio = baseline[key] / engine[key] if engine[key] else float("nan")
        print(f"{label:28}{engine[key]:>12.2f}{baseline[key]:>12.2f}{ratio:>9.1f}×")
    print(f"{'buildings kept':28}{engine['kept']:>12,.0f}{baseline['kept']:>12,.0f}")
    print(f"{'households (sum of weights)':28}{engine['weight_sum']:>12,.1f}"
          f"{baseline['weight_sum']:>12,.1f}")  # fmt: skip
    per_village = [k for k in engine if k.startswith("n_")]
    differ = sum(engine[k] != baseline.get(k) for k in per_village)
    print(
        f"villages whose building count differs: {differ} of {len(per_village)} "
        "(the engine takes the file's latitude/longitude, the baseline the polygon centroid)"
    )
    print(
        f"targets: < 60 s → {'met' if engine['wall_s'] < 60 else 'NOT met'}; "
        f"< 4 GB → {'met' if engine['peak_rss_gb'] < 4 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
