"""The year's figures for measure 8 of the ITA report, gathered from the register's history.

Every figure is rebuilt from what was recorded, dated, so a report made again later gives the
same answer. The fiscal year runs 1 October – 30 September, Thai time; a year not over yet is
reported up to today (the figures then say ``reported_until``). What each figure means:

- **inspections done**: inspections recorded (any source) with ``observed_at`` in the year;
- **inspections due**: every due date of the rounds policy falling in the year
  (:func:`fieldsvc.analysis.round_history.due_dates_between`: a bin's installation date, and
  after each inspection its date plus the interval of the condition found); one is **on
  time** when the bin's next inspection came on or before it;
- **bins usable at the start / end**: the register rebuilt from the history at the start of
  1 October (the end of 30 September) and at the end of the year's last day (or today);
- **work orders**: orders *opened* in the year, of those the ones *closed* (verified by a
  later usable inspection) by the end, and the median days from opening to closing;
- **plan**: the year's published plan followed through (``plan_progress.plan_follow_through``);
- **households within reach**: general waste, through the coverage engine and the office's
  radius, on the same two days; **villages below** the threshold at the end, the threshold
  being the equity floor of the year's published plan (the allocation's
  "every village at least"), 0.5 when the year has no plan;
- the **monthly** rows: events in each month, states at each month-end (the last at today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

import pandas as pd
from sqlmodel import Session

from fieldsvc.analysis.coverage_series import coverage_series, series_totals
from fieldsvc.analysis.history import bins_at_dates
from fieldsvc.analysis.round_history import due_dates_between
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models import WorkOrder
from fieldsvc.models.types import utc_now
from fieldsvc.models.work_order import WorkOrderStatus
from fieldsvc.reports.ita import MEDIA_TYPES, ItaFigures, ItaMonth, ita_bytes
from fieldsvc.reports.ita.coverage_map import MapBin, MapVillage, coverage_map_png
from fieldsvc.reports.ita.figures import fiscal_year_end, fiscal_year_start
from fieldsvc.services.coverage_history import (
    FISCAL_YEARS_BE,
    _engine_options,
    current_fiscal_year,
    history_of,
)
from fieldsvc.services.offices import office_settings_for
from fieldsvc.services.plan_progress import plan_follow_through
from fieldsvc.services.planning import analysis_inputs, get_plan
from fieldsvc.services.rounds import round_policy
from fieldsvc.storage.rounds import policy_overrides_frame
from fieldsvc.storage.work_orders import orders_opened_or_closed_between
from fieldsvc.thai import THAI_TZ, fiscal_month_ends, local_date

#: The threshold when the year has no published plan: the allocation's default equity floor.
DEFAULT_THRESHOLD_SHARE = 0.5
#: The stream households are counted within reach of (every household needs general waste).
HOUSEHOLD_STREAM = "general"


def _instant(day: date) -> datetime:
    """The start of ``day`` in Thailand."""
    return datetime.combine(day, time(0, 0), tzinfo=THAI_TZ)


def _threshold(session: Session, plan_id: int | None) -> float:
    if plan_id is None:
        return DEFAULT_THRESHOLD_SHARE
    plan = get_plan(session=session, plan_id=plan_id)
    value = (plan.parameters or {}).get("equity_floor_share")
    return DEFAULT_THRESHOLD_SHARE if value is None else float(value)


def _month_of(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def _orders(
    session: Session, start: datetime, until: datetime, subdistrict_id: int | None
) -> list[WorkOrder]:
    """Orders opened in ``[start, until)`` (of one subdistrict when given)."""
    found = orders_opened_or_closed_between(session=session, start=start, end=until)
    return [
        o
        for o in found
        if start <= o.opened_at < until
        and (subdistrict_id is None or o.subdistrict_id == subdistrict_id)
    ]


def _closed(order: WorkOrder, until: datetime) -> bool:
    return (
        order.status == WorkOrderStatus.verified
        and order.closed_at is not None
        and order.closed_at < until
    )


def gather_ita_figures(
    session: Session,
    settings: Settings,
    fiscal_year_be: int,
    *,
    today: date | None = None,
    synthetic: bool = False,
    subdistrict_id: int | None = None,
) -> ItaFigures:
    """Every figure of measure 8's row and annex for ``fiscal_year_be`` (B.E.), of one
    subdistrict (its villages, bins, work orders and plans) when ``subdistrict_id`` is given.

    ``today`` (Thai date; default now) cuts a year not over yet. Refused for a year outside
    the range the history is read for, or one not begun by ``today``.
    """
    low, high = FISCAL_YEARS_BE
    if not low <= fiscal_year_be <= high:
        raise InvalidInput.of(
            "fiscal_year_out_of_range", field="fiscal_year", value=fiscal_year_be, low=low,
            high=high,
        )  # fmt: skip
    today = today or local_date(utc_now())
    first, end = fiscal_year_start(fiscal_year_be), fiscal_year_end(fiscal_year_be)
    if today < first:
        raise InvalidInput.of("ita_year_not_begun", field="fiscal_year", value=fiscal_year_be)
    last = min(end, today)
    start_at, until_at = _instant(first), _instant(last + timedelta(days=1))
    villages, bins, households = analysis_inputs(session=session, subdistrict_id=subdistrict_id)
    if villages.empty:
        raise InvalidInput.of("no_villages_yet", field="villages")
    history = history_of(session=session, bins=bins, subdistrict_id=subdistrict_id)
    observed = pd.to_datetime(history["observed_at"], utc=True)
    in_year = history[((observed >= start_at) & (observed < until_at)).to_numpy()]

    # Inspections due: the rounds policy replayed over the history.
    seen = history.assign(observed_on=[local_date(t) for t in observed.dt.to_pydatetime()])
    due = due_dates_between(
        bins[["bin_id", "village_id", "stream", "installed_on"]],
        seen[["bin_id", "observed_on", "condition"]],
        first,
        last,
        defaults=round_policy(settings),
        overrides=policy_overrides_frame(session=session),
    )

    # States: the start of the year, each month-end past, and the last day.
    month_ends = [d for d in fiscal_month_ends(fiscal_year_be) if d <= last]
    if not month_ends or month_ends[-1] != last:
        month_ends.append(last)
    days = [first - timedelta(days=1), *month_ends]
    states = bins_at_dates(bins, history, days, tz=THAI_TZ)
    options = _engine_options(settings, [villages, bins, households], None, None, None)
    series = coverage_series(
        villages, bins, history, households, days, tz=THAI_TZ, streams=[HOUSEHOLD_STREAM],
        **options,
    )  # fmt: skip
    totals = series_totals(series).set_index("as_of")

    def bins_on(day: date) -> tuple[int, int]:
        rows = states[states["as_of"] == day]
        return len(rows), int((rows["condition"] == "usable").sum())

    def households_on(day: date) -> tuple[int, int]:
        if day not in totals.index:
            return 0, 0
        row = totals.loc[day]
        located = row["households_located"]
        covered = row["households_covered"]
        return (
            0 if pd.isna(located) else int(located),
            0 if pd.isna(covered) else int(covered),
        )

    orders = _orders(session, start_at, until_at, subdistrict_id)
    closed = [o for o in orders if _closed(o, until_at)]
    days_to_close = [
        ((o.closed_at or o.opened_at) - o.opened_at).total_seconds() / 86400 for o in closed
    ]
    plan = plan_follow_through(
        session=session,
        fiscal_year_be=fiscal_year_be,
        until=until_at,
        subdistrict_id=subdistrict_id,
    )
    threshold = _threshold(session, plan.plan_id)

    # Villages still below the threshold at the end (villages with located households only).
    at_end = series[series["as_of"] == last]
    below = at_end[at_end["covered_share"].notna() & (at_end["covered_share"] < threshold - 1e-12)]
    below_names = tuple(
        f"หมู่ที่ {int(r.number)} {r.name}" for r in below.sort_values("number").itertuples()
    )

    # The months: events in each, states at its end.
    installed_before = 0
    monthly = []
    for month_end in month_ends:
        month_first = month_end.replace(day=1)
        month_start_at = _instant(month_first)
        month_until = _instant(month_end + timedelta(days=1))
        done = in_year[
            (
                (pd.to_datetime(in_year["observed_at"], utc=True) >= month_start_at)
                & (pd.to_datetime(in_year["observed_at"], utc=True) < month_until)
            ).to_numpy()
        ]
        due_in = due[[_month_of(d) == _month_of(month_end) for d in due["due_on"]]]
        installed = plan_follow_through(
            session=session,
            fiscal_year_be=fiscal_year_be,
            until=month_until,
            subdistrict_id=subdistrict_id,
        ).installed_bins
        registered, usable = bins_on(month_end)
        located, covered = households_on(month_end)
        monthly.append(
            ItaMonth(
                month=month_first,
                inspections_done=len(done),
                inspections_due=len(due_in),
                bins_registered=registered,
                bins_usable=usable,
                households_located=located,
                households_covered=covered,
                work_orders_opened=sum(month_start_at <= o.opened_at < month_until for o in orders),
                work_orders_closed=sum(
                    o.closed_at is not None and month_start_at <= o.closed_at < month_until
                    for o in closed
                ),
                bins_installed=max(installed - installed_before, 0),
            )
        )
        installed_before = max(installed, installed_before)

    start_registered, start_usable = bins_on(days[0])
    end_registered, end_usable = bins_on(last)
    start_located, start_covered = households_on(days[0])
    end_located, end_covered = households_on(last)
    end_state = states[states["as_of"] == last]
    map_png = coverage_map_png(
        [
            MapVillage(
                number=int(v.number),
                geometry=v.geometry,
                covered_share=_share_of(at_end, int(v.number)),
            )
            for v in villages.itertuples()
        ],
        [
            MapBin(lon=float(p.x), lat=float(p.y), usable=c == "usable")
            for p, c in zip(end_state.geometry, end_state["condition"], strict=True)
            if p is not None and not p.is_empty
        ],
        threshold_share=threshold,
        thai_digits=settings.report_thai_digits,
    )
    return ItaFigures(
        fiscal_year_be=fiscal_year_be,
        inspections_done=len(in_year),
        inspections_due=len(due),
        inspections_on_time=int(due["met"].sum()),
        bins_registered_start=start_registered,
        bins_usable_start=start_usable,
        bins_registered_end=end_registered,
        bins_usable_end=end_usable,
        work_orders_opened=len(orders),
        work_orders_closed=len(closed),
        work_orders_median_days_to_close=median(days_to_close) if days_to_close else None,
        bins_planned=plan.planned_bins,
        bins_installed=plan.installed_bins,
        budget_baht=plan.budget_baht,
        spent_baht=plan.spent_baht if plan.plan_id is not None else None,
        households_located_start=start_located,
        households_covered_start=start_covered,
        households_located_end=end_located,
        households_covered_end=end_covered,
        radius_m=float(options["radius_m"]),
        threshold_share=threshold,
        villages_below_threshold=below_names,
        monthly=tuple(monthly),
        coverage_map_png=map_png,
        synthetic=synthetic,
        reported_until=last if last < end else None,
    )


def _share_of(rows: pd.DataFrame, number: int) -> float | None:
    hit = rows[rows["number"] == number]["covered_share"]
    if hit.empty or pd.isna(hit.iloc[0]):
        return None
    return float(hit.iloc[0])


@dataclass(frozen=True)
class ItaDocument:
    data: bytes
    media_type: str
    filename: str


def ita_document(
    *,
    session: Session,
    settings: Settings,
    fiscal_year_be: int | None,
    fmt: str,
    subdistrict_id: int | None = None,
) -> ItaDocument:
    """The year's report (default: this fiscal year) as ``fmt`` (pdf, docx, xlsx) for download,
    of one subdistrict when ``subdistrict_id`` is given.

    Marked as demonstration data when the office is the sample one (the writers check).
    """
    year = fiscal_year_be or current_fiscal_year()
    figures = gather_ita_figures(session, settings, year, subdistrict_id=subdistrict_id)
    office = office_settings_for(session=session, settings=settings, subdistrict_id=subdistrict_id)
    data = ita_bytes(figures, fmt, office)
    return ItaDocument(data, MEDIA_TYPES[fmt], f"ita-measure8-{year}.{fmt}")
