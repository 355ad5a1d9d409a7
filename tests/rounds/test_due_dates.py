"""Due dates and round states, with answers worked out by hand (as of 2 December 2026)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.rounds import RoundPolicy, inspection_due, round_counts

AS_OF = date(2026, 12, 2)
POLICY = RoundPolicy(usable_days=30, attention_days=7, missing_days=3, due_soon_days=7)


def frame(rows: list[tuple[str, int, str, str, date | None, date | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["code", "village_id", "stream", "condition", "last_inspected_on", "installed_on"],
    )


BINS = frame(
    [
        # usable, inspected 1 Nov: due 1 Dec, passed -> overdue by 1 day
        ("A", 1, "general", "usable", date(2026, 11, 1), None),
        # usable, inspected 5 Nov: due 5 Dec, within the 7 days ahead -> due
        ("B", 1, "general", "usable", date(2026, 11, 5), None),
        # usable, inspected 20 Nov: due 20 Dec (> 9 Dec), inspected in the round 3 Nov..2 Dec
        ("C", 1, "general", "usable", date(2026, 11, 20), None),
        # damaged, inspected 28 Nov: due 5 Dec -> due (sooner than a usable bin)
        ("D", 1, "general", "damaged", date(2026, 11, 28), None),
        # overflowing, inspected 20 Nov: due 27 Nov -> overdue by 5 days
        ("E", 2, "general", "overflowing", date(2026, 11, 20), None),
        # missing, inspected 1 Dec: re-check 4 Dec -> due
        ("F", 2, "general", "missing", date(2026, 12, 1), None),
        # never inspected, installed 25 Nov: due at installation -> overdue by 7 days
        ("G", 2, "general", "usable", None, date(2026, 11, 25)),
        # never inspected, installed 20 Dec (planned): due 20 Dec -> not yet due
        ("H", 2, "general", "usable", None, date(2026, 12, 20)),
        # never inspected, no installation date: due at once, today -> due
        ("I", 2, "general", "usable", None, None),
    ]
)


def test_each_bin_gets_its_due_date_and_state() -> None:
    out = inspection_due(BINS, as_of=AS_OF, defaults=POLICY)
    got = {
        c: (d, str(s), n)
        for c, d, s, n in zip(out.code, out.due_on, out.due_state, out.days_overdue, strict=True)
    }
    assert got == {
        "A": (date(2026, 12, 1), "overdue", 1),
        "B": (date(2026, 12, 5), "due", 0),
        "C": (date(2026, 12, 20), "done", 0),
        "D": (date(2026, 12, 5), "due", 0),
        "E": (date(2026, 11, 27), "overdue", 5),
        "F": (date(2026, 12, 4), "due", 0),
        "G": (date(2026, 11, 25), "overdue", 7),
        "H": (date(2026, 12, 20), "not_due", 0),
        "I": (date(2026, 12, 2), "due", 0),
    }
    assert list(out["interval_days"]) == [30, 30, 30, 7, 7, 3, 30, 30, 30]


def test_the_round_edges_are_inclusive() -> None:
    # due exactly today -> due; due exactly 7 days ahead -> due; 8 days ahead -> done
    bins = frame(
        [
            ("T", 1, "general", "usable", date(2026, 11, 2), None),  # due 2 Dec
            ("S", 1, "general", "usable", date(2026, 11, 9), None),  # due 9 Dec
            ("R", 1, "general", "usable", date(2026, 11, 10), None),  # due 10 Dec
            ("Q", 1, "general", "usable", date(2026, 12, 3), None),  # after the day asked
        ]
    )
    out = inspection_due(bins, as_of=AS_OF, defaults=POLICY)
    assert list(out["due_state"].astype(str)) == ["due", "due", "done", "not_due"]


def test_overrides_most_specific_wins() -> None:
    overrides = pd.DataFrame(
        [
            # every bin of village 2: usable every 14 days
            {
                "village_id": 2,
                "stream": None,
                "usable_days": 14,
                "attention_days": None,
                "missing_days": None,
            },
            # organic anywhere: usable 10, damaged 2
            {
                "village_id": None,
                "stream": "organic",
                "usable_days": 10,
                "attention_days": 2,
                "missing_days": None,
            },
            # village 2 organic: usable 5 (damaged still 2 from the stream row)
            {
                "village_id": 2,
                "stream": "organic",
                "usable_days": 5,
                "attention_days": None,
                "missing_days": 0,
            },
        ]
    )
    bins = frame(
        [
            ("V1G", 1, "general", "usable", date(2026, 11, 20), None),  # 30 -> 20 Dec
            ("V2G", 2, "general", "usable", date(2026, 11, 20), None),  # 14 -> 4 Dec
            ("V1O", 1, "organic", "usable", date(2026, 11, 20), None),  # 10 -> 30 Nov
            ("V2O", 2, "organic", "usable", date(2026, 11, 20), None),  # 5 -> 25 Nov
            ("V2OD", 2, "organic", "damaged", date(2026, 11, 20), None),  # 2 -> 22 Nov
            ("V2OM", 2, "organic", "missing", date(2026, 12, 2), None),  # 0 -> at once, today
        ]
    )
    out = inspection_due(bins, as_of=AS_OF, defaults=POLICY, overrides=overrides)
    assert list(out["due_on"]) == [
        date(2026, 12, 20),
        date(2026, 12, 4),
        date(2026, 11, 30),
        date(2026, 11, 25),
        date(2026, 11, 22),
        date(2026, 12, 2),
    ]
    assert list(out["round_days"]) == [30, 14, 10, 5, 5, 5]


def test_counts_per_village() -> None:
    out = round_counts(inspection_due(BINS, as_of=AS_OF, defaults=POLICY))
    as_dict = out.set_index("village_id").to_dict("index")
    assert as_dict == {
        1: {"overdue": 1, "due": 2, "done": 1, "not_due": 0, "bins": 4},
        2: {"overdue": 2, "due": 2, "done": 0, "not_due": 1, "bins": 5},
    }


def test_missing_columns_and_bad_policy_are_refused() -> None:
    with pytest.raises(AnalysisInputError) as caught:
        inspection_due(BINS.drop(columns=["condition"]), as_of=AS_OF)
    assert "condition" in caught.value.message_en
    with pytest.raises(AnalysisInputError):
        RoundPolicy(usable_days=0)
    with pytest.raises(AnalysisInputError):
        RoundPolicy(missing_days=-1)
