"""A small allocation plan built directly (no database): three kinds of item, one deferred."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

# pythainlp (used only to cross-check baht_text) writes its data folder on import.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_DATA", tempfile.mkdtemp(prefix="pythainlp-"))

from fieldsvc.config import Settings  # noqa: E402
from fieldsvc.models import AllocationPlanRecord  # noqa: E402


def _item(rank: int | None, reason: str, village: int, **extra: Any) -> dict[str, Any]:
    names = {1: "บ้านหนองบัว", 2: "บ้านโนนสะอาด", 3: "บ้านหัวขัว"}
    row = {
        "rank": rank,
        "reason": reason,
        "village_id": village,
        "village_number": village,
        "village_name": names[village],
        "stream": "general",
        "capacity_l": 240.0,
        "count": 1,
        "bin_id": None,
        "lon": None,
        "lat": None,
        "households_added": None,
        "cost_baht": 2500.0,
        "cumulative_cost_baht": None,
    }
    row.update(extra)
    return row


def make_plan(status: str = "published") -> AllocationPlanRecord:
    """12 funded items (4 replacements, 1 capacity line of 6 bins, 7 new sites) + 1 deferred."""
    items = [
        _item(1, "replacement", 1, capacity_l=200.0, bin_id=11, cost_baht=1200.0),
        _item(2, "replacement", 1, capacity_l=200.0, bin_id=12, cost_baht=1200.0),
        _item(3, "replacement", 2, capacity_l=660.0, bin_id=21, cost_baht=9000.0),
        _item(4, "replacement", 3, stream="hazardous", capacity_l=120.0, bin_id=31,
              cost_baht=1500.0),
        _item(5, "capacity", 3, count=6, cost_baht=15000.0),
    ]  # fmt: skip
    for k in range(7):
        village = 2 if k < 3 else 3
        items.append(
            _item(6 + k, "coverage", village, lon=103.3 + k / 1000, lat=16.3,
                  households_added=float(20 - k))
        )  # fmt: skip
    total = 0.0
    for row in items:
        total += row["cost_baht"]
        row["cumulative_cost_baht"] = total
    return AllocationPlanRecord(
        id=7,
        version=3,
        title="แผนจัดสรรถังขยะ ปีงบประมาณ 2570 (ฉบับที่ 3)",
        fiscal_year_be=2570,
        status=status,
        created_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
        published_at=datetime(2026, 11, 25, 18, 30, tzinfo=UTC) if status == "published" else None,
        budget_baht=50_000.0,
        spent_baht=total,
        parameters={
            "budget_baht": 50_000.0,
            "max_new_bins": None,
            "equity_floor_share": 0.5,
            "radius_m": 200.0,
            "detour_factor": 1.3,
            "new_bin_capacity_l": 240.0,
            "unit_price_baht": {"120": 1500.0, "200": 1200.0, "240": 2500.0, "660": 9000.0},
            "sizing": {"g_kg_per_person_day": 0.7, "k_peak": 1.3, "persons_per_household": 3.1},
            "register_counts": {"villages": 3, "bins": 40, "households": 300},
            "coverage_stream": "general",
            "candidates": 1200,
        },
        summary=[
            {
                "scenario": "before",
                "sites": 0,
                "cost_baht": 0.0,
                "households_located": 300.0,
                "households_covered": 180.0,
                "covered_share": 0.6,
                "min_village_covered_share": 0.2,
                "worst_village_id": 3,
                "gini_covered_share": 0.3,
                "villages_below_floor": 1,
            },
            {
                "scenario": "efficiency",
                "sites": 7,
                "cost_baht": 17500.0,
                "households_located": 300.0,
                "households_covered": 300.0,
                "covered_share": 1.0,
                "min_village_covered_share": 0.4,
                "worst_village_id": 3,
                "gini_covered_share": 0.1,
                "villages_below_floor": 1,
            },
            {
                "scenario": "equity_floor",
                "sites": 7,
                "cost_baht": 17500.0,
                "households_located": 300.0,
                "households_covered": 299.0,
                "covered_share": 299 / 300,
                "min_village_covered_share": 0.99,
                "worst_village_id": 3,
                "gini_covered_share": 0.01,
                "villages_below_floor": 0,
            },
        ],  # fmt: skip
        villages=[
            {
                "village_id": v,
                "village_number": v,
                "village_name": n,
                "households_located": h,
                "covered_before": b,
                "covered_share_before": b / h,
                "covered_efficiency": e,
                "covered_share_efficiency": e / h,
                "covered_equity_floor": q,
                "covered_share_equity_floor": q / h,
            }
            for v, n, h, b, e, q in [
                (1, "บ้านหนองบัว", 100.0, 100.0, 100.0, 100.0),
                (2, "บ้านโนนสะอาด", 100.0, 60.0, 100.0, 100.0),
                (3, "บ้านหัวขัว", 100.0, 20.0, 100.0, 99.0),
            ]
        ],  # fmt: skip
        recommendations=items,
        deferred=[_item(None, "capacity", 1, count=4, cost_baht=10000.0)],
    )


@pytest.fixture
def plan() -> AllocationPlanRecord:
    return make_plan()


@pytest.fixture
def office(tmp_path: Path) -> Settings:
    """The sample office's settings (reports say the data are synthetic)."""
    return Settings(data_dir=tmp_path / "var")
