"""The domain defaults are written once: analysis uses them, settings read them."""

from __future__ import annotations

import inspect

from fieldsvc.analysis import defaults
from fieldsvc.analysis.allocation import allocate_bins
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.sizing import SizingParameters, bins_needed, waste_kg_per_cycle
from fieldsvc.config import Settings


def test_settings_and_sizing_parameters_start_from_the_same_defaults() -> None:
    settings, sizing = Settings(_env_file=None), SizingParameters()  # type: ignore[call-arg]
    pairs = {
        "waste_kg_per_person_day": sizing.g_kg_per_person_day,
        "collection_interval_days": sizing.collection_interval_days,
        "peak_factor": sizing.k_peak,
        "collected_share": sizing.f_coll,
        "bin_density_kg_m3": sizing.density_kg_m3,
        "bin_fill_fraction": sizing.fill_fraction,
        "persons_per_household": sizing.persons_per_household,
    }
    assert {name: getattr(settings, name) for name in pairs} == pairs
    assert settings.service_radius_m == defaults.SERVICE_RADIUS_M == 200.0
    assert settings.detour_factor == defaults.DETOUR_FACTOR == 1.3


def test_coverage_and_allocation_default_to_the_same_radius_and_detour() -> None:
    for function in (coverage_by_village, allocate_bins):
        parameters = inspect.signature(function).parameters
        assert parameters["radius_m"].default == defaults.SERVICE_RADIUS_M
        assert parameters["detour_factor"].default == defaults.DETOUR_FACTOR


def test_the_worked_example_of_domain_md_holds_with_the_defaults() -> None:
    # 165 households × 3.1 persons, g 0.7, T 3, k_peak 1.3, f_coll 0.65 → 907.7 kg → 37 bins.
    waste = waste_kg_per_cycle(165 * defaults.PERSONS_PER_HOUSEHOLD)
    assert round(waste, 1) == 907.7
    assert bins_needed(waste, 240) == 37
