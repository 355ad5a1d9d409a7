"""Coverage as of the 12 month-ends of a fiscal year from the inspection history.

A seeded register of 100,000 bins with 2,000,000 inspections over two fiscal years (and
300,000 households in 2,000 villages). Two ways, measured in the same run:

- **one pass** (:func:`fieldsvc.analysis.coverage_series.coverage_series`): the history is
  sorted once and every month-end's register is found by binary search; the coverage engine
  then runs on each month's bins;
- **baseline**: each month from scratch — filter the history to the month-end, sort it, take
  every bin's latest observation (:func:`fieldsvc.analysis.history.bins_as_of`) and run the
  current engine as the coverage page does (uncovered clusters included).

Both must give the same series. Target: the 12 month-ends in < 30 s.

Run: ``.venv/bin/python -m bench.coverage_history_bench [--bins 100000 --inspections 2000000]``
"""

from __future__ import annotations

import argparse
import resource
import time

import pandas as pd

from bench.history_synthetic import make_history
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.coverage_series import coverage_series, series_rows
from fieldsvc.analysis.history import bins_as_of, bins_at_dates
from fieldsvc.thai import THAI_TZ, fiscal_month_ends

FISCAL_YEAR_BE = 2570
TARGET_S = 30.0


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bins", type=int, default=100_000)
    parser.add_argument("--inspections", type=int, default=2_000_000)
    parser.add_argument("--villages", type=int, default=2_000)
    parser.add_argument("--households", type=int, default=300_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    villages, bins, inspections, households = make_history(
        args.bins, args.inspections, args.villages, args.households
    )
    print(
        f"data: {len(bins):,} bins, {len(inspections):,} inspections, {len(households):,} "
        f"households, {len(villages):,} villages in {time.perf_counter() - t0:.1f} s "
        f"(peak RSS so far {peak_rss_gb():.2f} GB)"
    )
    days = fiscal_month_ends(FISCAL_YEAR_BE)
    streams = ["general", "organic", "recyclable", "hazardous"]

    t0 = time.perf_counter()
    bins_at_dates(bins, inspections, days, tz=THAI_TZ)
    states_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    series = coverage_series(
        villages, bins, inspections, households, days, tz=THAI_TZ, streams=streams
    )
    one_pass_s = time.perf_counter() - t0
    print(
        f"one pass: 12 month-ends in {one_pass_s:.2f} s (target < {TARGET_S:.0f} s; of which "
        f"the registers of all 12 days {states_s:.2f} s); peak RSS {peak_rss_gb():.2f} GB"
    )

    t0 = time.perf_counter()
    rebuild_s = 0.0
    frames = []
    for day in days:
        t1 = time.perf_counter()
        state = bins_as_of(bins, inspections, day, tz=THAI_TZ)
        rebuild_s += time.perf_counter() - t1
        result = coverage_by_village(villages, state, households, streams=streams)
        frames.append(series_rows(day, result.by_village))
    baseline_s = time.perf_counter() - t0
    baseline = pd.concat(frames, ignore_index=True)
    print(
        f"baseline, each month from scratch: {baseline_s:.2f} s (of which rebuilding the "
        f"register {rebuild_s:.2f} s); peak RSS {peak_rss_gb():.2f} GB"
    )
    same = series.equals(baseline)
    print(
        f"ratio baseline / one pass: {baseline_s / one_pass_s:.1f}x (register rebuild alone "
        f"{rebuild_s / states_s:.1f}x); same series: {same}"
    )
    general = series[series["stream"] == "general"].groupby("as_of")
    share = general["households_covered"].sum() / general["households_located"].sum()
    months = ", ".join(f"{d:%Y-%m} {s:.3f}" for d, s in share.items())
    print(f"general coverage by month-end: {months}")
    if not same:
        raise SystemExit("the one-pass series differs from the month-by-month baseline")


if __name__ == "__main__":
    main()
