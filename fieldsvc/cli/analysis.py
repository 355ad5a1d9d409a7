"""``fieldsvc coverage``, ``allocate``, ``plans`` and ``site``: thin wrappers over planning."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli import national
from fieldsvc.cli.db import database_session
from fieldsvc.cli.scope import add_subdistrict_argument, command_subdistrict
from fieldsvc.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from fieldsvc.config import Settings

STREAMS = ("general", "organic", "recyclable", "hazardous")
COVERAGE_COLUMNS = (
    "number",
    "name",
    "stream",
    "method",
    "household_basis",
    "households",
    "covered_share",
    "bins_serving",
    "capacity_ratio",
    "median_distance_m",
)


def cmd_coverage(args: argparse.Namespace, settings: Settings) -> int:
    if args.all:
        national.refuse_subdistrict_with_all(args, command="coverage")
        return national.run_all(args, settings, kind="coverage")
    from fieldsvc.reports.tables import wants_geometry, with_geometry, write_table_file
    from fieldsvc.services import coverage_history, planning
    from fieldsvc.storage.frames import villages_frame

    options: dict[str, Any] = {
        "radius_m": args.radius_m,
        "detour_factor": args.detour_factor,
        "osm_pbf_path": Path(args.osm_pbf) if args.osm_pbf else None,
    }
    with database_session(settings) as session:
        here = command_subdistrict(session=session, code=args.subdistrict)
        options["subdistrict_id"] = here
        if args.as_of:
            result = coverage_history.coverage_as_of(
                session=session, settings=settings, as_of=args.as_of, **options
            )
        else:
            result = planning.compute_coverage(session=session, settings=settings, **options)
        table = result.by_village
        if args.stream:
            table = table[table["stream"] == args.stream]
        if any(wants_geometry(Path(out)) for out in args.out or []):
            shapes = villages_frame(session=session, subdistrict_id=here)
            table = with_geometry(table, shapes, on="village_id")
    for out in args.out or []:
        write_table_file(table, Path(out), sheet="coverage")
        print(f"เขียนตารางความครอบคลุมแล้ว / coverage written: {out} ({len(table)} rows)")
    print(table[[c for c in COVERAGE_COLUMNS if c in table.columns]].to_string(index=False))
    print(f"distance method: {result.distance_method}; metric CRS: {result.metric_crs.to_string()}")
    if args.as_of:
        print(f"ณ วันที่ / as of {args.as_of.isoformat()}: rebuilt from the inspection history")
    return 0


def cmd_coverage_series(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.reports.coverage_charts import capacity_chart_svg, coverage_chart_svg
    from fieldsvc.reports.tables import write_table_file
    from fieldsvc.services import coverage_history
    from fieldsvc.services.planning import json_rows

    with database_session(settings) as session:
        fiscal_year = args.fiscal_year or coverage_history.current_fiscal_year()
        year = coverage_history.coverage_year(
            session=session,
            settings=settings,
            fiscal_year=fiscal_year,
            today=args.today,
            radius_m=args.radius_m,
            detour_factor=args.detour_factor,
            subdistrict_id=command_subdistrict(session=session, code=args.subdistrict),
        )
    table = year.by_village if args.by == "village" else year.totals
    if args.stream:
        table = table[table["stream"] == args.stream]
    if args.out:
        out = Path(args.out)
        if out.suffix.lower() == ".json":
            out.parent.mkdir(parents=True, exist_ok=True)
            dated = table.assign(as_of=table["as_of"].map(date.isoformat))
            text = json.dumps(json_rows(dated), ensure_ascii=False, indent=1)
            out.write_text(text, encoding="utf-8")
        else:
            write_table_file(table, out, sheet="coverage_series")
        print(f"เขียนชุดข้อมูลรายเดือนแล้ว / monthly series written: {out} ({len(table)} rows)")
    if args.svg_dir:
        folder = Path(args.svg_dir)
        folder.mkdir(parents=True, exist_ok=True)
        rows = year.totals[year.totals["stream"] == (args.stream or "general")]
        charts = {
            "coverage": coverage_chart_svg(
                rows, year.month_ends, title=f"ความครอบคลุม ปีงบประมาณ {fiscal_year}"
            ),
            "capacity": capacity_chart_svg(
                rows, year.month_ends, title=f"ความจุถังเทียบปริมาณขยะ ปีงบประมาณ {fiscal_year}"
            ),
        }
        for name, svg in charts.items():
            (folder / f"{name}_{fiscal_year}.svg").write_text(svg, encoding="utf-8")
        print(f"เขียนกราฟแล้ว / charts written: {folder}")
    shown = year.totals[year.totals["stream"] == (args.stream or "general")]
    print(f"ปีงบประมาณ / fiscal year {fiscal_year}: {len(shown)} month-ends so far")
    print(shown[[c for c in SERIES_SHOWN if c in shown.columns]].to_string(index=False))
    return 0


SERIES_SHOWN = (
    "as_of",
    "stream",
    "households_covered",
    "covered_share",
    "usable_capacity_kg",
    "waste_kg_per_cycle",
    "bins_usable",
    "usable_bin_share",
)


def _plan_line(plan: Any) -> str:
    budget = "—" if plan.budget_baht is None else f"{plan.budget_baht:,.0f}"
    return (
        f"#{plan.id} v{plan.version} [{plan.status}] {plan.title} · budget {budget} · "
        f"spent {plan.spent_baht:,.0f} baht · {len(plan.recommendations)} items"
    )


def cmd_allocate(args: argparse.Namespace, settings: Settings) -> int:
    import pandas as pd

    if args.all:
        national.refuse_subdistrict_with_all(args, command="allocate")
        if args.budget_baht_per_subdistrict is None:
            raise InvalidInput.of("national_all_needs_budget", field="budget_baht_per_subdistrict")
        return national.run_all(args, settings, kind="allocate")
    if args.budget_baht_per_subdistrict is not None:
        raise InvalidInput.of("national_budget_needs_all", field="budget_baht_per_subdistrict")
    from fieldsvc.reports.tables import write_table_file
    from fieldsvc.services import planning

    with database_session(settings) as session:
        plan = planning.create_plan(
            session=session,
            settings=settings,
            subdistrict_id=command_subdistrict(session=session, code=args.subdistrict),
            budget_baht=args.budget_baht,
            max_new_bins=args.bins,
            equity_floor_share=args.equity_floor,
            radius_m=args.radius_m,
            title=args.title,
        )
        if args.publish:
            planning.publish_plan(session=session, plan=plan)
        print("บันทึกแผนแล้ว / plan saved: " + _plan_line(plan))
        summary = pd.DataFrame(plan.summary)
        print(summary.to_string(index=False))
        for out in args.out or []:
            write_table_file(pd.DataFrame(plan.recommendations), Path(out), sheet="plan")
            print(f"รายการ / list written: {out}")
    return 0


def cmd_plans(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services import planning

    with database_session(settings) as session:
        here = command_subdistrict(session=session, code=args.subdistrict)
        if args.publish is not None:
            plan = planning.get_plan(session=session, plan_id=args.publish)
            if here is not None and plan.subdistrict_id != here:
                raise NotFound.of("plan_not_found", field="plan_id", plan_id=args.publish)
            planning.publish_plan(session=session, plan=plan)
        for plan in planning.list_plans(session=session, subdistrict_id=here):
            print(_plan_line(plan))
    return 0


def cmd_site(args: argparse.Namespace, _settings: Settings) -> int:
    from fieldsvc.reports.tables import write_table_file
    from fieldsvc.services.siting import site_from_files

    chosen, result = site_from_files(
        demand_path=Path(args.demand),
        candidates_path=Path(args.candidates),
        fixed_path=Path(args.fixed) if args.fixed else None,
        radius_m=args.radius_m,
        count=args.count,
        weight_column=args.weight,
        method="exact" if args.exact else "greedy",
        time_limit_s=args.time_limit_s,
    )
    write_table_file(chosen, Path(args.out))
    share = result.covered_weight / result.total_weight if result.total_weight else float("nan")
    gap = "" if result.method == "greedy" else f", gap {result.gap:.4%}"
    print(
        f"เลือก {len(chosen)} จุด / chose {len(chosen)} sites ({result.method}, {result.status}"
        f"{gap}): covered {result.covered_weight:,.1f} of {result.total_weight:,.1f} "
        f"({share:.1%}); written to {args.out}"
    )
    return 0


def register(sub: Any) -> None:
    """Add the analysis commands to the ``fieldsvc`` parser."""
    cov = sub.add_parser(
        "coverage",
        help="coverage and capacity per village and stream (table to CSV/XLSX/GeoJSON)",
        description="Households within reach of a usable bin, capacity against waste generated, "
        "distances, per village and per stream, from the current register.",
    )
    cov.add_argument(
        "--out",
        action="append",
        help="write the table: .csv (UTF-8 BOM), .xlsx, .geojson, .gpkg; with --all one row "
        "per subdistrict: .parquet (GeoParquet) or .xlsx (repeat --out for both)",
    )
    cov.add_argument("--stream", choices=STREAMS)
    cov.add_argument("--radius-m", type=float, help="service radius, walking metres")
    cov.add_argument("--detour-factor", type=float, help="walking / straight-line distance")
    cov.add_argument(
        "--osm-pbf",
        help="OpenStreetMap extract (.osm.pbf) of the area: walk along its paths instead",
    )
    cov.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the register as it stood at the end of this day, rebuilt from inspections",
    )
    add_subdistrict_argument(cov)
    national.add_arguments(cov)
    cov.set_defaults(handler=cmd_coverage)

    series = sub.add_parser(
        "coverage-series",
        help="coverage and capacity at each month-end of a fiscal year (CSV/XLSX/JSON, SVG)",
        description="Households within reach, capacity against waste and usable bins at each "
        "month-end of a fiscal year (October-September) already past, rebuilt from the "
        "inspection history in one pass.",
    )
    series.add_argument("--fiscal-year", type=int, help="B.E., e.g. 2570 (default: this one)")
    series.add_argument("--by", choices=("area", "village"), default="village")
    series.add_argument("--stream", choices=STREAMS)
    series.add_argument("--out", help="write the series: .csv (UTF-8 BOM), .xlsx or .json")
    series.add_argument("--svg-dir", help="also write the two charts of the area as SVG here")
    series.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)
    series.add_argument("--radius-m", type=float, help="service radius, walking metres")
    series.add_argument("--detour-factor", type=float, help="walking / straight-line distance")
    add_subdistrict_argument(series)
    series.set_defaults(handler=cmd_coverage_series)

    alloc = sub.add_parser(
        "allocate",
        help="recommend replacements, new bins and sites for a budget; saved as a plan",
        description="Run the allocation (replacements first, then capacity, then coverage sites "
        "with an equity floor) and save it as the next plan version with all its parameters.",
    )
    limit = alloc.add_mutually_exclusive_group(required=True)
    limit.add_argument("--budget-baht", type=float, help="money available, baht")
    limit.add_argument("--bins", type=int, help="number of bins available")
    limit.add_argument(
        "--budget-baht-per-subdistrict",
        type=float,
        help="with --all: money available to each subdistrict, baht",
    )
    alloc.add_argument(
        "--equity-floor",
        type=float,
        default=0.5,
        help="coverage share every village reaches first (0..1, default 0.5)",
    )
    alloc.add_argument("--radius-m", type=float, help="service radius, walking metres")
    alloc.add_argument("--title", help="plan title (default: fiscal year and version)")
    alloc.add_argument("--publish", action="store_true", help="publish it on the public page")
    alloc.add_argument(
        "--out",
        action="append",
        help="also write the list: .csv or .xlsx; with --all the national table: "
        ".parquet (GeoParquet) or .xlsx (repeat --out for both)",
    )
    add_subdistrict_argument(alloc)
    national.add_arguments(alloc)
    alloc.set_defaults(handler=cmd_allocate)

    plans = sub.add_parser(
        "plans",
        help="list saved allocation plans; publish one",
        description="List saved plans, newest first.",
    )
    plans.add_argument("--publish", type=int, metavar="PLAN_ID", help="publish this plan")
    add_subdistrict_argument(plans)
    plans.set_defaults(handler=cmd_plans)

    site = sub.add_parser(
        "site",
        help="choose sites that cover the most demand (any point files, any CRS)",
        description="Maximal covering location on point files (GeoJSON, GPKG, SHP, KML): "
        "choose COUNT candidates covering the most demand within RADIUS metres.",
    )
    site.add_argument("--demand", required=True, help="demand points (households, buildings)")
    site.add_argument("--candidates", required=True, help="candidate sites")
    site.add_argument("--fixed", help="existing sites whose coverage is given")
    site.add_argument("--radius-m", type=float, required=True, help="coverage radius, metres")
    site.add_argument("--count", type=int, required=True, help="number of sites to choose")
    site.add_argument("--weight", help="demand column with weights (default 1 per point)")
    site.add_argument("--exact", action="store_true", help="solve exactly (MILP, CBC)")
    site.add_argument("--time-limit-s", type=float, default=60.0, help="exact solver limit")
    site.add_argument("--out", required=True, help="output file: .geojson, .gpkg, .csv")
    site.set_defaults(handler=cmd_site)
