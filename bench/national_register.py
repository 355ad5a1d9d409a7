"""A SYNTHETIC national register, seeded: subdistricts with villages, households and bins.

Full scale (``scale=1``) is the national picture of DOMAIN.md: 7,850 subdistricts, ~75,000
villages, ~25 M households and ~750,000 bins. ``scale`` shrinks the number of subdistricts and
keeps each one realistic (≈ 9.6 villages, ≈ 3,185 households, ≈ 96 bins on average), so 1 %
is 78 subdistricts of the same make. Subdistrict ``i`` is built from its own random stream
(``seed``, ``i``), so building a few of them alone (``only``) gives exactly the same rows as
they have in the whole register — what the tests compare a single-subdistrict install with.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np
from shapely.geometry import MultiPolygon, box
from sqlalchemy import Connection, Engine, func, insert, select
from sqlmodel import col

from fieldsvc.models import Bin, Household, Subdistrict, Village

FULL_SUBDISTRICTS = 7_850
VILLAGES_PER_SUBDISTRICT = 75_000 / FULL_SUBDISTRICTS
HOUSEHOLDS_PER_SUBDISTRICT = 25_000_000 / FULL_SUBDISTRICTS
BINS_PER_SUBDISTRICT = 750_000 / FULL_SUBDISTRICTS

STREAMS = ("general", "organic", "recyclable", "hazardous")
STREAM_P = (0.7, 0.15, 0.1, 0.05)
CONDITIONS = ("usable", "damaged", "missing", "overflowing")
CONDITION_P = (0.75, 0.1, 0.05, 0.1)
SIZES_L = (120, 200, 240, 660)

KM_LON = 1 / 107.5  # degrees per km near 15° N
KM_LAT = 1 / 110.6
SIDE_KM = 6.0  # a subdistrict is a 6 km square divided in 4 × 4 village cells
CELLS = 4


@dataclass(frozen=True)
class RegisterCounts:
    subdistricts: int
    villages: int
    households: int
    bins: int


def subdistrict_code(i: int) -> str:
    """A DOPA-style 6-digit code (province, district, subdistrict), unique for i < 9,000."""
    return f"{i // 100 + 10:02d}{(i // 10) % 10 + 1:02d}{i % 10 + 1:02d}"


def subdistrict_origin(i: int, total: int) -> tuple[float, float]:
    """South-west corner: a grid over 98.5–105.5° E, 6–20° N (both UTM zones, 47N and 48N)."""
    columns = max(1, math.ceil(math.sqrt(total)))
    row, column = divmod(i, columns)
    lon = 98.5 + 7.0 * (column + 0.5) / columns
    lat = 6.0 + 14.0 * (row + 0.5) / max(1, math.ceil(total / columns))
    return lon, lat


def build_national_register(
    engine: Engine,
    *,
    scale: float | None = None,
    subdistricts: int | None = None,
    seed: int = 2570,
    only: Collection[int] | None = None,
    size: float = 1.0,
) -> RegisterCounts:
    """Write the synthetic register into ``engine`` (migrated, empty of these rows).

    Give ``scale`` (1.0 = national) or a number of ``subdistricts``; ``only`` builds just
    those subdistrict indexes (placed and seeded as in the whole register). ``size`` scales
    the households and bins of each subdistrict (tests use small ones).
    """
    total = subdistricts if subdistricts is not None else round(FULL_SUBDISTRICTS * (scale or 1))
    counts = [0, 0, 0, 0]
    wanted = range(total) if only is None else sorted(only)
    with engine.begin() as connection:
        for chunk in _chunks(list(wanted), 50):
            _write_subdistricts(connection, chunk, total, seed, counts, size)
    return RegisterCounts(*counts)


def register_counts(engine: Engine) -> RegisterCounts:
    """The counts of a register built earlier (subdistricts, villages, households, bins)."""
    with engine.connect() as connection:
        return RegisterCounts(
            *(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (Subdistrict, Village, Household, Bin)
            )
        )


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_subdistricts(
    conn: Connection,
    indexes: list[int],
    total: int,
    seed: int,
    counts: list[int],
    size: float,
) -> None:
    village_rows: list[dict[str, object]] = []
    plans: list[tuple[int, np.random.Generator, np.ndarray, int]] = []
    for i in indexes:
        rng = np.random.default_rng([seed, i])
        lon0, lat0 = subdistrict_origin(i, total)
        outline = box(lon0, lat0, lon0 + SIDE_KM * KM_LON, lat0 + SIDE_KM * KM_LAT)
        (sid,) = conn.execute(
            insert(Subdistrict).returning(col(Subdistrict.id)),
            {
                "code": subdistrict_code(i),
                "name": f"ตำบลสังเคราะห์ {i + 1}",
                "name_en": f"Synthetic {i + 1}",
                "district": f"อำเภอ {i // 10 + 1}",
                "province": f"จังหวัด {i // 100 + 1}",
                "boundary": MultiPolygon([outline]),
            },
        ).one()
        n_villages = int(rng.integers(6, 14))
        cells = rng.choice(CELLS * CELLS, size=n_villages, replace=False)
        with_polygon = rng.random(n_villages) < 0.7
        interval = np.where(rng.random(n_villages) < 0.2, 7.0, np.nan)
        centres = np.empty((n_villages, 2))
        cell_km = SIDE_KM / CELLS
        for v, cell in enumerate(cells):
            cy, cx = divmod(int(cell), CELLS)
            west, south = lon0 + cx * cell_km * KM_LON, lat0 + cy * cell_km * KM_LAT
            centres[v] = (west + cell_km * KM_LON / 2, south + cell_km * KM_LAT / 2)
            polygon = box(west, south, west + cell_km * KM_LON, south + cell_km * KM_LAT)
            village_rows.append(
                {
                    "subdistrict_id": sid,
                    "number": v + 1,
                    "name": f"บ้านสังเคราะห์ {v + 1}",
                    "code": f"{subdistrict_code(i)}{v + 1:02d}",
                    "collection_interval_days": None if np.isnan(interval[v]) else 7.0,
                    "boundary": MultiPolygon([polygon]) if with_polygon[v] else None,
                    "boundary_source": "imported" if with_polygon[v] else None,
                }
            )
        plans.append((i, rng, centres, n_villages))
    ids = (
        conn.execute(
            insert(Village).returning(col(Village.id), sort_by_parameter_order=True),
            village_rows,
        )
        .scalars()
        .all()
    )
    households: list[dict[str, object]] = []
    bins: list[dict[str, object]] = []
    at = 0
    for i, rng, centres, n_villages in plans:
        village_ids = ids[at : at + n_villages]
        at += n_villages
        code = subdistrict_code(i)
        mean_h = HOUSEHOLDS_PER_SUBDISTRICT * size
        n_h = int(rng.integers(int(mean_h * 0.5), int(mean_h * 1.5) + 1))
        hv = rng.integers(0, n_villages, n_h)
        h_lon = centres[hv, 0] + rng.normal(0, 0.3, n_h) * KM_LON
        h_lat = centres[hv, 1] + rng.normal(0, 0.3, n_h) * KM_LAT
        persons = rng.integers(1, 7, n_h)
        households.extend(
            {
                "ref": f"{code}-H{k:05d}",
                "village_id": village_ids[hv[k]],
                "lon": float(h_lon[k]),
                "lat": float(h_lat[k]),
                "persons": float(persons[k]),
                "source": "survey",
                "weight": 1.0,
            }
            for k in range(n_h)
        )
        mean_b = BINS_PER_SUBDISTRICT * size
        n_b = int(rng.integers(int(mean_b * 0.5), int(mean_b * 1.5) + 1))
        bv = rng.integers(0, n_villages, n_b)
        b_lon = centres[bv, 0] + rng.normal(0, 0.25, n_b) * KM_LON
        b_lat = centres[bv, 1] + rng.normal(0, 0.25, n_b) * KM_LAT
        stream = rng.choice(len(STREAMS), n_b, p=STREAM_P)
        condition = rng.choice(len(CONDITIONS), n_b, p=CONDITION_P)
        bin_size = rng.choice(len(SIZES_L), n_b)
        bins.extend(
            {
                "code": f"{code}-B{k:04d}",
                "village_id": village_ids[bv[k]],
                "lon": float(b_lon[k]),
                "lat": float(b_lat[k]),
                "capacity_l": SIZES_L[bin_size[k]],
                "stream": STREAMS[stream[k]],
                "condition": CONDITIONS[condition[k]],
                "entity_id": f"00000000-0000-4000-8000-{i:06d}{k:06d}",
            }
            for k in range(n_b)
        )
        counts[0] += 1
        counts[1] += n_villages
        counts[2] += n_h
        counts[3] += n_b
    if households:
        conn.execute(insert(Household), households)
    if bins:
        conn.execute(insert(Bin), bins)
