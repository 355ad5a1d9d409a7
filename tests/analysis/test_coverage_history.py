"""Coverage through time: a hand-made history with answers worked out by hand.

Layout (metres east of the origin, all on one line): households H0 at 0, H1 at 1000,
H2 at 2000. Reach is 200 m walking / 1.3 detour = 154 m straight, so a bin 50 m from a
household covers it and nothing else. Bins (general, 240 L unless said):

- A at 50: created usable 5 Oct 2026, found damaged 10 Nov, repaired 3 Dec (that
  inspection left size, stream and position empty: they carry over).
- B: installed 20 Oct 2026 (``installed_on``), first inspected 15 Jan 2027 usable at 1050.
- C at 2050: created usable 1 Oct 2026, moved to 30 on 10 Jan 2027, missing 20 Feb 2027.
- D at 1950: recyclable, 660 L, created overflowing 2 Nov 2026.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from bench.history_synthetic import make_history
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.coverage_series import coverage_series, series_rows, series_totals
from fieldsvc.analysis.history import (
    bins_as_of,
    bins_at_dates,
    day_end_instants,
)
from fieldsvc.thai import THAI_TZ, fiscal_month_ends
from tests.analysis.conftest import points_4326

X_OF = {"A": 50.0, "B": 1050.0, "C": 2050.0, "D": 1950.0}
BIN_ID = {"A": 1, "B": 2, "C": 3, "D": 4}


def _lonlat(x: float) -> tuple[float, float]:
    point = points_4326([(x, 0.0)])[0]
    return point.x, point.y


def _inspection(code: str, when: str, condition: str, x: float | None, **extra: object) -> dict:
    lon, lat = _lonlat(x) if x is not None else (None, None)
    row = {
        "bin_id": BIN_ID[code],
        "observed_at": pd.Timestamp(when).tz_localize("Asia/Bangkok").tz_convert("UTC"),
        "condition": condition,
        "capacity_l": extra.get("capacity_l", 240.0 if x is not None else None),
        "stream": extra.get("stream", "general" if x is not None else None),
        "lon": lon,
        "lat": lat,
    }
    return row


@pytest.fixture
def history() -> pd.DataFrame:
    rows = [
        _inspection("C", "2026-10-01 09:00", "usable", 2050),
        _inspection("A", "2026-10-05 10:00", "usable", 50),
        _inspection(
            "D", "2026-11-02 10:00", "overflowing", 1950, capacity_l=660.0, stream="recyclable"
        ),
        _inspection("A", "2026-11-10 10:00", "damaged", 50),
        _inspection("A", "2026-12-03 10:00", "usable", None),
        _inspection("C", "2027-01-10 10:00", "usable", 30),
        _inspection("B", "2027-01-15 10:00", "usable", 1050),
        _inspection("C", "2027-02-20 10:00", "missing", 30),
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def register() -> gpd.GeoDataFrame:
    """The register today: each bin in the state of its latest inspection."""
    return gpd.GeoDataFrame(
        {
            "bin_id": [1, 2, 3, 4],
            "code": ["A", "B", "C", "D"],
            "village_id": [1, 1, 1, 1],
            "capacity_l": [240.0, 240.0, 240.0, 660.0],
            "stream": ["general", "general", "general", "recyclable"],
            "condition": ["usable", "usable", "missing", "overflowing"],
            "installed_on": [None, date(2026, 10, 20), None, None],
        },
        geometry=points_4326([(50, 0), (1050, 0), (30, 0), (1950, 0)]),
        crs=4326,
    )


@pytest.fixture
def village() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "village_id": [1],
            "number": [1],
            "name": ["บ้านทดสอบ"],
            "households": pd.array([None], dtype="Int64"),
            "population": pd.array([None], dtype="Float64"),
            "collection_interval_days": pd.array([None], dtype="Float64"),
        }
    )


@pytest.fixture
def households() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"household_id": ["H0", "H1", "H2"], "village_id": [1, 1, 1], "persons": [3.0] * 3},
        geometry=points_4326([(0, 0), (1000, 0), (2000, 0)]),
        crs=4326,
    )


def _state(frame: gpd.GeoDataFrame) -> dict[str, tuple[str, float, float]]:
    """code → (condition, capacity, metres east of the origin)."""
    metres = frame.to_crs("EPSG:32647").geometry.x - 660_000.0
    return {
        code: (cond, cap, round(float(x)))
        for code, cond, cap, x in zip(
            frame["code"], frame["condition"], frame["capacity_l"], metres, strict=True
        )
    }


# (day, {code: (condition, capacity, x)}, covered households of H0 H1 H2)
KNOWN = [
    (date(2026, 9, 30), {}, 0),
    (date(2026, 10, 3), {"C": ("usable", 240.0, 2050)}, 1),
    (
        date(2026, 10, 31),
        {"A": ("usable", 240.0, 50), "B": ("usable", 240.0, 1050), "C": ("usable", 240.0, 2050)},
        3,
    ),
    (
        date(2026, 11, 30),
        {
            "A": ("damaged", 240.0, 50),
            "B": ("usable", 240.0, 1050),
            "C": ("usable", 240.0, 2050),
            "D": ("overflowing", 660.0, 1950),
        },
        2,
    ),
    (
        date(2026, 12, 31),
        {
            "A": ("usable", 240.0, 50),
            "B": ("usable", 240.0, 1050),
            "C": ("usable", 240.0, 2050),
            "D": ("overflowing", 660.0, 1950),
        },
        3,
    ),
    (
        date(2027, 1, 31),
        {
            "A": ("usable", 240.0, 50),
            "B": ("usable", 240.0, 1050),
            "C": ("usable", 240.0, 30),
            "D": ("overflowing", 660.0, 1950),
        },
        2,
    ),
    (
        date(2027, 2, 28),
        {
            "A": ("usable", 240.0, 50),
            "B": ("usable", 240.0, 1050),
            "C": ("missing", 240.0, 30),
            "D": ("overflowing", 660.0, 1950),
        },
        2,
    ),
]


@pytest.mark.parametrize(("day", "expected", "_covered"), KNOWN)
def test_bins_as_of_rebuilds_each_bins_state_on_the_day(
    register: gpd.GeoDataFrame, history: pd.DataFrame, day: date, expected: dict, _covered: int
) -> None:
    assert _state(bins_as_of(register, history, day, tz=THAI_TZ)) == expected


@pytest.mark.parametrize(("day", "expected", "covered"), KNOWN)
def test_coverage_as_of_counts_households_within_reach_on_the_day(
    village: pd.DataFrame,
    register: gpd.GeoDataFrame,
    history: pd.DataFrame,
    households: gpd.GeoDataFrame,
    day: date,
    expected: dict,
    covered: int,
) -> None:
    state = bins_as_of(register, history, day, tz=THAI_TZ)
    result = coverage_by_village(village, state, households, streams=["general"])
    row = result.by_village.iloc[0]
    assert row["households_covered"] == covered
    assert row["covered_share"] == pytest.approx(covered / 3)
    general = [v for k, v in expected.items() if k != "D"]
    assert row["bins_total"] == len(general)
    assert row["bins_usable"] == sum(c == "usable" for c, _, _ in general)
    assert row["bins_damaged"] == sum(c == "damaged" for c, _, _ in general)
    assert row["bins_missing"] == sum(c == "missing" for c, _, _ in general)


def test_the_day_ends_at_midnight_thai_time(register: gpd.GeoDataFrame) -> None:
    late = pd.DataFrame(
        [
            _inspection("A", "2026-10-31 23:59", "usable", 50),
            _inspection("B", "2026-11-01 00:01", "usable", 1050),
        ]
    )
    # B is counted from its installation date (20 Oct), not from the inspection after midnight
    assert list(bins_as_of(register, late, date(2026, 10, 31), tz=THAI_TZ)["code"]) == ["A", "B"]
    no_install = register.assign(installed_on=None)
    assert list(bins_as_of(no_install, late, date(2026, 10, 31), tz=THAI_TZ)["code"]) == ["A"]
    assert list(bins_at_dates(no_install, late, [date(2026, 10, 31)], tz=THAI_TZ)["code"]) == ["A"]
    ends = day_end_instants([date(2026, 10, 31)], tz=THAI_TZ)
    assert ends[0] == pd.Timestamp("2026-10-31T17:00Z")


def test_fiscal_month_ends_run_october_to_september() -> None:
    ends = fiscal_month_ends(2570)
    assert ends[0] == date(2026, 10, 31)
    assert ends[4] == date(2027, 2, 28)
    assert ends[-1] == date(2027, 9, 30)
    assert len(ends) == 12
    assert fiscal_month_ends(2571)[4] == date(2028, 2, 29)  # leap year


def test_one_pass_register_equals_the_day_by_day_rebuild(
    register: gpd.GeoDataFrame, history: pd.DataFrame
) -> None:
    days = [d for d, _, _ in KNOWN] + fiscal_month_ends(2570)
    one_pass = bins_at_dates(register, history, days, tz=THAI_TZ)
    for day in days:
        mine = one_pass[one_pass["as_of"] == day].drop(columns="as_of").reset_index(drop=True)
        assert _state(mine) == _state(bins_as_of(register, history, day, tz=THAI_TZ))


def test_monthly_series_equals_running_the_as_of_function_month_by_month(
    village: pd.DataFrame,
    register: gpd.GeoDataFrame,
    history: pd.DataFrame,
    households: gpd.GeoDataFrame,
) -> None:
    days = fiscal_month_ends(2570)
    series = coverage_series(village, register, history, households, days, tz=THAI_TZ)
    expected = pd.concat(
        [
            series_rows(
                day,
                coverage_by_village(
                    village,
                    bins_as_of(register, history, day, tz=THAI_TZ),
                    households,
                    streams=["general", "recyclable"],
                ).by_village,
            )
            for day in days
        ],
        ignore_index=True,
    )
    assert_frame_equal(series, expected)
    general = series[series["stream"] == "general"].set_index("as_of")
    assert general.loc[date(2026, 11, 30), "households_covered"] == 2
    assert general.loc[date(2026, 12, 31), "households_covered"] == 3
    assert general.loc[date(2027, 9, 30), "usable_bin_share"] == pytest.approx(2 / 3)
    totals = series_totals(series).set_index(["as_of", "stream"])
    assert totals.loc[(date(2027, 1, 31), "general"), "covered_share"] == pytest.approx(2 / 3)


def test_seeded_synthetic_history_one_pass_equals_the_reference() -> None:
    """The benchmark's generator at a small size: nulls, ties, moves, installs and deletions."""
    villages, bins, inspections, households = make_history(
        n_bins=400, n_inspections=6000, n_villages=8, n_households=800, seed=7
    )
    days = fiscal_month_ends(2570)
    one_pass = bins_at_dates(bins, inspections, days, tz=THAI_TZ)
    for day in days[::3]:
        mine = one_pass[one_pass["as_of"] == day].drop(columns="as_of").reset_index(drop=True)
        reference = bins_as_of(bins, inspections, day, tz=THAI_TZ)
        assert_frame_equal(pd.DataFrame(mine), pd.DataFrame(reference), check_like=False)
    counts = one_pass.groupby("as_of").size()
    assert counts.is_monotonic_increasing  # bins only appear in this history
    assert np.all(counts.to_numpy() > 0)


def test_months_before_any_bin_report_no_bins_and_no_coverage(
    village: pd.DataFrame,
    register: gpd.GeoDataFrame,
    history: pd.DataFrame,
    households: gpd.GeoDataFrame,
) -> None:
    days = fiscal_month_ends(2569)  # Oct 2025 – Sep 2026: before the first bin
    series = coverage_series(village, register, history, households, days, tz=THAI_TZ)
    general = series[series["stream"] == "general"]
    assert len(general) == 12
    assert (general["bins_total"] == 0).all()
    assert (general["households_covered"] == 0).all()
    assert general["usable_bin_share"].isna().all()


def test_bins_with_no_history_yet_stand_as_registered(
    register: gpd.GeoDataFrame, history: pd.DataFrame
) -> None:
    """A register loaded in bulk (an inventory, a national register) may hold bins with no
    inspection yet: each stands from its installation day as the register has it (a bin with
    neither an inspection nor an installation day is not known to have stood then)."""
    empty = history.iloc[0:0]
    days = fiscal_month_ends(2570)
    one_pass = bins_at_dates(register, empty, days, tz=THAI_TZ)
    for day in days:
        mine = one_pass[one_pass["as_of"] == day].drop(columns="as_of").reset_index(drop=True)
        reference = bins_as_of(register, empty, day, tz=THAI_TZ)
        assert_frame_equal(pd.DataFrame(mine), pd.DataFrame(reference))
    last = one_pass[one_pass["as_of"] == days[-1]]
    assert last["code"].tolist() == ["B"]  # the one bin with an installation day
    assert last["condition"].tolist() == ["usable"]
