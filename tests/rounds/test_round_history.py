"""Due dates over a past period (the ITA report's "inspections due"), with hand-made answers:
the first due date of an installed bin, per-village overrides, the period's edges, and the
agreement with the rounds' state of a day."""

from __future__ import annotations

import doctest
from datetime import date

import pandas as pd

from fieldsvc.analysis import round_history
from fieldsvc.analysis.round_history import due_dates_between
from fieldsvc.analysis.rounds import RoundPolicy, inspection_due


def test_the_examples_hold() -> None:
    failed, tried = doctest.testmod(round_history, verbose=False)
    assert (failed, tried) == (0, 4)


def _rows(frame: pd.DataFrame) -> list[tuple[int, str, str | None, bool]]:
    return [
        (int(b), str(d), None if i is None else str(i), bool(m))
        for b, d, i, m in zip(
            frame["bin_id"], frame["due_on"], frame["inspected_on"], frame["met"], strict=True
        )
    ]


def test_installed_bins_are_due_on_their_installation_day_and_overrides_apply() -> None:
    bins = pd.DataFrame(
        {
            "bin_id": [1, 2, 3],
            "village_id": [1, 2, 2],
            "stream": ["general", "general", "organic"],
            "installed_on": [date(2026, 10, 10), None, date(2026, 12, 1)],
        }
    )
    seen = pd.DataFrame(
        {
            "bin_id": [1, 2, 2],
            "observed_on": [date(2026, 10, 12), date(2026, 10, 1), date(2026, 10, 20)],
            "condition": ["usable", "overflowing", "usable"],
        }
    )
    # หมู่ 2 is visited every 14 days when usable (and 2 when overflowing).
    overrides = pd.DataFrame(
        {"village_id": [2], "stream": [None], "usable_days": [14], "attention_days": [2],
         "missing_days": [None]}
    )  # fmt: skip
    out = due_dates_between(
        bins,
        seen,
        date(2026, 10, 1),
        date(2026, 12, 1),
        defaults=RoundPolicy(),
        overrides=overrides,
    )
    assert _rows(out) == [
        (2, "2026-10-03", "2026-10-20", False),  # overflowing 1 Oct + 2
        (1, "2026-10-10", "2026-10-12", False),  # installed 10 Oct, first seen on the 12th
        (2, "2026-11-03", None, False),  # 20 Oct + 14
        (1, "2026-11-11", None, False),  # 12 Oct + 30 (default)
        (3, "2026-12-01", None, False),  # installed on the period's last day: due, not met
    ]


def test_the_period_includes_both_ends_and_an_early_visit_meets_the_date() -> None:
    bins = pd.DataFrame({"bin_id": [7], "village_id": [1], "stream": ["general"]})
    seen = pd.DataFrame(
        {
            "bin_id": [7, 7, 7],
            "observed_on": [date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 31)],
            "condition": ["usable", "usable", "usable"],
        }
    )
    out = due_dates_between(bins, seen, date(2026, 10, 1), date(2026, 10, 30))
    assert _rows(out) == [
        (7, "2026-10-01", "2026-09-30", True),  # 1 Sep + 30, visited a day early
        (7, "2026-10-30", "2026-10-31", False),  # 30 Sep + 30, visited a day late
    ]
    # The rounds of 31 Oct before that visit show the same date overdue.
    state = inspection_due(
        pd.DataFrame(
            {"village_id": [1], "stream": ["general"], "condition": ["usable"],
             "last_inspected_on": [date(2026, 9, 30)]}
        ),
        as_of=date(2026, 10, 31),
    )  # fmt: skip
    assert (str(state["due_on"].iloc[0]), state["due_state"].iloc[0]) == ("2026-10-30", "overdue")
