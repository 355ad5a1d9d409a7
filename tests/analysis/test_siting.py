from __future__ import annotations

import numpy as np
import pulp
import pytest
from scipy.spatial.distance import cdist
from spopt.locate import MCLP

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.siting import coverage_matrix, solve_max_cover

# spopt builds its model with PuLP 3.3 calls that PuLP flags for 4.0; not our code.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Constructing LpVariable:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:PULP_CBC_CMD is deprecated:DeprecationWarning"),
]


def _instance(
    seed: int, n: int, m: int, clustered: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded demand (weights 1–9) and candidates, uniform or in village-like clusters."""
    rng = np.random.default_rng(seed)
    if clustered:
        k = max(n // 100, 3)
        centres = rng.uniform(0, np.sqrt(k) * 800, (k, 2))
        demand = centres[rng.integers(0, k, n)] + rng.normal(0, 150, (n, 2))
        candidates = centres[rng.integers(0, k, m)] + rng.normal(0, 200, (m, 2))
    else:
        side = np.sqrt(n) * 40
        demand, candidates = rng.uniform(0, side, (n, 2)), rng.uniform(0, side, (m, 2))
    return demand, rng.integers(1, 10, n).astype(float), candidates


def _spopt_objective(
    demand: np.ndarray,
    weights: np.ndarray,
    candidates: np.ndarray,
    radius_m: float,
    p: int,
    predefined: np.ndarray | None = None,
) -> float:
    model = MCLP.from_cost_matrix(
        cdist(demand, candidates), weights, radius_m, p, predefined_facilities_arr=predefined
    )
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    value = pulp.value(model.problem.objective)
    assert value is not None
    return float(value)


def test_small_known_answer() -> None:
    demand = np.array([[0.0, 0], [10, 0], [20, 0], [500, 0], [510, 0]])
    weights = np.array([1.0, 1, 1, 5, 1])
    candidates = np.array([[10.0, 0], [505, 0], [1000, 0]])
    for method in ("greedy", "exact"):
        result = solve_max_cover(demand, weights, candidates, 15.0, 1, method=method)  # type: ignore[arg-type]
        assert result.chosen.tolist() == [1]
        assert result.objective == 6.0 and result.total_weight == 9.0
        assert result.covered.tolist() == [False, False, False, True, True]
    both = solve_max_cover(demand, weights, candidates, 15.0, 2, method="exact")
    assert both.chosen.tolist() == [0, 1] and both.objective == 9.0 and both.status == "optimal"
    assert both.gap == 0.0 and both.upper_bound == 9.0


def test_fixed_sites_remove_covered_demand_first() -> None:
    demand = np.array([[0.0, 0], [10, 0], [20, 0], [500, 0], [510, 0]])
    weights = np.array([1.0, 1, 1, 5, 1])
    candidates = np.array([[10.0, 0], [505, 0]])
    result = solve_max_cover(demand, weights, candidates, 15.0, 1, fixed_xy=[[500.0, 0]])
    # The fixed bin at 500 m already reaches the 5 and the 1 at 510 → the new site goes west.
    assert result.chosen.tolist() == [0]
    assert result.fixed_covered_weight == 6.0 and result.objective == 3.0
    assert result.covered_weight == 9.0 and result.covered.all()


def test_greedy_stops_when_nothing_left_to_cover() -> None:
    demand = np.array([[0.0, 0]])
    result = solve_max_cover(demand, [1.0], [[0.0, 0], [1.0, 0], [2.0, 0]], 5.0, 3)
    assert result.chosen.tolist() == [0]  # ties broken by the lowest index
    exact = solve_max_cover(demand, [1.0], [[0.0, 0]], 5.0, 2, fixed_xy=[[0.0, 0]], method="exact")
    assert exact.status == "trivial" and exact.objective == 0.0


def test_deterministic_and_ties_by_index() -> None:
    demand, weights, candidates = _instance(3, 1000, 100, clustered=True)
    doubled = np.vstack([candidates, candidates])  # every site has an identical twin
    a = solve_max_cover(demand, weights, doubled, 200.0, 10)
    b = solve_max_cover(demand, weights, doubled, 200.0, 10)
    assert a.chosen.tolist() == b.chosen.tolist()
    assert (a.chosen < 100).all()


def test_coverage_matrix_counts_boundary_as_covered() -> None:
    matrix = coverage_matrix(np.array([[0.0, 0], [3, 4], [6, 8]]), np.array([[0.0, 0]]), 5.0)
    assert matrix.toarray().tolist() == [[1.0, 1.0, 0.0]]


def test_bad_inputs() -> None:
    with pytest.raises(AnalysisInputError, match="weights"):
        solve_max_cover([[0.0, 0]], [-1.0], [[0.0, 0]], 5.0, 1)
    with pytest.raises(AnalysisInputError, match="radius_m"):
        solve_max_cover([[0.0, 0]], [1.0], [[0.0, 0]], 0.0, 1)
    with pytest.raises(AnalysisInputError, match="demand_xy"):
        solve_max_cover([[np.nan, 0]], [1.0], [[0.0, 0]], 5.0, 1)
    with pytest.raises(AnalysisInputError, match="method"):
        solve_max_cover([[0.0, 0]], [1.0], [[0.0, 0]], 5.0, 1, method="magic")  # type: ignore[arg-type]


CASES = [
    pytest.param(200, 40, 5, id="200x40"),
    pytest.param(1000, 100, 10, id="1000x100"),
    pytest.param(2000, 200, 20, id="2000x200", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("n", "m", "p"), CASES)
@pytest.mark.parametrize("clustered", [True, False], ids=["clustered", "uniform"])
def test_exact_matches_spopt_and_greedy_is_close(n: int, m: int, p: int, clustered: bool) -> None:
    for seed in (1, 2):
        demand, weights, candidates = _instance(seed, n, m, clustered)
        reference = _spopt_objective(demand, weights, candidates, 200.0, p)
        exact = solve_max_cover(demand, weights, candidates, 200.0, p, method="exact")
        greedy = solve_max_cover(demand, weights, candidates, 200.0, p, method="greedy")
        assert exact.status == "optimal"
        assert exact.objective == pytest.approx(reference, rel=1e-9)
        assert greedy.objective >= 0.98 * reference
        assert greedy.objective <= reference + 1e-9


def test_fixed_sites_match_spopt_predefined_facilities() -> None:
    demand, weights, candidates = _instance(5, 1000, 100, clustered=True)
    fixed = candidates[:5]
    ours = solve_max_cover(
        demand, weights, candidates[5:], 200.0, 8, fixed_xy=fixed, method="exact"
    )
    reference = _spopt_objective(demand, weights, candidates, 200.0, 13, predefined=np.arange(5))
    assert ours.covered_weight == pytest.approx(reference, rel=1e-9)
