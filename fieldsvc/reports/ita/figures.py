"""The year's figures for measure 8 of the integrity and transparency (ITA) report.

:class:`ItaFigures` is what the report writers read and nothing else: the figures are gathered
elsewhere (inspection rounds, work orders, plan follow-through, coverage "as of" a date) and
handed over as plain numbers, so every printed sentence can be checked against them. No
personal data: counts, shares, money and village names only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldsvc.thai import ce_year


def fiscal_year_start(fiscal_year_be: int) -> date:
    """1 October of the year before: fiscal year 2570 starts on 1 October 2026 (2569 BE).

    >>> fiscal_year_start(2570)
    datetime.date(2026, 10, 1)
    """
    return date(ce_year(fiscal_year_be) - 1, 10, 1)


def fiscal_year_end(fiscal_year_be: int) -> date:
    """30 September of the year it is named by: fiscal year 2570 ends on 30 September 2027.

    >>> fiscal_year_end(2570)
    datetime.date(2027, 9, 30)
    """
    return date(ce_year(fiscal_year_be), 9, 30)


def share(part: float | None, whole: float | None) -> float | None:
    """``part / whole``, or None when either is missing or the whole is zero."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


@dataclass(frozen=True)
class ItaMonth:
    """One calendar month of the fiscal year (a row of the annex table).

    Counts are for events inside the month; ``bins_*`` and ``households_*`` are the state at
    the month's end (as rebuilt from the inspection history).
    """

    month: date  #: any day of the month; only year and month are read
    inspections_done: int
    inspections_due: int | None = None
    bins_registered: int | None = None
    bins_usable: int | None = None
    households_located: int | None = None
    households_covered: int | None = None
    work_orders_opened: int = 0
    work_orders_closed: int = 0
    bins_installed: int = 0

    @property
    def usable_share(self) -> float | None:
        """Share of registered bins usable at the month's end (0–1)."""
        return share(self.bins_usable, self.bins_registered)

    @property
    def covered_share(self) -> float | None:
        """Share of located households within reach of a usable bin at the month's end."""
        return share(self.households_covered, self.households_located)


@dataclass(frozen=True)
class ItaChart:
    """A chart for the annex, drawn elsewhere: SVG (for the PDF) and/or PNG (for every form).

    Word cannot show SVG: a chart given as SVG only is printed in the PDF and named, with a
    pointer to the PDF, in the Word and Excel forms.
    """

    title: str
    svg: str | None = None
    png: bytes | None = None

    def __post_init__(self) -> None:
        if self.svg is None and self.png is None:
            raise ValueError(f"chart {self.title!r} has neither SVG nor PNG")


@dataclass(frozen=True)
class ItaFigures:
    """Every figure of the measure's row and annex for one fiscal year.

    Attributes
    ----------
    fiscal_year_be
        The fiscal year (Buddhist era), October to September: 2570 = 1 Oct 2026 – 30 Sep 2027.
    inspections_done, inspections_due
        Inspections recorded in the year, and inspections the rounds made due in the year.
    inspections_on_time
        Of the due inspections, those made on or before their due date (None: not counted).
    bins_registered_start, bins_usable_start, bins_registered_end, bins_usable_end
        Bins in the register and of those usable, on the first and the last day of the year.
    work_orders_opened, work_orders_closed
        Work orders (repair, replace, extra collection) opened in the year, and of those closed.
    work_orders_median_days_to_close
        Median days from opening to closing of the orders closed (None when none closed).
    work_orders_verified
        Closed orders a later inspection found usable (None when not counted).
    bins_planned, bins_installed
        Bins in the year's published allocation plan, and of those confirmed installed.
    budget_baht, spent_baht
        The plan's budget and the money spent on its items (None when not known).
    households_located_start, households_covered_start, households_located_end,
    households_covered_end
        Households with a location, and of those within ``radius_m`` of a usable bin, on the
        first and last day of the year.
    radius_m
        The service radius (walking metres) coverage is measured with.
    threshold_share
        The coverage every village should reach (0–1).
    villages_below_threshold
        Names of the villages still below ``threshold_share`` at the year's end (as printed,
        e.g. ``"หมู่ที่ 3 บ้านหัวขัว"``).
    monthly
        The months of the year in order (the annex table and charts).
    charts
        Charts drawn elsewhere; when empty the annex draws its own from ``monthly``.
    coverage_map_png
        A static image (PNG or JPEG) of the coverage map at the year's end, or None.
    synthetic
        True for demonstration data: every form then says the figures are not real.
    reported_until
        The last day the figures count when the year is not over yet (the report is made
        during the year); None for a finished year. Every "end of year" figure is then as of
        this day, and the row says so.
    """

    fiscal_year_be: int
    inspections_done: int
    inspections_due: int
    bins_registered_start: int
    bins_usable_start: int
    bins_registered_end: int
    bins_usable_end: int
    work_orders_opened: int
    work_orders_closed: int
    work_orders_median_days_to_close: float | None
    bins_planned: int
    bins_installed: int
    households_located_start: int
    households_covered_start: int
    households_located_end: int
    households_covered_end: int
    radius_m: float
    threshold_share: float
    villages_below_threshold: tuple[str, ...] = ()
    work_orders_verified: int | None = None
    budget_baht: float | None = None
    spent_baht: float | None = None
    monthly: tuple[ItaMonth, ...] = ()
    charts: tuple[ItaChart, ...] = ()
    coverage_map_png: bytes | None = None
    synthetic: bool = False
    reported_until: date | None = None
    inspections_on_time: int | None = None

    def __post_init__(self) -> None:
        if not 2400 < self.fiscal_year_be < 2700:
            raise ValueError(f"fiscal_year_be {self.fiscal_year_be} is not a Buddhist-era year")
        pairs = [
            ("bins_usable_start", self.bins_usable_start, self.bins_registered_start),
            ("bins_usable_end", self.bins_usable_end, self.bins_registered_end),
            ("work_orders_closed", self.work_orders_closed, self.work_orders_opened),
            ("households_covered_start", self.households_covered_start,
             self.households_located_start),
            ("households_covered_end", self.households_covered_end, self.households_located_end),
        ]  # fmt: skip
        for name, part, whole in pairs:
            if part < 0 or whole < 0 or part > whole:
                raise ValueError(f"{name} = {part} must be between 0 and {whole}")
        for name in ("inspections_done", "inspections_due", "bins_planned", "bins_installed"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if not 0 <= self.threshold_share <= 1:
            raise ValueError("threshold_share is a share between 0 and 1")
        first, last = fiscal_year_start(self.fiscal_year_be), fiscal_year_end(self.fiscal_year_be)
        if self.reported_until is not None and not first <= self.reported_until < last:
            raise ValueError("reported_until must fall inside the year, before its last day")
        months = [(m.month.year, m.month.month) for m in self.monthly]
        if months != sorted(set(months)):
            raise ValueError("monthly rows must be distinct months in order")
        for m in self.monthly:
            if not first <= m.month.replace(day=1) <= last:
                raise ValueError(
                    f"month {m.month:%Y-%m} is outside fiscal year {self.fiscal_year_be}"
                )

    @property
    def start(self) -> date:
        """The first day of the fiscal year."""
        return fiscal_year_start(self.fiscal_year_be)

    @property
    def end(self) -> date:
        """The last day of the fiscal year."""
        return fiscal_year_end(self.fiscal_year_be)

    @property
    def as_of_end(self) -> date:
        """The day the "end of year" figures are as of: the year's last day, or the day the
        report was made when the year is not over."""
        return self.reported_until or self.end

    @property
    def inspections_share(self) -> float | None:
        """Inspections done per inspection due (may exceed 1 when extra checks were made)."""
        return share(self.inspections_done, self.inspections_due)

    @property
    def usable_share_start(self) -> float | None:
        return share(self.bins_usable_start, self.bins_registered_start)

    @property
    def usable_share_end(self) -> float | None:
        return share(self.bins_usable_end, self.bins_registered_end)

    @property
    def closed_share(self) -> float | None:
        return share(self.work_orders_closed, self.work_orders_opened)

    @property
    def installed_share(self) -> float | None:
        return share(self.bins_installed, self.bins_planned)

    @property
    def covered_share_start(self) -> float | None:
        return share(self.households_covered_start, self.households_located_start)

    @property
    def covered_share_end(self) -> float | None:
        return share(self.households_covered_end, self.households_located_end)
