"""Bin sizing: waste produced per collection cycle and the bins needed to hold it.

Formulas (see ``docs/DOMAIN.md``)::

    waste_kg_per_cycle = persons × g × T × k_peak × f_coll
    bin_capacity_kg    = V_m3 × rho × fill
    bins_needed        = ceil(waste_kg_per_cycle / bin_capacity_kg)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fieldsvc.analysis import defaults
from fieldsvc.analysis.errors import AnalysisInputError

#: Conditions a surveyor records, and the share of a bin's volume each one contributes to
#: usable capacity. Damaged is the ``damaged_capacity_factor`` of :class:`SizingParameters`.
CONDITIONS: tuple[str, ...] = ("usable", "damaged", "missing", "overflowing")
#: Conditions that make a bin count for coverage (an overflowing bin exists, it is just full).
SERVING_CONDITIONS: tuple[str, ...] = ("usable", "overflowing")
STREAMS: tuple[str, ...] = ("general", "organic", "recyclable", "hazardous")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SizingParameters:
    """Deployment defaults for sizing; every value is overridable.

    Attributes
    ----------
    g_kg_per_person_day
        Waste generated per person per day, kg (rural อบต. default 0.7).
    collection_interval_days
        Days between collections, T (village values override it).
    k_peak
        Peak factor for festivals and fruit season (1.2–1.5).
    f_coll
        Share of household waste put in communal bins (0.65).
    density_kg_m3
        Loose density of waste in a bin, kg/m³ (130).
    fill_fraction
        Usable fraction of the bin volume (0.8).
    persons_per_household
        Used when a household or village has no person count (3.1).
    damaged_capacity_factor
        Share of a damaged bin's volume counted as usable capacity (0.5). Missing bins count
        0, overflowing bins count fully.
    """

    g_kg_per_person_day: float = defaults.WASTE_KG_PER_PERSON_DAY
    collection_interval_days: float = defaults.COLLECTION_INTERVAL_DAYS
    k_peak: float = defaults.PEAK_FACTOR
    f_coll: float = defaults.COLLECTED_SHARE
    density_kg_m3: float = defaults.BIN_DENSITY_KG_M3
    fill_fraction: float = defaults.BIN_FILL_FRACTION
    persons_per_household: float = defaults.PERSONS_PER_HOUSEHOLD
    damaged_capacity_factor: float = defaults.DAMAGED_CAPACITY_FACTOR

    def __post_init__(self) -> None:
        for name in (
            "g_kg_per_person_day",
            "collection_interval_days",
            "k_peak",
            "f_coll",
            "density_kg_m3",
            "fill_fraction",
            "persons_per_household",
        ):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise AnalysisInputError.of(
                    "sizing_parameter_invalid",
                    field=name,
                    details={"value": value, "expected": "> 0"},
                    name=name,
                    value=value,
                )
        if not 0.0 <= self.damaged_capacity_factor <= 1.0:
            raise AnalysisInputError.of(
                "damaged_factor_out_of_range",
                field="damaged_capacity_factor",
                details={"value": self.damaged_capacity_factor, "expected": "0..1"},
                value=self.damaged_capacity_factor,
            )


def waste_kg_per_cycle(
    persons: float | npt.ArrayLike,
    params: SizingParameters = SizingParameters(),
    *,
    collection_interval_days: float | npt.ArrayLike | None = None,
) -> Any:
    """Waste put in communal bins between two collections, in kg.

    Parameters
    ----------
    persons
        Number of residents (scalar or array).
    params
        Sizing defaults.
    collection_interval_days
        Override of ``params.collection_interval_days`` (scalar or array aligned with
        ``persons``; NaN entries fall back to the default).

    Returns
    -------
    float or numpy.ndarray
        ``persons × g × T × k_peak × f_coll``.

    Examples
    --------
    >>> round(waste_kg_per_cycle(165 * 3.1), 1)
    907.7
    """
    t_days: Any = params.collection_interval_days
    if collection_interval_days is not None:
        t_days = np.asarray(collection_interval_days, dtype=float)
        t_days = np.where(np.isnan(t_days), params.collection_interval_days, t_days)
        if np.any(t_days <= 0):
            raise AnalysisInputError.of(
                "collection_interval_invalid", field="collection_interval_days"
            )
    result = (
        np.asarray(persons, dtype=float)
        * params.g_kg_per_person_day
        * t_days
        * params.k_peak
        * params.f_coll
    )
    return float(result) if np.ndim(result) == 0 else result


def bin_capacity_kg(
    capacity_l: float | npt.ArrayLike, params: SizingParameters = SizingParameters()
) -> Any:
    """Mass of waste one bin holds when filled to the usable fraction, in kg.

    Examples
    --------
    >>> round(bin_capacity_kg(240), 2)
    24.96
    """
    result = (
        np.asarray(capacity_l, dtype=float) / 1000.0 * params.density_kg_m3 * params.fill_fraction
    )
    return float(result) if np.ndim(result) == 0 else result


def bins_needed(
    waste_kg: float | npt.ArrayLike,
    capacity_l: float = 240.0,
    params: SizingParameters = SizingParameters(),
) -> Any:
    """Number of bins of ``capacity_l`` litres needed to hold ``waste_kg`` per cycle.

    Examples
    --------
    >>> bins_needed(waste_kg_per_cycle(165 * 3.1), 240)
    37
    """
    if capacity_l <= 0:
        raise AnalysisInputError.of(
            "capacity_not_positive", field="capacity_l", capacity_l=capacity_l
        )
    # Round before ceil so 36.0000000001 from float noise is not turned into 37.
    ratio = np.round(np.asarray(waste_kg, dtype=float) / bin_capacity_kg(capacity_l, params), 9)
    result = np.ceil(ratio)
    if np.ndim(result) == 0:
        return int(result) if np.isfinite(result) else float("nan")
    return result


def condition_capacity_factor(
    condition: str, params: SizingParameters = SizingParameters()
) -> float:
    """Share of a bin's volume that counts as usable capacity for its ``condition``."""
    factors = condition_capacity_factors(params)
    if condition not in factors:
        raise AnalysisInputError.of(
            "bin_condition_unknown",
            field="condition",
            details={"value": condition, "expected": list(CONDITIONS)},
            condition=condition,
            allowed=CONDITIONS,
        )
    return factors[condition]


def condition_capacity_factors(params: SizingParameters = SizingParameters()) -> dict[str, float]:
    """Capacity factor per condition: usable 1, overflowing 1, damaged configurable, missing 0."""
    return {
        "usable": 1.0,
        "overflowing": 1.0,
        "damaged": params.damaged_capacity_factor,
        "missing": 0.0,
    }
