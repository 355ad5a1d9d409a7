"""A hand-chosen year of figures for the ITA report tests (fiscal year 2570)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from PIL import Image

from fieldsvc.reports.ita import ItaFigures, ItaMonth

#: Month starts of fiscal year 2570: October 2026 … September 2027.
MONTH_STARTS = [date(2026, m, 1) for m in (10, 11, 12)] + [date(2027, m, 1) for m in range(1, 10)]
#: Map colour: a green no chart or table uses, so the rendered page shows whether the map is there.
MAP_RGB = (20, 160, 60)


def map_png() -> bytes:
    """A 300 × 200 plain green PNG standing in for the coverage map."""
    out = io.BytesIO()
    Image.new("RGB", (300, 200), MAP_RGB).save(out, format="PNG")
    return out.getvalue()


def months() -> tuple[ItaMonth, ...]:
    """Inspections 38, 39, 40, 38, … (sum 468) against 42 due each month (sum 504); bins
    120, 121, … registered with 96, 98, … usable; 5 orders opened and 4 closed a month; bins
    installed 0, 1, 2, 0, 1, 2 … (sum 12)."""
    return tuple(
        ItaMonth(
            start,
            inspections_done=38 + i % 3,
            inspections_due=42,
            bins_registered=120 + i,
            bins_usable=96 + 2 * i,
            households_located=800,
            households_covered=600 + 10 * i,
            work_orders_opened=5,
            work_orders_closed=4,
            bins_installed=i % 3,
        )
        for i, start in enumerate(MONTH_STARTS)
    )


def year(**changes: object) -> ItaFigures:
    """The year: 468 of 504 inspections, bins usable 94/118 → 118/131, 60 orders opened,
    48 closed (median 6.5 days, 41 verified), 11 of 20 planned bins installed for
    27,500.50 of 50,000 baht, households within 200 m 591/800 → 713/800, two villages below
    80 %."""
    figures = ItaFigures(
        fiscal_year_be=2570,
        inspections_done=468,
        inspections_due=504,
        bins_registered_start=118,
        bins_usable_start=94,
        bins_registered_end=131,
        bins_usable_end=118,
        work_orders_opened=60,
        work_orders_closed=48,
        work_orders_median_days_to_close=6.5,
        work_orders_verified=41,
        bins_planned=20,
        bins_installed=11,
        budget_baht=50000.0,
        spent_baht=27500.5,
        households_located_start=800,
        households_covered_start=591,
        households_located_end=800,
        households_covered_end=713,
        radius_m=200,
        threshold_share=0.8,
        villages_below_threshold=("หมู่ที่ 3 บ้านหัวขัว", "หมู่ที่ 7 บ้านโนนสูง"),
        monthly=months(),
        coverage_map_png=map_png(),
    )
    return replace(figures, **changes)  # type: ignore[arg-type]
