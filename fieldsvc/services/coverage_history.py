"""Coverage through time: the register of any past day, and a fiscal year month by month.

Both are rebuilt from the inspection history (``fieldsvc.analysis.history``), not from today's
bin rows, and run through the same coverage engine and office settings as the coverage page.
Households and villages are today's: the history records bins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlmodel import Session

from fieldsvc.analysis.coverage import CoverageResult, coverage_by_village
from fieldsvc.analysis.coverage_series import coverage_series, series_totals
from fieldsvc.analysis.history import bins_as_of
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models.types import utc_now
from fieldsvc.services.planning import analysis_inputs, sizing_parameters, walking_graph_for
from fieldsvc.storage.bin_history import history_frame
from fieldsvc.thai import BE_OFFSET, THAI_TZ, fiscal_month_ends, fiscal_year_be, local_date

#: Fiscal years (B.E.) a series may be asked for.
FISCAL_YEARS_BE = (2540, 2700)


@dataclass(frozen=True)
class CoverageYear:
    """A fiscal year month by month.

    ``month_ends`` are all twelve; ``by_village`` (see
    :data:`fieldsvc.analysis.coverage_series.SERIES_COLUMNS`) and ``totals`` (the whole area
    per month and stream) hold the month-ends already past on ``today`` only.
    """

    fiscal_year_be: int
    month_ends: list[date]
    by_village: pd.DataFrame
    totals: pd.DataFrame
    today: date


def _engine_options(
    settings: Settings,
    frames: list[Any],
    osm_pbf_path: Path | None,
    radius_m: float | None,
    detour_factor: float | None,
) -> dict[str, Any]:
    """The coverage page's options: office settings unless overridden."""
    pbf = osm_pbf_path or settings.osm_pbf_path
    return {
        "radius_m": radius_m or settings.service_radius_m,
        "detour_factor": detour_factor or settings.detour_factor,
        "sizing": sizing_parameters(settings),
        "walking_graph": walking_graph_for(pbf, frames) if pbf else None,
    }


def _no_villages() -> InvalidInput:
    return InvalidInput.of("no_villages_yet", field="villages")


def history_of(*, session: Session, bins: pd.DataFrame, subdistrict_id: int | None) -> pd.DataFrame:
    """The inspection history of the register, or of one subdistrict's bins (``bins``, its
    slice) when ``subdistrict_id`` is given."""
    history = history_frame(session=session)
    if subdistrict_id is None:
        return history
    return history[history["bin_id"].isin(bins["bin_id"])].reset_index(drop=True)


def coverage_as_of(
    *,
    session: Session,
    settings: Settings,
    as_of: date,
    radius_m: float | None = None,
    detour_factor: float | None = None,
    osm_pbf_path: Path | None = None,
    subdistrict_id: int | None = None,
) -> CoverageResult:
    """Coverage per village and stream with the register as it stood at the end of ``as_of``
    (of one subdistrict's villages when ``subdistrict_id`` is given)."""
    if as_of.year + BE_OFFSET < FISCAL_YEARS_BE[0]:
        raise InvalidInput.of(
            "as_of_before_history", field="as_of", value=as_of.isoformat(), low=FISCAL_YEARS_BE[0]
        )
    villages, bins, households = analysis_inputs(session=session, subdistrict_id=subdistrict_id)
    if villages.empty:
        raise _no_villages()
    history = history_of(session=session, bins=bins, subdistrict_id=subdistrict_id)
    state = bins_as_of(bins, history, as_of, tz=THAI_TZ)
    options = _engine_options(
        settings, [villages, bins, households], osm_pbf_path, radius_m, detour_factor
    )
    return coverage_by_village(villages, state, households, **options)


def current_fiscal_year(today: date | None = None) -> int:
    """The fiscal year (B.E.) of today in Thailand."""
    return fiscal_year_be(today or local_date(utc_now()))


def coverage_year(
    *,
    session: Session,
    settings: Settings,
    fiscal_year: int,
    today: date | None = None,
    radius_m: float | None = None,
    detour_factor: float | None = None,
    osm_pbf_path: Path | None = None,
    subdistrict_id: int | None = None,
) -> CoverageYear:
    """Households within reach, capacity against waste and usable bins at each month-end of
    ``fiscal_year`` (B.E.) already past, per village and stream, in one pass over the history
    (of one subdistrict's villages when ``subdistrict_id`` is given)."""
    low, high = FISCAL_YEARS_BE
    if not low <= fiscal_year <= high:
        raise InvalidInput.of(
            "fiscal_year_out_of_range", field="fiscal_year", value=fiscal_year, low=low, high=high
        )
    today = today or local_date(utc_now())
    ends = fiscal_month_ends(fiscal_year)
    past = [d for d in ends if d <= today]
    villages, bins, households = analysis_inputs(session=session, subdistrict_id=subdistrict_id)
    if villages.empty:
        raise _no_villages()
    options = _engine_options(
        settings, [villages, bins, households], osm_pbf_path, radius_m, detour_factor
    )
    history = history_of(session=session, bins=bins, subdistrict_id=subdistrict_id)
    series = coverage_series(villages, bins, history, households, past, tz=THAI_TZ, **options)
    return CoverageYear(fiscal_year, ends, series, series_totals(series), today)


@dataclass(frozen=True)
class YearCharts:
    """The charts of a fiscal year (SVG text), whole area and per village, general waste."""

    fiscal_year: int
    months_done: int
    coverage_svg: str
    capacity_svg: str
    villages: list[dict[str, Any]]


def year_charts(
    *,
    session: Session,
    settings: Settings,
    fiscal_year: int | None = None,
    today: date | None = None,
    subdistrict_id: int | None = None,
) -> YearCharts | None:
    """The dashboard's and the public page's charts of a fiscal year (default: this one), of
    one subdistrict when ``subdistrict_id`` is given.

    Built once per state of the data and day (``public_data.cached``): an anonymous visitor
    cannot make the server run the year again. None while no village is registered.
    """
    from fieldsvc.reports.coverage_charts import capacity_chart_svg, coverage_chart_svg
    from fieldsvc.services import public_data
    from fieldsvc.storage.frames import villages_frame

    today = today or local_date(utc_now())
    year_be = fiscal_year or fiscal_year_be(today)
    if villages_frame(session=session, subdistrict_id=subdistrict_id).empty:
        return None

    def build(_version: str) -> YearCharts:
        year = coverage_year(
            session=session,
            settings=settings,
            fiscal_year=year_be,
            today=today,
            subdistrict_id=subdistrict_id,
        )
        general = year.totals[year.totals["stream"] == "general"]
        per_village = year.by_village[year.by_village["stream"] == "general"]
        villages = [
            {
                "number": int(number),
                "name": str(rows["name"].iloc[0]),
                "svg": coverage_chart_svg(
                    rows, year.month_ends, title=f"หมู่ที่ {int(number)} {rows['name'].iloc[0]}"
                ),
            }
            for number, rows in per_village.groupby("number", sort=True)
        ]
        return YearCharts(
            fiscal_year=year_be,
            months_done=int(general["as_of"].nunique()),
            coverage_svg=coverage_chart_svg(
                general, year.month_ends, title=f"ความครอบคลุม ปีงบประมาณ {year_be}"
            ),
            capacity_svg=capacity_chart_svg(
                general, year.month_ends, title=f"ความจุถังเทียบปริมาณขยะ ปีงบประมาณ {year_be}"
            ),
            villages=villages,
        )

    kind = f"coverage_year:{year_be}:{today.isoformat()}"
    if subdistrict_id is not None:
        kind = f"{kind}:{subdistrict_id}"
    return public_data.cached(
        kind, session=session, settings=settings, build=build, subdistrict_id=subdistrict_id
    )


def year_table(
    *,
    session: Session,
    settings: Settings,
    fiscal_year: int | None = None,
    by: str = "village",
    subdistrict_id: int | None = None,
) -> pd.DataFrame:
    """The monthly series as a download: per village (default) or the whole area, dates as
    ISO text; of one subdistrict when ``subdistrict_id`` is given."""
    year = coverage_year(
        session=session,
        settings=settings,
        fiscal_year=fiscal_year or current_fiscal_year(),
        subdistrict_id=subdistrict_id,
    )
    table = year.by_village if by == "village" else year.totals
    return table.assign(as_of=table["as_of"].map(date.isoformat))
