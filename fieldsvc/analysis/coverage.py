"""Coverage and capacity of communal bins, per village and per waste stream.

A household is *covered* for a stream when a serving bin (condition ``usable`` or
``overflowing``) of that stream is within the service radius. Without a walking network
the walking distance is estimated as the straight-line distance × ``detour_factor``, so
the straight-line reach is ``radius_m / detour_factor``; all reported distances are these
estimated walking distances. With a :class:`~fieldsvc.analysis.network.WalkingGraph` the
network distance is used and the detour factor is ignored.

Households may be covered by a bin of a neighbouring village (people walk to the nearest
bin, whichever village owns it); capacity is counted in the village that owns the bin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from pyproj import CRS
from scipy.spatial import cKDTree

from fieldsvc.analysis.clusters import concat_clusters, household_clusters
from fieldsvc.analysis.crs import choose_metric_crs, point_xy, require_same_crs
from fieldsvc.analysis.defaults import DETOUR_FACTOR, SERVICE_RADIUS_M
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.households import demand_households, household_basis
from fieldsvc.analysis.inputs import (
    check_bins,
    check_households,
    check_villages,
    village_positions,
)
from fieldsvc.analysis.network import WalkingGraph, nearest_network_distance_m
from fieldsvc.analysis.sizing import (
    CONDITIONS,
    SERVING_CONDITIONS,
    STREAMS,
    SizingParameters,
    bin_capacity_kg,
    bins_needed,
    condition_capacity_factors,
    waste_kg_per_cycle,
)
from fieldsvc.analysis.stats import gini, grouped_quantiles

FloatArray = npt.NDArray[np.float64]

#: Default share of household waste that goes to each stream's bins. Only ``general`` is
#: known by default; streams without a share get an unknown (NaN) demand.
DEFAULT_STREAM_WASTE_SHARE: Mapping[str, float] = {"general": 1.0}


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Output of :func:`coverage_by_village`.

    Attributes
    ----------
    by_village
        One row per village × stream (see :func:`coverage_by_village` for columns).
    by_stream
        One row per stream: totals, Gini of village coverage, worst-served village.
    households
        One row per household × stream: ``household_id, village_id, stream,
        nearest_bin_id, distance_m`` (estimated walking metres) and ``covered``
        (nullable boolean; NA for households without a location).
    uncovered_clusters
        EPSG:4326 polygons grouping uncovered households (see ``cluster_link_m``).
    metric_crs
        The projected CRS the distances were measured in.
    distance_method
        ``"straight_line_x_detour"`` or ``"network"``.
    """

    by_village: pd.DataFrame
    by_stream: pd.DataFrame
    households: pd.DataFrame
    uncovered_clusters: gpd.GeoDataFrame
    metric_crs: CRS
    distance_method: str
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class _Prepared:
    """Inputs projected to metres and indexed by village position."""

    village_ids: pd.Index
    hh_village: npt.NDArray[np.intp]
    hh_xy: FloatArray
    hh_located: npt.NDArray[np.bool_]
    hh_persons: FloatArray
    hh_weight: FloatArray
    bin_village: npt.NDArray[np.intp]
    bin_xy: FloatArray
    bin_located: npt.NDArray[np.bool_]
    metric_crs: CRS


def _prepare(
    villages: pd.DataFrame,
    bins: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame | None,
    sizing: SizingParameters,
) -> _Prepared:
    check_villages(villages)
    check_bins(bins)
    geo_villages = villages if isinstance(villages, gpd.GeoDataFrame) else None
    frames: dict[str, Any] = {"villages": geo_villages, "bins": bins, "households": households}
    require_same_crs(frames)
    metric_crs = choose_metric_crs([bins, households, geo_villages])
    village_ids = pd.Index(villages["village_id"])
    bin_village = village_positions(village_ids, bins["village_id"], "bins.village_id")
    bin_xy, bin_located = point_xy(bins.geometry, metric_crs, name="bins")
    if households is not None:
        check_households(households)
        hh_village = village_positions(
            village_ids, households["village_id"], "households.village_id"
        )
        hh_xy, hh_located = point_xy(households.geometry, metric_crs, name="households")
        persons = pd.to_numeric(households["persons"], errors="coerce").to_numpy(dtype=float)
        # A building proxy stands for ``weight`` households of the default size.
        hh_weight = households["weight"].to_numpy(dtype=float)
        hh_persons = np.where(np.isnan(persons), sizing.persons_per_household, persons) * hh_weight
    else:
        hh_village = np.empty(0, dtype=np.intp)
        hh_xy = np.empty((0, 2))
        hh_located = np.empty(0, dtype=bool)
        hh_persons = np.empty(0)
        hh_weight = np.empty(0)
    return _Prepared(
        village_ids,
        hh_village,
        hh_xy,
        hh_located,
        hh_persons,
        hh_weight,
        bin_village,
        bin_xy,
        bin_located,
        metric_crs,
    )


def _per_village_values(
    village_ids: pd.Index, default: float, overrides: Mapping[Any, float] | None, name: str
) -> FloatArray:
    values = np.full(len(village_ids), float(default))
    if overrides:
        pos = village_ids.get_indexer(list(overrides))
        if (pos < 0).any():
            unknown = [k for k, p in zip(overrides, pos, strict=True) if p < 0]
            raise AnalysisInputError.of(
                "override_village_unknown", field=name, name=name, villages=unknown[:10]
            )
        values[pos] = np.asarray(list(overrides.values()), dtype=float)
    if not (np.isfinite(values).all() and (values > 0).all()):
        raise AnalysisInputError.of("values_not_positive", name=name)
    return values


def coverage_by_village(
    villages: pd.DataFrame,
    bins: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame | None = None,
    *,
    radius_m: float = SERVICE_RADIUS_M,
    detour_factor: float = DETOUR_FACTOR,
    sizing: SizingParameters = SizingParameters(),
    streams: Sequence[str] | None = None,
    stream_waste_share: Mapping[str, float] = DEFAULT_STREAM_WASTE_SHARE,
    reference_capacity_l: float = 240.0,
    radius_m_by_village: Mapping[Any, float] | None = None,
    detour_factor_by_village: Mapping[Any, float] | None = None,
    walking_graph: WalkingGraph | None = None,
    cluster_streams: Sequence[str] = ("general",),
    cluster_link_m: float = 100.0,
    cluster_buffer_m: float = 25.0,
) -> CoverageResult:
    """Coverage, capacity and distance indicators per village and stream.

    Parameters
    ----------
    villages
        ``village_id, number, name, households, population, collection_interval_days``
        (+ optional polygon ``geometry``). ``households``/``population`` are the register
        counts; ``collection_interval_days`` overrides ``sizing`` when not null.
    bins
        ``bin_id, village_id, capacity_l, stream, condition, geometry`` (Point, EPSG:4326
        or any CRS shared by all inputs). Bins without a location count for capacity only.
    households
        ``household_id, village_id, persons, geometry`` (+ optional ``source``,
        ``weight``: see :func:`~fieldsvc.analysis.households.demand_households`) or None.
        A building proxy counts as ``weight`` households (covered, located, persons =
        weight × ``persons_per_household``); a village with surveyed points ignores its
        building proxies. A village with no household points is reported with
        ``method="household_count"``: capacity is computed from the register counts,
        coverage and distances are NaN (unknown).
    radius_m
        Service radius as a walking distance, metres (default 200).
    detour_factor
        Walking distance / straight-line distance (default 1.3).
    sizing
        Demand parameters (:class:`~fieldsvc.analysis.sizing.SizingParameters`).
    streams
        Streams to report; default: ``general`` plus every stream present in ``bins``.
    stream_waste_share
        Share of the household waste that goes to each stream (default all to general).
    reference_capacity_l
        Bin size used for ``bins_needed`` and ``additional_bins_needed`` (default 240 L).
    radius_m_by_village, detour_factor_by_village
        Per-village overrides, keyed by ``village_id``.
    walking_graph
        Optional walking network; when given, distances are network distances.
    cluster_streams
        Streams for which uncovered household clusters are built.
    cluster_link_m
        Uncovered households closer than this (straight line) share a cluster.
    cluster_buffer_m
        Buffer around each cluster's convex hull, metres.

    Returns
    -------
    CoverageResult
        ``by_village`` columns: ``village_id, number, name, stream, method,
        household_basis`` (``survey``, ``building``, ``count`` or ``none``: what the
        village's households rest on), ``households,
        households_surveyed, households_located, persons, collection_interval_days,
        waste_kg_per_cycle, bins_total, bins_usable, bins_overflowing, bins_damaged,
        bins_missing, bins_serving, usable_capacity_l, usable_capacity_kg,
        capacity_ratio, bins_needed, additional_bins_needed, households_covered,
        covered_share, households_per_serving_bin, serving_bins_per_100_households,
        median_distance_m, p90_distance_m, radius_m, detour_factor``.

    Notes
    -----
    Persons (demand) come from ``villages.population`` when given; otherwise from the
    household points (``persons``, default ``persons_per_household``) plus
    ``persons_per_household`` for each registered household without a point.
    """
    if radius_m <= 0 or detour_factor < 1.0:
        raise AnalysisInputError.of(
            "radius_or_detour_invalid",
            details={"radius_m": radius_m, "detour_factor": detour_factor},
        )
    if households is not None:
        check_villages(villages)
        check_households(households)
    households = demand_households(villages, households)
    prep = _prepare(villages, bins, households, sizing)
    n_v = len(prep.village_ids)
    stream_list = _streams(bins, streams)
    radius_v = _per_village_values(
        prep.village_ids, radius_m, radius_m_by_village, "radius_m_by_village"
    )
    detour_v = _per_village_values(
        prep.village_ids, detour_factor, detour_factor_by_village, "detour_factor_by_village"
    )
    if walking_graph is not None:
        detour_v = np.ones(n_v)

    demand = _village_demand(villages, prep, sizing)
    basis = household_basis(villages, households).to_numpy()
    bin_id_array = pd.array(bins["bin_id"].to_numpy())
    stream_arr = bins["stream"].to_numpy()
    cond_arr = bins["condition"].to_numpy()
    serving = np.isin(cond_arr, SERVING_CONDITIONS)
    hh_rows = np.flatnonzero(prep.hh_located)
    # Query households village by village: neighbouring queries hit the same KD-tree
    # leaves, which is markedly faster than input order on large inputs.
    hh_rows = hh_rows[np.argsort(prep.hh_village[hh_rows], kind="stable")]
    hh_v_loc = prep.hh_village[hh_rows]

    village_tables = []
    household_tables = []
    clusters = []
    for stream in stream_list:
        in_stream = stream_arr == stream
        cap = _capacity_table(bins, in_stream, prep.bin_village, n_v, sizing)
        share = stream_waste_share.get(stream, np.nan)
        waste = demand["waste_kg_total"] * share
        table = pd.DataFrame(
            {
                "village_id": prep.village_ids,
                "stream": stream,
                "households": demand["households"],
                "households_surveyed": demand["households_surveyed"],
                "households_located": demand["households_located"],
                "persons": demand["persons"],
                "collection_interval_days": demand["collection_interval_days"],
                "waste_kg_per_cycle": waste,
                **cap,
            }
        )
        table["capacity_ratio"] = np.where(
            waste > 0, table["usable_capacity_kg"] / np.where(waste > 0, waste, 1), np.nan
        )
        table["bins_needed"] = bins_needed(waste, reference_capacity_l, sizing)
        gap = np.maximum(waste - table["usable_capacity_kg"].to_numpy(), 0.0)
        table["additional_bins_needed"] = bins_needed(gap, reference_capacity_l, sizing)

        target = np.flatnonzero(in_stream & serving & prep.bin_located)
        dist_m, nearest = _nearest_distances(
            prep.hh_xy[hh_rows], prep.bin_xy[target], walking_graph, prep.metric_crs
        )
        walk_m = dist_m * detour_v[hh_v_loc]
        covered = walk_m <= radius_v[hh_v_loc]
        covered_count = np.bincount(
            hh_v_loc, weights=covered * prep.hh_weight[hh_rows], minlength=n_v
        )
        located = demand["households_located"]
        q = grouped_quantiles(
            np.where(np.isfinite(walk_m), walk_m, np.nan), hh_v_loc, n_v, [0.5, 0.9]
        )
        has_points = located > 0
        table["households_covered"] = np.where(has_points, covered_count, np.nan)
        table["covered_share"] = np.where(
            has_points, covered_count / np.maximum(located, 1), np.nan
        )
        table["median_distance_m"] = q[:, 0]
        table["p90_distance_m"] = q[:, 1]
        table["method"] = np.where(
            demand["households_surveyed"] > 0, "household_points", "household_count"
        )
        hh_total = table["households"].to_numpy(dtype=float)
        serving_n = table["bins_serving"].to_numpy(dtype=float)
        table["households_per_serving_bin"] = np.where(
            serving_n > 0, hh_total / np.maximum(serving_n, 1), np.nan
        )
        table["serving_bins_per_100_households"] = np.where(
            hh_total > 0, 100.0 * serving_n / np.maximum(hh_total, 1), np.nan
        )
        table["household_basis"] = basis
        table["radius_m"] = radius_v
        table["detour_factor"] = detour_v
        village_tables.append(table)

        if households is not None:
            n_hh = len(prep.hh_village)
            bin_row = np.full(n_hh, -1, dtype=np.intp)
            dist_all = np.full(n_hh, np.nan)
            cov_values = np.zeros(n_hh, dtype=bool)
            cov_mask = np.ones(n_hh, dtype=bool)  # NA where the household has no location
            found = nearest >= 0
            bin_row[hh_rows[found]] = target[nearest[found]]
            dist_all[hh_rows[found]] = walk_m[found]
            cov_values[hh_rows] = covered
            cov_mask[hh_rows] = False
            # Extension arrays keep the id dtype (no float upcast) and hold NA cheaply.
            nearest_id = bin_id_array.take(bin_row, allow_fill=True)
            cov_all = pd.arrays.BooleanArray(cov_values, cov_mask)
            household_tables.append(
                pd.DataFrame(
                    {
                        "household_id": households["household_id"].to_numpy(),
                        "village_id": households["village_id"].to_numpy(),
                        "stream": stream,
                        "nearest_bin_id": nearest_id,
                        "distance_m": dist_all,
                        "covered": cov_all,
                    }
                )
            )
        if stream in cluster_streams and len(hh_rows):
            clusters.append(
                household_clusters(
                    prep.hh_xy[hh_rows[~covered]],
                    hh_v_loc[~covered],
                    prep.hh_persons[hh_rows[~covered]],
                    prep.village_ids,
                    stream,
                    cluster_link_m,
                    cluster_buffer_m,
                    prep.metric_crs,
                    weights=prep.hh_weight[hh_rows[~covered]],
                )
            )

    by_village = _finish_village_table(villages, village_tables)
    return CoverageResult(
        by_village=by_village,
        by_stream=_stream_summary(by_village),
        households=(
            pd.concat(household_tables, ignore_index=True)
            if household_tables
            else pd.DataFrame(
                columns=[
                    "household_id",
                    "village_id",
                    "stream",
                    "nearest_bin_id",
                    "distance_m",
                    "covered",
                ]
            )
        ),
        uncovered_clusters=concat_clusters(clusters),
        metric_crs=prep.metric_crs,
        distance_method="network" if walking_graph is not None else "straight_line_x_detour",
        parameters={
            "radius_m": radius_m,
            "detour_factor": detour_factor,
            "sizing": sizing,
            "reference_capacity_l": reference_capacity_l,
            "stream_waste_share": dict(stream_waste_share),
            "cluster_streams": tuple(cluster_streams),
        },
    )


def _streams(bins: pd.DataFrame, streams: Sequence[str] | None) -> list[str]:
    if streams is not None:
        unknown = [s for s in streams if s not in STREAMS]
        if unknown:
            raise AnalysisInputError.of(
                "stream_unknown", field="streams", streams=unknown, allowed=list(STREAMS)
            )
        return list(streams)
    present = set(bins["stream"].unique()) | {"general"}
    return [s for s in STREAMS if s in present]


def _village_demand(
    villages: pd.DataFrame, prep: _Prepared, sizing: SizingParameters
) -> dict[str, FloatArray]:
    n_v = len(prep.village_ids)
    # Households the points stand for (a building proxy counts its weight); rounded so that
    # weights summing to a registered count give exactly that count.
    surveyed = np.round(np.bincount(prep.hh_village, weights=prep.hh_weight, minlength=n_v), 9)
    located = np.round(
        np.bincount(
            prep.hh_village[prep.hh_located],
            weights=prep.hh_weight[prep.hh_located],
            minlength=n_v,
        ),
        9,
    )
    point_persons = np.bincount(prep.hh_village, weights=prep.hh_persons, minlength=n_v)
    register = pd.to_numeric(villages["households"], errors="coerce").to_numpy(dtype=float)
    population = pd.to_numeric(villages["population"], errors="coerce").to_numpy(dtype=float)
    households = np.where(np.isnan(register), surveyed, np.maximum(register, surveyed))
    unsurveyed = np.maximum(households - surveyed, 0.0)
    persons = np.where(
        np.isnan(population),
        point_persons + unsurveyed * sizing.persons_per_household,
        population,
    )
    interval = pd.to_numeric(villages["collection_interval_days"], errors="coerce")
    interval_arr = interval.fillna(sizing.collection_interval_days).to_numpy(dtype=float)
    return {
        "households": households,
        "households_surveyed": surveyed,
        "households_located": located,
        "persons": persons,
        "collection_interval_days": interval_arr,
        "waste_kg_total": waste_kg_per_cycle(
            persons, sizing, collection_interval_days=interval_arr
        ),
    }


def _capacity_table(
    bins: pd.DataFrame,
    in_stream: npt.NDArray[np.bool_],
    bin_village: npt.NDArray[np.intp],
    n_v: int,
    sizing: SizingParameters,
) -> dict[str, FloatArray]:
    cond = bins["condition"].to_numpy()
    cap_l = pd.to_numeric(bins["capacity_l"]).to_numpy(dtype=float)
    factors = condition_capacity_factors(sizing)
    factor = np.zeros(len(bins))
    out: dict[str, FloatArray] = {}
    for c in CONDITIONS:
        is_c = cond == c
        factor[is_c] = factors[c]
        out[f"bins_{c}"] = np.bincount(bin_village[in_stream & is_c], minlength=n_v).astype(float)
    out["bins_total"] = np.bincount(bin_village[in_stream], minlength=n_v).astype(float)
    out["bins_serving"] = out["bins_usable"] + out["bins_overflowing"]
    out["usable_capacity_l"] = np.bincount(
        bin_village[in_stream], weights=(cap_l * factor)[in_stream], minlength=n_v
    ).astype(float)
    out["usable_capacity_kg"] = bin_capacity_kg(out["usable_capacity_l"], sizing)
    return out


def _nearest_distances(
    origin_xy: FloatArray,
    target_xy: FloatArray,
    walking_graph: WalkingGraph | None,
    metric_crs: CRS,
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Distance (metres, straight or network) and row of the nearest target; inf/-1 if none."""
    if len(target_xy) == 0 or len(origin_xy) == 0:
        return np.full(len(origin_xy), np.inf), np.full(len(origin_xy), -1, dtype=np.intp)
    if walking_graph is not None:
        return nearest_network_distance_m(walking_graph, origin_xy, target_xy, metric_crs)
    dist, idx = cKDTree(target_xy).query(origin_xy, k=1, workers=-1)
    return np.asarray(dist, dtype=float), np.asarray(idx, dtype=np.intp)


def _finish_village_table(villages: pd.DataFrame, tables: list[pd.DataFrame]) -> pd.DataFrame:
    by_village = pd.concat(tables, ignore_index=True)
    labels = pd.DataFrame({"village_id": villages["village_id"].to_numpy()})
    for col in ("number", "name"):
        labels[col] = villages[col].to_numpy() if col in villages.columns else None
    if "boundary_source" in villages.columns:  # an approximate village area is said so
        labels["boundary_source"] = villages["boundary_source"].to_numpy()
    by_village = by_village.merge(labels, on="village_id", how="left")
    leading = ["village_id", "number", "name", "stream", "method", "household_basis"]
    return by_village[leading + [c for c in by_village.columns if c not in leading]]


def _stream_summary(by_village: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for stream, group in by_village.groupby("stream", sort=False):
        known = group[group["covered_share"].notna()]
        worst = known.sort_values(
            ["covered_share", "households", "village_id"], ascending=[True, False, True]
        ).head(1)
        cap = (
            group[group["capacity_ratio"].notna()]
            .sort_values(["capacity_ratio", "village_id"])
            .head(1)
        )
        located = known["households_located"].sum()
        rows.append(
            {
                "stream": stream,
                "villages": len(group),
                "villages_with_points": len(known),
                "households_located": located,
                "households_covered": known["households_covered"].sum(),
                "covered_share": known["households_covered"].sum() / located if located else np.nan,
                "gini_covered_share": gini(known["covered_share"]),
                "worst_village_id": worst["village_id"].iloc[0] if len(worst) else None,
                "worst_covered_share": worst["covered_share"].iloc[0] if len(worst) else np.nan,
                "lowest_capacity_village_id": cap["village_id"].iloc[0] if len(cap) else None,
                "lowest_capacity_ratio": cap["capacity_ratio"].iloc[0] if len(cap) else np.nan,
                "waste_kg_per_cycle": group["waste_kg_per_cycle"].sum(min_count=1),
                "usable_capacity_kg": group["usable_capacity_kg"].sum(),
            }
        )
    return pd.DataFrame(rows)
