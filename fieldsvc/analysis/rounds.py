"""Inspection rounds: when each bin is next due for inspection, and where it stands today.

The policy
----------
Every bin is inspected again a number of days after its last inspection, chosen by the
condition that inspection found:

* ``usable``: at least every ``usable_days`` (default 30);
* ``damaged`` or ``overflowing``: sooner, every ``attention_days`` (default 7);
* ``missing``: re-checked after ``missing_days`` (default 3; 0 means due at once), to
  confirm it is gone (or was put back) before it is replaced.

A bin never inspected is due on its installation date when it has one (a new bin is
inspected once it is in place) and otherwise at once (on the day asked about).

Each number can be set per village, per stream, or per village and stream; the most specific
row that sets a number wins (village and stream, then village, then stream, then the
defaults).

The round
---------
A bin's *round* as of day ``D`` is the window of its usable interval ending on ``D``: the
``usable_days`` days ``D - usable_days + 1 … D``. Once in every round a bin is inspected.
The state of a bin as of ``D`` is the first of these that holds:

* ``overdue``: its due date has passed (``due_on < D``);
* ``due``: it falls due today or within the next ``due_soon_days`` days;
* ``done``: inspected this round (and not due again soon);
* ``not_due``: otherwise (a bin installed recently and not yet inspected, or one whose
  interval is longer than a round, e.g. a stream inspected less often).

Dates are calendar days in Thailand (the caller converts timestamps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from fieldsvc.analysis.errors import AnalysisInputError

#: The states, in the order a list of "what to inspect" shows them.
DUE_STATES: Final = ("overdue", "due", "done", "not_due")
ATTENTION_CONDITIONS: Final = ("damaged", "overflowing")
POLICY_COLUMNS: Final = ["village_id", "stream", "usable_days", "attention_days", "missing_days"]
INTERVAL_COLUMNS: Final = ("usable_days", "attention_days", "missing_days")
REQUIRED_COLUMNS: Final = ("village_id", "stream", "condition", "last_inspected_on")


@dataclass(frozen=True)
class RoundPolicy:
    """The default intervals, days (deployment settings ``FIELDSVC_ROUNDS_*``)."""

    usable_days: int = 30
    attention_days: int = 7
    missing_days: int = 3
    due_soon_days: int = 7

    def __post_init__(self) -> None:
        for name in ("usable_days", "attention_days"):
            if getattr(self, name) <= 0:
                raise AnalysisInputError.of("parameter_not_positive", field=name, name=name)
        for name in ("missing_days", "due_soon_days"):
            if getattr(self, name) < 0:
                raise AnalysisInputError.of("parameter_negative", field=name, name=name)


def _require_columns(frame: pd.DataFrame, needed: Sequence[str], name: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise AnalysisInputError.of(
            "column_missing",
            field=name,
            name=name,
            missing=", ".join(missing),
            missing_list=", ".join(missing),
            columns=", ".join(map(str, frame.columns)),
        )


def empty_policy_overrides() -> pd.DataFrame:
    """An override table with no rows (the defaults apply everywhere)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in POLICY_COLUMNS})


def _intervals(bins: pd.DataFrame, overrides: pd.DataFrame, defaults: RoundPolicy) -> pd.DataFrame:
    """Per bin, the three intervals after applying the overrides, most specific first."""
    out = pd.DataFrame(
        {name: float(getattr(defaults, name)) for name in INTERVAL_COLUMNS}, index=bins.index
    )
    if overrides.empty:
        return out.astype(int)
    village = bins["village_id"].astype("object")
    stream = bins["stream"].astype("object")
    # Least specific first, so that the more specific rows overwrite.
    levels = (
        (overrides["village_id"].isna() & overrides["stream"].isna()),
        (overrides["village_id"].isna() & overrides["stream"].notna()),
        (overrides["village_id"].notna() & overrides["stream"].isna()),
        (overrides["village_id"].notna() & overrides["stream"].notna()),
    )
    for level in levels:
        for row in overrides[level].itertuples(index=False):
            hit = pd.Series(True, index=bins.index)
            if pd.notna(row.village_id):
                hit &= village.eq(int(row.village_id)).fillna(False).astype(bool)
            if pd.notna(row.stream):
                hit &= stream.eq(str(row.stream)).fillna(False).astype(bool)
            for name in INTERVAL_COLUMNS:
                value = getattr(row, name)
                if pd.notna(value):
                    out.loc[hit, name] = float(value)
    return out.astype(int)


def inspection_due(
    bins: pd.DataFrame,
    *,
    as_of: date,
    defaults: RoundPolicy | None = None,
    overrides: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each bin's next due date and its state as of ``as_of``.

    Parameters
    ----------
    bins
        One row per bin (a GeoDataFrame works; geometry is kept) with ``village_id``,
        ``stream``, ``condition`` (of the last inspection) and ``last_inspected_on`` (a
        ``datetime.date`` in Thai time, or missing when never inspected); optionally
        ``installed_on`` (date).
    as_of
        The day asked about (Thai calendar day).
    defaults
        The default intervals; ``RoundPolicy()`` when not given.
    overrides
        Rows of ``village_id``, ``stream`` (either may be missing: any), ``usable_days``,
        ``attention_days``, ``missing_days`` (missing: not set at this level).

    Returns
    -------
    pandas.DataFrame
        A copy of ``bins`` with ``interval_days`` (the interval that applies to the bin's
        condition), ``round_days`` (its usable interval), ``due_on`` (date), ``days_overdue``
        (``as_of - due_on`` when positive, else 0) and ``due_state`` (one of
        ``DUE_STATES``), in the input's order.

    Examples
    --------
    >>> from datetime import date
    >>> frame = pd.DataFrame({"village_id": [1, 1], "stream": ["general", "general"],
    ...     "condition": ["usable", "damaged"],
    ...     "last_inspected_on": [date(2026, 11, 1), date(2026, 11, 20)]})
    >>> out = inspection_due(frame, as_of=date(2026, 12, 2))
    >>> [str(d) for d in out["due_on"]], list(out["due_state"])
    (['2026-12-01', '2026-11-27'], ['overdue', 'overdue'])
    """
    _require_columns(bins, REQUIRED_COLUMNS, "bins")
    defaults = defaults or RoundPolicy()
    overrides = empty_policy_overrides() if overrides is None else overrides
    _require_columns(overrides, POLICY_COLUMNS, "overrides")
    out = bins.copy()
    intervals = _intervals(bins, overrides, defaults)
    condition = bins["condition"].astype(str)
    interval = np.where(
        condition.isin(ATTENTION_CONDITIONS),
        intervals["attention_days"],
        np.where(condition.eq("missing"), intervals["missing_days"], intervals["usable_days"]),
    ).astype(int)
    today = pd.Timestamp(as_of)
    last = pd.to_datetime(bins["last_inspected_on"], errors="coerce")
    installed = (
        pd.to_datetime(bins["installed_on"], errors="coerce")
        if "installed_on" in bins.columns
        else pd.Series(pd.NaT, index=bins.index)
    )
    step = pd.to_timedelta(interval, unit="D")
    # Never inspected: due once installed (if known), else at once.
    due = (last + step).where(last.notna(), installed.where(installed.notna(), today))
    round_days = intervals["usable_days"].to_numpy()
    round_start = today - pd.to_timedelta(round_days - 1, unit="D")
    soon = today + timedelta(days=defaults.due_soon_days)
    state = np.select(
        [
            due < today,
            due <= soon,
            last.notna() & (last >= round_start) & (last <= today),
        ],
        ["overdue", "due", "done"],
        default="not_due",
    )
    out["interval_days"] = interval
    out["round_days"] = round_days.astype(int)
    out["due_on"] = [d.date() for d in due]
    out["days_overdue"] = np.maximum((today - due).dt.days.to_numpy(), 0).astype(int)
    out["due_state"] = pd.Categorical(state, categories=list(DUE_STATES))
    return out


def round_counts(due: pd.DataFrame, *, by: str = "village_id") -> pd.DataFrame:
    """How many bins are in each state, per ``by`` (a village, by default).

    Parameters
    ----------
    due
        The output of :func:`inspection_due`.
    by
        The column to group on.

    Returns
    -------
    pandas.DataFrame
        One row per value of ``by`` with ``overdue``, ``due``, ``done``, ``not_due`` and
        ``bins`` (all counts, ints).
    """
    _require_columns(due, (by, "due_state"), "due")
    table = (
        pd.crosstab(due[by], due["due_state"], dropna=False)
        .reindex(columns=list(DUE_STATES), fill_value=0)
        .astype(int)
    )
    table.columns = list(DUE_STATES)
    table["bins"] = table.sum(axis=1)
    return table.reset_index()
