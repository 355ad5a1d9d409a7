from __future__ import annotations

import numpy as np
import pytest

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.sizing import (
    SizingParameters,
    bin_capacity_kg,
    bins_needed,
    condition_capacity_factor,
    waste_kg_per_cycle,
)


def test_worked_example_from_domain_notes() -> None:
    waste = waste_kg_per_cycle(165 * 3.1, SizingParameters())
    assert waste == pytest.approx(907.7, abs=0.05)
    assert bin_capacity_kg(240) == pytest.approx(24.96)
    assert bins_needed(waste, 240) == 37


def test_collection_interval_override_and_nan_fallback() -> None:
    persons = np.array([100.0, 100.0])
    waste = waste_kg_per_cycle(persons, collection_interval_days=[7.0, np.nan])
    per_day = 100 * 0.7 * 1.3 * 0.65
    assert waste == pytest.approx([per_day * 7, per_day * 3])


def test_bins_needed_is_exact_on_whole_multiples() -> None:
    assert bins_needed(24.96 * 3, 240) == 3
    assert bins_needed(0.0, 240) == 0


def test_condition_factors() -> None:
    params = SizingParameters(damaged_capacity_factor=0.25)
    assert condition_capacity_factor("usable", params) == 1.0
    assert condition_capacity_factor("overflowing", params) == 1.0
    assert condition_capacity_factor("damaged", params) == 0.25
    assert condition_capacity_factor("missing", params) == 0.0
    with pytest.raises(AnalysisInputError, match="unknown bin condition"):
        condition_capacity_factor("stolen", params)


def test_invalid_parameters_name_the_field() -> None:
    with pytest.raises(AnalysisInputError) as err:
        SizingParameters(density_kg_m3=0)
    assert err.value.field == "density_kg_m3"
    with pytest.raises(AnalysisInputError):
        SizingParameters(damaged_capacity_factor=1.5)
    with pytest.raises(AnalysisInputError):
        bins_needed(10.0, 0)
