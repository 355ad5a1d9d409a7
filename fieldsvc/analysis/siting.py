"""Maximal covering location (MCLP) on point sets in metres.

Choose ``p`` candidate sites to maximise the weight of demand points within ``radius_m``
of a chosen site. Demand already within reach of a fixed (existing) site is removed first.

* ``method="greedy"``: lazy greedy (priority queue, gains re-evaluated only when they
  reach the top) followed by 1-swap improvement passes. Milliseconds; typically within
  1 % of the optimum.
* ``method="exact"``: sparse MILP in PuLP built from a KD-tree radius query and solved by
  the CBC binary shipped with PuLP, warm-started from the greedy solution.

Both are deterministic: ties are broken by the lowest candidate index.
"""

from __future__ import annotations

import heapq
import re
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pulp
import scipy.sparse as sp
from scipy.spatial import cKDTree

from fieldsvc.analysis.errors import AnalysisInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class SitingResult:
    """A chosen set of sites and how much demand it covers.

    Attributes
    ----------
    chosen
        Candidate indices, in the order chosen (greedy) or ascending (exact).
    objective
        Weight newly covered by the chosen sites (demand covered by fixed sites excluded).
    fixed_covered_weight
        Weight already within reach of the fixed sites.
    covered_weight
        ``fixed_covered_weight + objective``.
    total_weight
        Sum of all demand weights.
    covered
        Boolean mask of demand points covered by fixed or chosen sites.
    method
        ``"greedy"`` or ``"exact"``.
    status
        ``"heuristic"``, ``"optimal"``, ``"time_limit"`` (feasible, not proven optimal),
        or ``"trivial"`` (nothing left to cover).
    gap
        Relative optimality gap for ``exact`` (0 when proven optimal, NaN if unknown);
        NaN for ``greedy``.
    upper_bound
        Best known upper bound on ``objective`` (exact only; NaN otherwise).
    solve_time_s
        Wall time of model building and solving.
    """

    chosen: IntArray
    objective: float
    fixed_covered_weight: float
    covered_weight: float
    total_weight: float
    covered: npt.NDArray[np.bool_]
    method: str
    status: str
    gap: float
    upper_bound: float
    solve_time_s: float


def coverage_matrix(
    demand_xy: FloatArray, candidate_xy: FloatArray, radius_m: float
) -> sp.csr_matrix:
    """Sparse candidate × demand incidence: 1 where the distance is <= ``radius_m``.

    Built from one dual KD-tree query (candidates' tree against the demand's, in C): no
    Python list per candidate. Column indices are sorted within each row.
    """
    n_d, n_c = len(demand_xy), len(candidate_xy)
    if n_d == 0 or n_c == 0:
        return sp.csr_matrix((n_c, n_d), dtype=np.float64)
    # Sliding-midpoint trees without shrunk node boxes build ~2x faster; whether a pair is
    # kept is decided by its own distance against the radius, whatever the tree's shape.
    candidate_tree = cKDTree(candidate_xy, balanced_tree=False, compact_nodes=False)
    demand_tree = cKDTree(demand_xy, balanced_tree=False, compact_nodes=False)
    pairs = candidate_tree.sparse_distance_matrix(demand_tree, radius_m, output_type="ndarray")
    # the pattern only (a distance of 0 is a pair too), grouped by demand point, then
    # transposed: the transposition fills each candidate's row in demand order, so its
    # columns come sorted. A pair occurs once, so there is nothing to sum: the flag spares
    # the demand-major matrix a sort of its rows that the transposition does not need.
    pattern = sp.coo_matrix((np.ones(len(pairs)), (pairs["j"], pairs["i"])), shape=(n_d, n_c))
    pattern.has_canonical_format = True
    by_demand = pattern.tocsr()
    matrix = sp.csr_matrix(by_demand.T)
    matrix.has_sorted_indices = True
    return matrix


def _check_inputs(
    demand_xy: FloatArray,
    weights: FloatArray,
    candidate_xy: FloatArray,
    radius_m: float,
    p: int,
) -> None:
    for name, arr in (("demand_xy", demand_xy), ("candidate_xy", candidate_xy)):
        if arr.ndim != 2 or arr.shape[1] != 2 or not np.isfinite(arr).all():
            raise AnalysisInputError.of("array_invalid", field=name, name=name, shape=arr.shape)
    if weights.shape != (len(demand_xy),) or (weights < 0).any() or not np.isfinite(weights).all():
        raise AnalysisInputError.of("weights_invalid", field="weights")
    if not radius_m > 0:
        raise AnalysisInputError.of("parameter_not_positive", field="radius_m", name="radius_m")
    if p < 0:
        raise AnalysisInputError.of("parameter_negative", field="p", name="p")


def solve_max_cover(
    demand_xy: npt.ArrayLike,
    weights: npt.ArrayLike,
    candidate_xy: npt.ArrayLike,
    radius_m: float,
    p: int,
    *,
    fixed_xy: npt.ArrayLike | None = None,
    method: Literal["greedy", "exact"] = "greedy",
    time_limit_s: float = 60.0,
    swap_passes: int = 10,
    perturbation_rounds: int = 20,
    threads: int | None = None,
) -> SitingResult:
    """Choose up to ``p`` candidate sites maximising the covered demand weight.

    Parameters
    ----------
    demand_xy, candidate_xy, fixed_xy
        Coordinates in metres (projected CRS), shapes (n, 2), (m, 2), (k, 2).
    weights
        Demand weights (e.g. households), >= 0.
    radius_m
        Coverage radius in the same metres (distance <= radius counts).
    p
        Number of new sites. Greedy stops early when no site adds weight.
    method
        ``"greedy"`` (lazy greedy + 1-swap) or ``"exact"`` (PuLP + CBC).
    time_limit_s
        CBC time limit for ``exact``.
    swap_passes
        Maximum 1-swap improvement passes for ``greedy`` (0 disables).
    perturbation_rounds
        Rounds of iterated local search after the swap pass: drop 2 to a third of the
        sites (seeded, so deterministic), refill greedily or at random (alternately),
        swap again, keep if better.
    threads
        CBC threads (default: CBC's own default).

    Returns
    -------
    SitingResult

    Examples
    --------
    >>> import numpy as np
    >>> demand = np.array([[0.0, 0.0], [10.0, 0.0], [100.0, 0.0]])
    >>> r = solve_max_cover(demand, np.ones(3), demand, radius_m=15, p=1)
    >>> r.chosen.tolist(), r.objective
    ([0], 2.0)
    """
    start = time.perf_counter()
    d_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    c_xy = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    w = np.asarray(weights, dtype=float)
    _check_inputs(d_xy, w, c_xy, radius_m, p)
    if method not in ("greedy", "exact"):
        raise AnalysisInputError.of("siting_method_unknown", field="method", method=method)
    fixed_cov = np.zeros(len(d_xy), dtype=bool)
    if fixed_xy is not None:
        f_xy = np.asarray(fixed_xy, dtype=float).reshape(-1, 2)
        if len(f_xy) and len(d_xy):
            dist, _ = cKDTree(f_xy).query(d_xy, k=1, distance_upper_bound=radius_m * (1 + 1e-12))
            fixed_cov = dist <= radius_m
    residual = np.where(fixed_cov, 0.0, w)
    matrix = coverage_matrix(d_xy, c_xy, radius_m)
    return solve_max_cover_matrix(
        matrix,
        residual,
        p,
        fixed_covered=fixed_cov,
        total_weight=float(w.sum()),
        fixed_weight=float(w[fixed_cov].sum()),
        method=method,
        time_limit_s=time_limit_s,
        swap_passes=swap_passes,
        perturbation_rounds=perturbation_rounds,
        threads=threads,
        start_time=start,
    )


def solve_max_cover_matrix(
    matrix: sp.csr_matrix,
    weights: FloatArray,
    p: int,
    *,
    fixed_covered: npt.NDArray[np.bool_] | None = None,
    total_weight: float | None = None,
    fixed_weight: float = 0.0,
    method: Literal["greedy", "exact"] = "greedy",
    time_limit_s: float = 60.0,
    swap_passes: int = 10,
    perturbation_rounds: int = 20,
    threads: int | None = None,
    start_time: float | None = None,
) -> SitingResult:
    """:func:`solve_max_cover` on a prebuilt candidate × demand incidence matrix.

    ``weights`` are the residual weights (0 for demand already covered).
    """
    start = time.perf_counter() if start_time is None else start_time
    matrix = sp.csr_matrix(matrix)
    w = np.asarray(weights, dtype=float)
    fixed = np.zeros(len(w), dtype=bool) if fixed_covered is None else fixed_covered
    chosen = local_search_max_cover(matrix, w, p, swap_passes, perturbation_rounds)
    status, gap, bound = "heuristic", float("nan"), float("nan")
    if method == "exact":
        chosen, status, gap, bound = _exact(matrix, w, p, chosen, time_limit_s, threads)
    covered = fixed | _covered_by(matrix, chosen)
    objective = float(w[_covered_by(matrix, chosen)].sum())
    if status == "optimal":
        bound = objective
    total = float(w.sum() + fixed_weight) if total_weight is None else total_weight
    return SitingResult(
        chosen=np.asarray(chosen, dtype=np.intp),
        objective=objective,
        fixed_covered_weight=fixed_weight,
        covered_weight=fixed_weight + objective,
        total_weight=total,
        covered=covered,
        method=method,
        status=status,
        gap=gap,
        upper_bound=bound,
        solve_time_s=time.perf_counter() - start,
    )


def _covered_by(matrix: sp.csr_matrix, chosen: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    rows = np.asarray(chosen, dtype=np.intp)
    mask = np.zeros(matrix.shape[1], dtype=bool)
    if len(rows):
        mask[matrix[rows].indices] = True
    return mask


def local_search_max_cover(
    matrix: sp.csr_matrix,
    weights: FloatArray,
    p: int,
    swap_passes: int = 10,
    perturbation_rounds: int = 20,
    seed: int = 0,
) -> IntArray:
    """Lazy greedy, then 1-swap, then seeded iterated local search; deterministic."""
    best = greedy_max_cover(matrix, weights, p)
    if swap_passes <= 0 or len(best) == 0:
        return best
    best = _one_swap(matrix, weights, best, swap_passes)
    best_value = float(weights[_covered_by(matrix, best)].sum())
    rng = np.random.default_rng(seed)
    for round_no in range(perturbation_rounds if len(best) > 1 else 0):
        size = int(rng.integers(2, max(3, len(best) // 3 + 1)))
        drop = rng.choice(len(best), size=min(size, len(best)), replace=False)
        keep = np.delete(best, drop)
        residual = np.where(_covered_by(matrix, keep), 0.0, weights)
        if round_no % 2 == 0:
            refill = greedy_max_cover(matrix, residual, p - len(keep), exclude=keep)
        else:
            # Random restart of the dropped sites among candidates that add something.
            useful = np.flatnonzero(matrix @ residual > _TOL)
            useful = np.setdiff1d(useful, keep)
            refill = rng.choice(useful, size=min(len(drop), len(useful)), replace=False)
        trial = _one_swap(matrix, weights, np.concatenate([keep, refill]), swap_passes)
        value = float(weights[_covered_by(matrix, trial)].sum())
        if value > best_value + _TOL * max(1.0, best_value):
            best, best_value = trial, value
    return best


def greedy_max_cover(
    matrix: sp.csr_matrix,
    weights: FloatArray,
    p: int,
    *,
    exclude: npt.ArrayLike | None = None,
) -> IntArray:
    """Lazy greedy max-cover: candidate indices in the order chosen.

    Each step takes the candidate with the largest marginal covered weight (ties: lowest
    index). Gains only shrink as sites are added (submodularity), so a stale gain is an
    upper bound and is re-evaluated only when it reaches the top of the queue.
    """
    indptr, indices = matrix.indptr, matrix.indices
    residual = weights.astype(float).copy()
    gains = matrix @ residual
    if exclude is not None:
        gains[np.asarray(exclude, dtype=np.intp)] = 0.0
    heap = [(-g, j, 0) for j, g in enumerate(gains) if g > _TOL]
    heapq.heapify(heap)
    chosen: list[int] = []
    step = 0
    while heap and len(chosen) < p:
        neg_gain, j, evaluated = heapq.heappop(heap)
        if evaluated == step:
            chosen.append(j)
            residual[indices[indptr[j] : indptr[j + 1]]] = 0.0
            step += 1
            continue
        gain = float(residual[indices[indptr[j] : indptr[j + 1]]].sum())
        if gain > _TOL:
            heapq.heappush(heap, (-gain, j, step))
    return np.asarray(chosen, dtype=np.intp)


def _candidate_sums(
    csc: sp.csc_matrix, demand: IntArray, values: FloatArray, n_candidates: int
) -> FloatArray:
    """For every candidate, the sum of ``values`` over the ``demand`` points it covers."""
    starts, stops = csc.indptr[demand], csc.indptr[demand + 1]
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(n_candidates)
    # Positions of all the covering-candidate entries of the chosen columns, vectorised.
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    rows = csc.indices[np.arange(total) + offsets]
    sums = np.bincount(rows, weights=np.repeat(values, lengths), minlength=n_candidates)
    return sums.astype(np.float64)


def _one_swap(
    matrix: sp.csr_matrix, weights: FloatArray, chosen: IntArray, max_passes: int
) -> IntArray:
    """Replace a chosen site by an unchosen one while that strictly raises coverage."""
    csc = matrix.tocsc()
    n_c = matrix.shape[0]
    indptr, indices = matrix.indptr, matrix.indices
    sites = [int(j) for j in chosen]
    count = np.zeros(matrix.shape[1], dtype=np.int64)
    for j in sites:
        count[indices[indptr[j] : indptr[j + 1]]] += 1
    in_set = np.zeros(n_c, dtype=bool)
    in_set[sites] = True
    gain_uncovered = matrix @ np.where(count == 0, weights, 0.0)
    for _ in range(max_passes):
        improved = False
        for pos in range(len(sites)):
            s = sites[pos]
            members = indices[indptr[s] : indptr[s + 1]]
            only_s = members[count[members] == 1]
            # Gain of each candidate once s is removed: uncovered weight plus what only s covered.
            if len(only_s):
                loss = float(weights[only_s].sum())
                gain = gain_uncovered + _candidate_sums(csc, only_s, weights[only_s], n_c)
            else:
                loss, gain = 0.0, gain_uncovered.copy()
            gain[in_set] = -np.inf
            best = int(np.argmax(gain))  # lowest index among ties
            if gain[best] > loss + _TOL * max(1.0, loss):
                touched = np.union1d(members, indices[indptr[best] : indptr[best + 1]])
                was_uncovered = count[touched] == 0
                count[members] -= 1
                count[indices[indptr[best] : indptr[best + 1]]] += 1
                delta = weights[touched] * ((count[touched] == 0).astype(float) - was_uncovered)
                gain_uncovered += _candidate_sums(csc, touched, delta, n_c)
                in_set[s], in_set[best] = False, True
                sites[pos] = best
                improved = True
        if not improved:
            break
    return np.asarray(sites, dtype=np.intp)


def _exact(
    matrix: sp.csr_matrix,
    weights: FloatArray,
    p: int,
    warm_start: IntArray,
    time_limit_s: float,
    threads: int | None,
) -> tuple[IntArray, str, float, float]:
    """Solve the MCLP exactly with PuLP + CBC; return (chosen, status, gap, bound)."""
    csc = matrix.tocsc()
    useful_demand = np.flatnonzero((weights > 0) & (np.diff(csc.indptr) > 0))
    if len(useful_demand) == 0 or p == 0:
        return np.empty(0, dtype=np.intp), "trivial", 0.0, 0.0
    sub = csc[:, useful_demand]  # candidates × useful demand
    sub.sort_indices()
    useful_cand = np.flatnonzero(np.diff(sub.tocsr().indptr) > 0)
    # Demand points reached by exactly the same candidates behave as one point: merge them
    # (summing weights). Exact, and it shrinks dense instances a lot.
    groups: dict[bytes, int] = {}
    group_cols: list[int] = []
    group_weight: list[float] = []
    for k, i in enumerate(useful_demand):
        key = sub.indices[sub.indptr[k] : sub.indptr[k + 1]].tobytes()
        g = groups.setdefault(key, len(group_cols))
        if g == len(group_cols):
            group_cols.append(k)
            group_weight.append(0.0)
        group_weight[g] += float(weights[i])
    prob = pulp.LpProblem("max_cover", pulp.LpMaximize)
    x = {int(j): prob.add_variable(f"x_{j}", cat=pulp.LpBinary) for j in useful_cand}
    # y is continuous in [0, 1]: at an optimum it equals min(1, sum x) on its own.
    y = [prob.add_variable(f"y_{g}", lowBound=0, upBound=1) for g in range(len(group_cols))]
    prob += pulp.LpAffineExpression([(y[g], group_weight[g]) for g in range(len(y))])
    for g, k in enumerate(group_cols):
        cands = sub.indices[sub.indptr[k] : sub.indptr[k + 1]]
        expr = pulp.LpAffineExpression([(x[int(j)], 1.0) for j in cands] + [(y[g], -1.0)])
        prob += pulp.LpConstraint(expr, sense=pulp.LpConstraintGE, rhs=0.0, name=f"c_{g}")
    prob += pulp.LpAffineExpression([(v, 1.0) for v in x.values()]) <= min(p, len(x)), "p"
    start_set = set(int(j) for j in warm_start)
    for j, var in x.items():
        var.setInitialValue(1.0 if j in start_set else 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "cbc.log"
        with warnings.catch_warnings():
            # PuLP 3.3 flags PULP_CBC_CMD for removal in 4.0; it is still the only solver
            # that needs no separate CBC install (the binary ships inside the wheel).
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(
                msg=False,
                timeLimit=time_limit_s,
                warmStart=True,
                threads=threads,
                logPath=str(log_path),
            )
        prob.solve(solver)
        log = log_path.read_text(errors="replace") if log_path.exists() else ""
    chosen = np.array(sorted(j for j, v in x.items() if (v.value() or 0.0) > 0.5), dtype=np.intp)
    objective = float(weights[_covered_by(matrix, chosen)].sum())
    if prob.sol_status == pulp.LpSolutionOptimal:
        return chosen, "optimal", 0.0, objective
    if prob.sol_status in (pulp.LpSolutionIntegerFeasible,) or len(chosen):
        bound = _bound_from_log(log)
        gap = (bound - objective) / max(abs(bound), 1e-12) if np.isfinite(bound) else np.nan
        return chosen, "time_limit", float(gap), bound
    raise AnalysisInputError.of("solver_failed", status=pulp.LpStatus[prob.status])


def _bound_from_log(log: str) -> float:
    """Best possible objective reported by CBC (its 'best possible' value), or NaN."""
    found = re.findall(r"best possible (-?[0-9.eE+-]+)", log)
    if not found:
        found = re.findall(r"Lower bound:\s*(-?[0-9.eE+-]+)", log)
    # CBC minimises internally: a maximisation bound is printed negated.
    return abs(float(found[-1])) if found else float("nan")
