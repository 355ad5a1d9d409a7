"""Coverage for 1,000,000 households, 100,000 bins, 10,000 villages.

Compares :func:`fieldsvc.analysis.coverage.coverage_by_village` with the straightforward
GeoPandas pipeline (``to_crs`` + ``sjoin(predicate="dwithin")`` for coverage +
``sjoin_nearest`` for distances + ``groupby``) on the same data. The baseline runs on a
sample of villages by default and is scaled linearly to the full size (printed as such);
``--baseline-full`` runs it on everything.

Run: ``.venv/bin/python -m bench.coverage_bench [--baseline-full] [--sample 0.1]``
"""

from __future__ import annotations

import argparse
import resource
import time

import geopandas as gpd
import numpy as np
import pandas as pd

from bench.synthetic import make_inputs
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.crs import choose_metric_crs

RADIUS_M, DETOUR = 200.0, 1.3


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def geopandas_baseline(
    villages: pd.DataFrame, bins: gpd.GeoDataFrame, households: gpd.GeoDataFrame
) -> pd.DataFrame:
    """The pipeline one writes first with GeoPandas: per stream, covered and nearest."""
    crs = choose_metric_crs([bins, households])
    hh = households.to_crs(crs)
    bn = bins.to_crs(crs)
    reach = RADIUS_M / DETOUR
    out = []
    for stream in ["general", "organic", "recyclable", "hazardous"]:
        serving = bn[(bn.stream == stream) & bn.condition.isin(["usable", "overflowing"])]
        near = gpd.sjoin_nearest(hh, serving[["geometry"]], distance_col="d")
        near = near[~near.index.duplicated()]  # ties give several rows per household
        within = gpd.sjoin(hh, serving[["geometry"]], predicate="dwithin", distance=reach)
        covered = hh.index.isin(within.index)
        frame = pd.DataFrame(
            {"village_id": hh.village_id, "covered": covered, "d": near["d"] * DETOUR}
        )
        stats = frame.groupby("village_id").agg(
            households=("covered", "size"),
            households_covered=("covered", "sum"),
            median_distance_m=("d", "median"),
            p90_distance_m=("d", lambda s: s.quantile(0.9)),
        )
        caps = bn[bn.stream == stream].groupby(["village_id", "condition"]).size().unstack()
        out.append(stats.join(caps).assign(stream=stream))
    return pd.concat(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--bins", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=10_000)
    parser.add_argument("--sample", type=float, default=0.1, help="baseline village share")
    parser.add_argument("--baseline-full", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    villages, bins, households = make_inputs(args.villages, args.households, args.bins)
    gen_s = time.perf_counter() - t0
    print(
        f"data: {len(households):,} households, {len(bins):,} bins, {len(villages):,} "
        f"villages generated in {gen_s:.1f} s (peak RSS so far {peak_rss_gb():.2f} GB)"
    )

    t0 = time.perf_counter()
    result = coverage_by_village(
        villages, bins, households, radius_m=RADIUS_M, detour_factor=DETOUR
    )
    engine_s = time.perf_counter() - t0
    print(
        f"engine, full size: {engine_s:.2f} s (target < 10 s); peak RSS {peak_rss_gb():.2f} GB "
        "(target < 4 GB; whole process incl. data)"
    )
    general = result.by_stream.set_index("stream").loc["general", "covered_share"]
    print(
        f"  metric CRS {result.metric_crs.to_string()}; {len(result.by_village):,} "
        f"village x stream rows; {len(result.uncovered_clusters):,} uncovered clusters; "
        f"general coverage {general:.3f}"
    )

    if args.baseline_full:
        share, v_s, b_s, h_s = 1.0, villages, bins, households
    else:
        share = args.sample
        keep = villages.village_id[: int(len(villages) * share)]
        v_s = villages[villages.village_id.isin(keep)]
        b_s = bins[bins.village_id.isin(keep)]
        h_s = households[households.village_id.isin(keep)]
    t0 = time.perf_counter()
    sample_result = coverage_by_village(v_s, b_s, h_s, radius_m=RADIUS_M, detour_factor=DETOUR)
    engine_sample_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    baseline = geopandas_baseline(v_s, b_s, h_s)
    baseline_s = time.perf_counter() - t0

    # Same answer check: covered households per village and stream.
    ours = sample_result.by_village.set_index(["stream", "village_id"])["households_covered"]
    theirs = baseline.reset_index().set_index(["stream", "village_id"])["households_covered"]
    joined = pd.concat([ours, theirs], axis=1, keys=["ours", "gpd"]).dropna()
    same = np.array_equal(joined["ours"].to_numpy(), joined["gpd"].to_numpy())
    if share == 1.0:
        label = "full data"
    else:
        label = f"{share:.0%} sample of villages ({len(h_s):,} households)"
    print(f"on the {label}:")
    ratio = baseline_s / engine_sample_s
    print(
        f"  engine {engine_sample_s:.2f} s, GeoPandas sjoin+sjoin_nearest {baseline_s:.2f} s "
        f"-> ratio {ratio:.1f}x (target >= 3x); covered counts identical: {same}"
    )
    if share < 1.0:
        scaled = baseline_s / share
        print(
            f"  baseline scaled linearly to full size (NOT measured): ~{scaled:.1f} s "
            f"-> ~{scaled / engine_s:.1f}x the full engine run"
        )


if __name__ == "__main__":
    main()
