"""Max-cover siting: 20,000 demand points × 2,000 candidates, radius 200 m, p = 200.

Prints, for the same seeded clustered instance: the lazy-greedy heuristic (plain, and with
1-swap + iterated local search, the default), the sparse exact model (PuLP + bundled CBC),
and spopt's ``MCLP.from_cost_matrix`` (dense build + CBC) as the reference baseline.
spopt's dense build is slow (~2 min at full size); ``--quick`` runs spopt on a smaller
instance (5,000 × 500, p = 50) and compares all three there.

Run: ``.venv/bin/python -m bench.allocation_bench [--quick]``
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

import numpy as np
import pulp
from scipy.spatial.distance import cdist

from bench.synthetic import clustered_siting_instance
from fieldsvc.analysis.siting import coverage_matrix, solve_max_cover

RADIUS_M = 200.0


def spopt_mclp(
    demand: np.ndarray, weights: np.ndarray, candidates: np.ndarray, p: int
) -> tuple[float, float, float]:
    """Objective, build seconds and solve seconds of spopt's MCLP."""
    from spopt.locate import MCLP

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        t0 = time.perf_counter()
        model = MCLP.from_cost_matrix(cdist(demand, candidates), weights, RADIUS_M, p)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        model.solve(pulp.PULP_CBC_CMD(msg=False))
        solve_s = time.perf_counter() - t0
    return float(pulp.value(model.problem.objective)), build_s, solve_s


def run(n: int, m: int, p: int, clusters: int, with_spopt: bool, time_limit_s: float) -> None:
    demand, weights, candidates = clustered_siting_instance(n, m, clusters)
    t0 = time.perf_counter()
    matrix = coverage_matrix(demand, candidates, RADIUS_M)
    build_s = time.perf_counter() - t0
    print(f"instance {n:,} demand x {m:,} candidates, p={p}, radius {RADIUS_M:.0f} m: "
          f"sparse coverage matrix {matrix.nnz:,} pairs built in {build_s:.3f} s")  # fmt: skip
    plain = solve_max_cover(demand, weights, candidates, RADIUS_M, p, swap_passes=0)
    greedy = solve_max_cover(demand, weights, candidates, RADIUS_M, p)
    exact = solve_max_cover(
        demand, weights, candidates, RADIUS_M, p, method="exact", time_limit_s=time_limit_s
    )
    best = exact.objective
    print(f"  lazy greedy only      objective {plain.objective:>10,.0f}  "
          f"{plain.objective / best:7.2%} of exact  {plain.solve_time_s:7.3f} s")  # fmt: skip
    print(f"  greedy+swap+ILS       objective {greedy.objective:>10,.0f}  "
          f"{greedy.objective / best:7.2%} of exact  {greedy.solve_time_s:7.3f} s "
          f"(target >= 99 %, < 1 s)")  # fmt: skip
    print(f"  exact (PuLP+CBC)      objective {exact.objective:>10,.0f}  status {exact.status}, "
          f"gap {exact.gap:.4f}  {exact.solve_time_s:7.3f} s (target < 30 s)")  # fmt: skip
    print(f"  exact / heuristic time ratio {exact.solve_time_s / greedy.solve_time_s:.0f}x")
    if with_spopt:
        obj, sb, ss = spopt_mclp(demand, weights, candidates, p)
        total = sb + ss
        print(f"  spopt MCLP (dense)    objective {obj:>10,.0f}  build {sb:.2f} s + solve "
              f"{ss:.2f} s = {total:.2f} s; same optimum as exact: "
              f"{abs(obj - exact.objective) < 1e-6}")  # fmt: skip
        print(f"  speed-up vs spopt: exact {total / exact.solve_time_s:.1f}x, "
              f"heuristic {total / greedy.solve_time_s:.0f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="spopt on 5,000 x 500 only")
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    run(20_000, 2_000, 200, 200, with_spopt=not args.quick, time_limit_s=args.time_limit)
    if args.quick:
        run(5_000, 500, 50, 50, with_spopt=True, time_limit_s=args.time_limit)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"peak RSS {peak:.2f} GB")


if __name__ == "__main__":
    main()
