"""Inspection rounds over a past period: every due date the policy set, and whether it was met.

The rounds (:func:`fieldsvc.analysis.rounds.inspection_due`) give each bin one due date as of a
day: its last inspection's date plus the interval of the condition found (or its installation
date when never inspected). Replaying the history gives the chain of due dates a bin had:

* its installation date, when it has one (a new bin is due for a first inspection once in
  place);
* after each inspection, that inspection's date plus the interval of its condition, computed
  by :func:`~fieldsvc.analysis.rounds.inspection_due` itself (same defaults and overrides).

A due date is **due in a period** when it falls in the period (first and last day included),
and it is **met** when the bin's next inspection came on or before that date. A due date not
met is the one :func:`~fieldsvc.analysis.rounds.inspection_due` reports as ``overdue`` from
the next day until the bin is inspected: a missed date counts once, not once per day late.
An early inspection meets the date and sets the next one. Dates are Thai calendar days (the
caller converts timestamps).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from fieldsvc.analysis.inputs import require_columns
from fieldsvc.analysis.rounds import RoundPolicy, inspection_due

#: Columns of the result, one row per due date in the period.
DUE_DATE_COLUMNS = ["bin_id", "village_id", "due_on", "inspected_on", "met"]


def due_dates_between(
    bins: pd.DataFrame,
    inspections: pd.DataFrame,
    first: date,
    last: date,
    *,
    defaults: RoundPolicy | None = None,
    overrides: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every due date of ``first`` … ``last`` (inclusive) and whether it was met.

    Parameters
    ----------
    bins
        ``bin_id``, ``village_id``, ``stream`` and optionally ``installed_on`` (date).
    inspections
        ``bin_id``, ``observed_on`` (Thai calendar date) and ``condition``; rows of one day
        count in frame order.
    first, last
        The period, both days included.
    defaults, overrides
        The round policy, as for :func:`~fieldsvc.analysis.rounds.inspection_due`.

    Returns
    -------
    pandas.DataFrame
        :data:`DUE_DATE_COLUMNS`: the bin, its village, the due date, the date of the bin's
        next inspection after the one that set it (None when none yet) and ``met``
        (inspected on or before the due date), ordered by due date and bin.

    Examples
    --------
    >>> bins = pd.DataFrame({"bin_id": [1], "village_id": [1], "stream": ["general"]})
    >>> seen = pd.DataFrame({"bin_id": [1, 1, 1], "condition": ["usable", "damaged", "usable"],
    ...     "observed_on": [date(2026, 10, 1), date(2026, 10, 20), date(2026, 10, 30)]})
    >>> out = due_dates_between(bins, seen, date(2026, 10, 1), date(2026, 11, 30))
    >>> [(str(d), m) for d, m in zip(out["due_on"], out["met"])]
    [('2026-10-27', False), ('2026-10-31', True), ('2026-11-29', False)]
    """
    require_columns(bins, "bins", ("bin_id", "village_id", "stream"))
    require_columns(inspections, "inspections", ("bin_id", "observed_on", "condition"))
    known = bins.set_index("bin_id")
    seen = inspections[inspections["bin_id"].isin(known.index)].copy()
    seen["_order"] = range(len(seen))
    seen = seen.sort_values(["bin_id", "observed_on", "_order"], kind="stable")
    seen["village_id"] = known["village_id"].reindex(seen["bin_id"]).to_numpy()
    seen["stream"] = known["stream"].reindex(seen["bin_id"]).to_numpy()
    seen["last_inspected_on"] = seen["observed_on"]
    after = inspection_due(
        seen[["bin_id", "village_id", "stream", "condition", "last_inspected_on"]],
        as_of=last,
        defaults=defaults,
        overrides=overrides,
    )
    chain = pd.DataFrame(
        {
            "bin_id": seen["bin_id"].to_numpy(),
            "village_id": seen["village_id"].to_numpy(),
            "due_on": after["due_on"].to_numpy(),
            "inspected_on": seen.groupby("bin_id")["observed_on"].shift(-1).to_numpy(),
        }
    )
    if "installed_on" in bins.columns:
        placed = bins[pd.notna(bins["installed_on"])]
        first_seen = seen.groupby("bin_id")["observed_on"].first()
        chain = pd.concat(
            [
                chain,
                pd.DataFrame(
                    {
                        "bin_id": placed["bin_id"].to_numpy(),
                        "village_id": placed["village_id"].to_numpy(),
                        "due_on": [pd.Timestamp(d).date() for d in placed["installed_on"]],
                        "inspected_on": first_seen.reindex(placed["bin_id"]).to_numpy(),
                    }
                ),
            ],
            ignore_index=True,
        )
    due_on = pd.to_datetime(chain["due_on"])
    inspected = pd.to_datetime(chain["inspected_on"])
    inside = (due_on >= pd.Timestamp(first)) & (due_on <= pd.Timestamp(last))
    out = chain[inside.to_numpy()].copy()
    out["inspected_on"] = [None if pd.isna(d) else d.date() for d in inspected[inside]]
    out["met"] = (inspected[inside].notna() & (inspected[inside] <= due_on[inside])).to_numpy()
    out = out.sort_values(["due_on", "bin_id"], kind="stable").reset_index(drop=True)
    return pd.DataFrame(out[DUE_DATE_COLUMNS])
