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
    float_values,
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

#: Households from which a nearest-bin query is split over all cores.
_PARALLEL_QUERY_MIN = 50_000


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
    check_bins(bins)
    geo_villages = villages if isinstance(villages, gpd.GeoDataFrame) else None
    frames: dict[str, Any] = {"villages": geo_villages, "bins": bins, "households": households}
    require_same_crs(frames)
    metric_crs = choose_metric_crs([bins, households, geo_villages])
    village_ids = pd.Index(villages["village_id"])
    bin_village = village_positions(village_ids, bins["village_id"], "bins.village_id")
    bin_xy, bin_located = point_xy(bins.geometry, metric_crs, name="bins")
    if households is not None:
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
    check_villages(villages)
    if households is not None:
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
    usable_l = _usable_capacity_l(bins, cond_arr, sizing)
    hh_rows = np.flatnonzero(prep.hh_located)
    # Query households village by village: neighbouring queries hit the same KD-tree
    # leaves, which is markedly faster than input order on large inputs.
    hh_rows = hh_rows[np.argsort(prep.hh_village[hh_rows], kind="stable")]
    hh_v_loc = prep.hh_village[hh_rows]

    # Per stream, the village table's columns (numpy arrays, in the table's column order)
    # and the household table's arrays; each table is built once at the end, for all
    # streams: a pandas frame per stream, then concatenated and merged, costs far more
    # than the arithmetic on a subdistrict's ten villages.
    village_columns: list[dict[str, npt.NDArray[Any]]] = []
    household_columns: list[tuple[npt.NDArray[np.intp], FloatArray, npt.NDArray[np.bool_]]] = []
    clusters = []
    for stream in stream_list:
        in_stream = stream_arr == stream
        cap = _capacity_table(cond_arr, usable_l, in_stream, prep.bin_village, n_v, sizing)
        share = stream_waste_share.get(stream, np.nan)
        waste = demand["waste_kg_total"] * share
        usable_kg = cap["usable_capacity_kg"]
        gap = np.maximum(waste - usable_kg, 0.0)

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
        hh_total = demand["households"].astype(float)
        serving_n = cap["bins_serving"]
        village_columns.append(
            {
                "households": demand["households"],
                "households_surveyed": demand["households_surveyed"],
                "households_located": located,
                "persons": demand["persons"],
                "collection_interval_days": demand["collection_interval_days"],
                "waste_kg_per_cycle": waste,
                **cap,
                "capacity_ratio": np.where(
                    waste > 0, usable_kg / np.where(waste > 0, waste, 1), np.nan
                ),
                "bins_needed": bins_needed(waste, reference_capacity_l, sizing),
                "additional_bins_needed": bins_needed(gap, reference_capacity_l, sizing),
                "households_covered": np.where(has_points, covered_count, np.nan),
                "covered_share": np.where(
                    has_points, covered_count / np.maximum(located, 1), np.nan
                ),
                "median_distance_m": q[:, 0],
                "p90_distance_m": q[:, 1],
                "method": np.where(
                    demand["households_surveyed"] > 0, "household_points", "household_count"
                ),
                "households_per_serving_bin": np.where(
                    serving_n > 0, hh_total / np.maximum(serving_n, 1), np.nan
                ),
                "serving_bins_per_100_households": np.where(
                    hh_total > 0, 100.0 * serving_n / np.maximum(hh_total, 1), np.nan
                ),
                "household_basis": basis,
                "radius_m": radius_v,
                "detour_factor": detour_v,
            }
        )

        if households is not None:
            n_hh = len(prep.hh_village)
            bin_row = np.full(n_hh, -1, dtype=np.intp)
            dist_all = np.full(n_hh, np.nan)
            cov_values = np.zeros(n_hh, dtype=bool)
            found = nearest >= 0
            bin_row[hh_rows[found]] = target[nearest[found]]
            dist_all[hh_rows[found]] = walk_m[found]
            cov_values[hh_rows] = covered
            household_columns.append((bin_row, dist_all, cov_values))
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

    table = _village_table(villages, prep.village_ids, stream_list, village_columns)
    return CoverageResult(
        by_village=pd.DataFrame(table),
        by_stream=_stream_summary(table),
        households=_household_table(
            households, stream_list, household_columns, bin_id_array, prep.hh_located
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
    register = float_values(villages["households"])
    population = float_values(villages["population"])
    households = np.where(np.isnan(register), surveyed, np.maximum(register, surveyed))
    unsurveyed = np.maximum(households - surveyed, 0.0)
    persons = np.where(
        np.isnan(population),
        point_persons + unsurveyed * sizing.persons_per_household,
        population,
    )
    interval = float_values(villages["collection_interval_days"])
    interval_arr = np.where(np.isnan(interval), sizing.collection_interval_days, interval)
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


def _usable_capacity_l(
    bins: pd.DataFrame, condition: npt.NDArray[Any], sizing: SizingParameters
) -> FloatArray:
    """Litres each bin holds in its condition (a missing bin holds nothing)."""
    cap_l = pd.to_numeric(bins["capacity_l"]).to_numpy(dtype=float)
    factors = condition_capacity_factors(sizing)
    factor = np.zeros(len(bins))
    for c in CONDITIONS:
        factor[condition == c] = factors[c]
    return cap_l * factor


def _capacity_table(
    condition: npt.NDArray[Any],
    usable_l: FloatArray,
    in_stream: npt.NDArray[np.bool_],
    bin_village: npt.NDArray[np.intp],
    n_v: int,
    sizing: SizingParameters,
) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    for c in CONDITIONS:
        out[f"bins_{c}"] = np.bincount(
            bin_village[in_stream & (condition == c)], minlength=n_v
        ).astype(float)
    out["bins_total"] = np.bincount(bin_village[in_stream], minlength=n_v).astype(float)
    out["bins_serving"] = out["bins_usable"] + out["bins_overflowing"]
    out["usable_capacity_l"] = np.bincount(
        bin_village[in_stream], weights=usable_l[in_stream], minlength=n_v
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
    # Threads only pay off on large queries: a subdistrict's few thousand households are
    # answered before the threads would have started (and a national run's workers already
    # keep every core busy).
    workers = -1 if len(origin_xy) >= _PARALLEL_QUERY_MIN else 1
    dist, idx = cKDTree(target_xy).query(origin_xy, k=1, workers=workers)
    return np.asarray(dist, dtype=float), np.asarray(idx, dtype=np.intp)


def _village_table(
    villages: pd.DataFrame,
    village_ids: pd.Index,
    stream_list: Sequence[str],
    columns: Sequence[Mapping[str, npt.NDArray[Any]]],
) -> dict[str, Any]:
    """The columns of the table with one row per stream × village (streams in
    ``stream_list`` order, villages in frame order): the village's labels, then each
    stream's ``columns`` stacked."""
    n_v = len(village_ids)
    repeat = len(stream_list)
    # rows of the village frame, stream after stream
    village_rows = np.tile(np.arange(n_v), repeat)
    labels: dict[str, Any] = {
        col: _repeated(villages[col], village_rows)
        if col in villages.columns
        else np.full(n_v * repeat, None, dtype=object)
        for col in ("number", "name")
    }
    data: dict[str, Any] = {
        "village_id": village_ids.take(village_rows),
        **labels,
        # the str dtype, even when empty
        "stream": pd.array(list(stream_list), dtype="str").take(np.repeat(np.arange(repeat), n_v)),
    }
    leading = ("method", "household_basis")
    for name in leading:
        data[name] = np.concatenate([c[name] for c in columns])
    for name in columns[0] if columns else ():
        if name not in leading:
            data[name] = np.concatenate([c[name] for c in columns])
    if "boundary_source" in villages.columns:  # an approximate village area is said so
        data["boundary_source"] = _repeated(villages["boundary_source"], village_rows)
    return data


def _repeated(values: pd.Series, rows: npt.NDArray[np.intp]) -> Any:
    """``values`` at ``rows``: strings taken as stored (no round trip through Python
    objects, the frame gives them the same dtype), anything else as numpy values."""
    if values.dtype == "str":
        return values.array.take(rows)
    return values.to_numpy()[rows]


def _household_table(
    households: pd.DataFrame | None,
    stream_list: Sequence[str],
    columns: Sequence[tuple[npt.NDArray[np.intp], FloatArray, npt.NDArray[np.bool_]]],
    bin_ids: Any,
    located: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    """One row per household × stream: the nearest serving bin, the estimated walking
    distance to it and whether it is within reach (NA where the household has no location)."""
    if households is None or not columns:
        return pd.DataFrame(
            columns=[
                "household_id",
                "village_id",
                "stream",
                "nearest_bin_id",
                "distance_m",
                "covered",
            ]
        )
    repeat = len(columns)
    bin_row = np.concatenate([c[0] for c in columns])
    return pd.DataFrame(
        {
            "household_id": np.tile(households["household_id"].to_numpy(), repeat),
            "village_id": np.tile(households["village_id"].to_numpy(), repeat),
            # taken from the stream names as strings (repeating an index of them costs more)
            "stream": pd.array(list(stream_list), dtype="str").take(
                np.repeat(np.arange(repeat), len(households))
            ),
            # Extension arrays keep the id dtype (no float upcast) and hold NA cheaply.
            "nearest_bin_id": bin_ids.take(bin_row, allow_fill=True),
            "distance_m": np.concatenate([c[1] for c in columns]),
            "covered": pd.arrays.BooleanArray(
                np.concatenate([c[2] for c in columns]), np.tile(~located, repeat)
            ),
        }
    )


def _stream_summary(by_village: Mapping[str, Any]) -> pd.DataFrame:
    """One row per stream (in order of first appearance) of the village table's columns
    ``by_village`` (read from the arrays it is built from, not back from the frame): totals,
    the Gini of the villages' covered shares, the worst-served village and the one with the
    least capacity."""
    codes, streams = pd.factorize(by_village["stream"], sort=False)
    village_id = by_village["village_id"]
    # ties broken by village id, as a sort of the table by (value, village_id) would
    village_rank = pd.factorize(village_id, sort=True)[0]
    share = np.asarray(by_village["covered_share"], dtype=float)
    households = np.asarray(by_village["households"], dtype=float)
    ratio = np.asarray(by_village["capacity_ratio"], dtype=float)
    located_all = np.asarray(by_village["households_located"])
    covered_all = np.asarray(by_village["households_covered"])
    waste_all = np.asarray(by_village["waste_kg_per_cycle"], dtype=float)
    capacity_all = np.asarray(by_village["usable_capacity_kg"])
    rows = []
    for code, stream in enumerate(streams):
        group = np.flatnonzero(codes == code)
        known = group[~np.isnan(share[group])]
        worst = known[np.lexsort((village_rank[known], -households[known], share[known]))[:1]]
        with_ratio = group[~np.isnan(ratio[group])]
        cap = with_ratio[np.lexsort((village_rank[with_ratio], ratio[with_ratio]))[:1]]
        located = located_all[known].sum()
        covered = covered_all[known].sum()
        waste = waste_all[group]
        rows.append(
            {
                "stream": stream,
                "villages": len(group),
                "villages_with_points": len(known),
                "households_located": located,
                "households_covered": covered,
                "covered_share": covered / located if located else np.nan,
                "gini_covered_share": gini(share[known]),
                "worst_village_id": village_id[worst[0]] if len(worst) else None,
                "worst_covered_share": share[worst[0]] if len(worst) else np.nan,
                "lowest_capacity_village_id": village_id[cap[0]] if len(cap) else None,
                "lowest_capacity_ratio": ratio[cap[0]] if len(cap) else np.nan,
                # as pandas sums (NaN counted as 0; none known: NaN)
                "waste_kg_per_cycle": np.where(np.isnan(waste), 0.0, waste).sum()
                if (~np.isnan(waste)).any()
                else np.nan,
                "usable_capacity_kg": capacity_all[group].sum(),
            }
        )
    return pd.DataFrame(rows)
