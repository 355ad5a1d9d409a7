"""Checks on the columns of the frames handed to the analysis engine.

The storage bridge produces these frames (all EPSG:4326):

villages
    ``village_id, number, name, households, population, collection_interval_days,
    geometry`` (Polygon/MultiPolygon or None; ``households``, ``population`` and
    ``collection_interval_days`` are nullable).
bins
    ``bin_id, code, village_id, capacity_l, stream, condition, geometry`` (Point or None).
households
    ``household_id, village_id, persons, geometry`` (Point; ``persons`` nullable).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.sizing import CONDITIONS, STREAMS

VILLAGE_COLUMNS = ("village_id", "households", "population", "collection_interval_days")
BIN_COLUMNS = ("bin_id", "village_id", "capacity_l", "stream", "condition")
HOUSEHOLD_COLUMNS = ("household_id", "village_id", "persons")


def require_columns(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    """Raise :class:`AnalysisInputError` naming every missing column of ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisInputError.of(
            "column_missing",
            field=f"{name}.{missing[0]}",
            details={"missing": missing, "present": [str(c) for c in frame.columns]},
            name=name,
            missing=missing,
            missing_list=", ".join(missing),
            columns=list(frame.columns),
        )


def require_unique(values: pd.Series, name: str) -> None:
    """Raise when ``values`` has duplicates or nulls (an identifier column)."""
    if values.hasnans:
        raise AnalysisInputError.of(
            "identifier_missing",
            field=name,
            details={"rows": values.index[values.isna()][:10].tolist()},
            name=name,
        )
    if values.is_unique:  # the usual case, answered without building a mask
        return
    dup = values[values.duplicated()]
    if len(dup):
        raise AnalysisInputError.of(
            "identifier_duplicate",
            field=name,
            details={"values": dup.unique()[:10].tolist()},
            name=name,
            example=dup.iloc[0],
        )


def require_allowed(values: pd.Series, name: str, allowed: Iterable[str]) -> None:
    """Raise when ``values`` contains anything outside ``allowed`` (nulls included)."""
    allowed = tuple(allowed)
    if set(pd.unique(values)) <= set(allowed):  # a column holds a few distinct values
        return
    bad = ~values.isin(allowed)
    if bad.any():
        examples = values[bad].astype(str).unique()[:10].tolist()
        raise AnalysisInputError.of(
            "value_not_allowed",
            field=name,
            details={"value": examples, "expected": list(allowed)},
            name=name,
            value=examples,
            allowed=list(allowed),
        )


def village_positions(
    village_ids: pd.Index, referring: pd.Series, name: str
) -> npt.NDArray[np.intp]:
    """Row position in ``village_ids`` of each value of ``referring``; raise on unknown ids."""
    values = referring.array
    if values.dtype.kind in "iu" and not referring.hasnans:
        # a nullable integer column without nulls: its numpy values take the index's fast
        # path (as an extension array it is looked up as objects)
        values = referring.to_numpy(dtype=np.int64)
    pos = village_ids.get_indexer(values)
    if (pos < 0).any():
        examples = referring[pos < 0].astype(str).unique()[:10].tolist()
        raise AnalysisInputError.of(
            "village_unknown", field=name, details={"value": examples}, name=name, villages=examples
        )
    return np.asarray(pos, dtype=np.intp)


def float_values(values: pd.Series) -> npt.NDArray[np.float64]:
    """``values`` as floats, NaN where missing or not a number (``pd.to_numeric`` with
    ``errors="coerce"``, skipped for a column already numeric): checks and sums on numpy,
    as pandas' nullable comparisons cost more than the rest of a subdistrict's check."""
    if values.dtype.kind not in "biuf":
        values = pd.to_numeric(values, errors="coerce")
    return values.to_numpy(dtype=float, na_value=np.nan)


def check_bins(bins: pd.DataFrame) -> None:
    """Validate the columns and values of a bins frame."""
    require_columns(bins, "bins", BIN_COLUMNS)
    require_unique(bins["bin_id"], "bins.bin_id")
    require_allowed(bins["stream"], "bins.stream", STREAMS)
    require_allowed(bins["condition"], "bins.condition", CONDITIONS)
    cap = float_values(bins["capacity_l"])
    bad = ~(cap > 0)  # missing (NaN) too
    if bad.any():
        raise AnalysisInputError.of(
            "bin_capacity_invalid",
            field="bins.capacity_l",
            bin_ids=bins.loc[bad, "bin_id"].astype(str).tolist()[:10],
        )


def check_villages(villages: pd.DataFrame) -> None:
    """Validate the columns of a villages frame."""
    require_columns(villages, "villages", VILLAGE_COLUMNS)
    require_unique(villages["village_id"], "villages.village_id")
    for col in ("households", "population"):
        if (float_values(villages[col]) < 0).any():
            raise AnalysisInputError.of("count_negative", field=col, name=f"villages.{col}")


def check_households(households: pd.DataFrame) -> None:
    """Validate the columns of a households frame."""
    require_columns(households, "households", HOUSEHOLD_COLUMNS)
    require_unique(households["household_id"], "households.household_id")
    if (float_values(households["persons"]) < 0).any():
        raise AnalysisInputError.of(
            "count_negative", field="households.persons", name="households.persons"
        )
