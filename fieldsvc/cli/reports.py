"""``fieldsvc export allocation|coverage|register``: the public documents, and the office's
register as a styled GeoPackage for QGIS, written to a file; ``fieldsvc report ita``: the year's
row of the ITA report for measure 8."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.analysis import STREAMS
from fieldsvc.cli.db import database_session
from fieldsvc.cli.scope import add_subdistrict_argument, command_subdistrict

if TYPE_CHECKING:
    from sqlmodel import Session

    from fieldsvc.config import Settings
    from fieldsvc.models import AllocationPlanRecord

ALLOCATION_FORMATS = ("pdf", "xlsx", "csv")
COVERAGE_FORMATS = ("xlsx", "csv")


def choose_plan(
    *,
    session: Session,
    plan_id: int | None = None,
    published: bool = False,
    subdistrict_id: int | None = None,
) -> AllocationPlanRecord:
    """The plan asked for: by id, the published one, or else the newest (of subdistrict
    ``subdistrict_id`` when given: a plan id of another subdistrict is not found).

    The refusals name the command that makes or publishes a plan.
    """
    from fieldsvc.errors import NotFound
    from fieldsvc.services import planning

    if plan_id is not None:
        chosen = planning.get_plan(session=session, plan_id=plan_id)
        if subdistrict_id is not None and chosen.subdistrict_id != subdistrict_id:
            raise NotFound.of("plan_not_found", field="plan_id", plan_id=plan_id)
        return chosen
    if published:
        plan = planning.published_plan(session=session, subdistrict_id=subdistrict_id)
        if plan is None:
            raise NotFound.of("no_plan_published_yet", field="published")
        return plan
    plans = planning.list_plans(session=session, subdistrict_id=subdistrict_id)
    if not plans:
        raise NotFound.of("no_plans_yet", field="plan_id")
    return plans[0]


def cmd_export_allocation(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.reports.allocation_list import allocation_csv, allocation_pdf, allocation_xlsx
    from fieldsvc.reports.tables import document_format, write_document
    from fieldsvc.services import planning
    from fieldsvc.services.offices import office_settings_for

    out = Path(args.out)
    kind = document_format(out, args.format, ALLOCATION_FORMATS)
    with database_session(settings) as session:
        plan = choose_plan(
            session=session,
            plan_id=args.plan,
            published=args.published,
            subdistrict_id=command_subdistrict(session=session, code=args.subdistrict),
        )
        codes = planning.replaced_bin_codes(session=session, plan=plan)
        settings = office_settings_for(
            session=session, settings=settings, subdistrict_id=plan.subdistrict_id
        )
        if kind == "pdf":
            thai = None if args.thai_digits is None else args.thai_digits == "yes"
            data = allocation_pdf(plan, settings, thai_digits=thai)
        elif kind == "xlsx":
            data = allocation_xlsx(plan, settings, bin_codes=codes)
        else:
            data = allocation_csv(plan, bin_codes=codes)
        label = f"#{plan.id} v{plan.version} [{plan.status}] {plan.title}"
    write_document(out, data)
    print(f"เขียนบัญชีรายการจัดสรรแล้ว / allocation list written: {out} ({kind}, plan {label})")
    return 0


def cmd_export_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.reports.coverage_export import coverage_csv, coverage_xlsx
    from fieldsvc.reports.tables import document_format, write_document
    from fieldsvc.services import planning
    from fieldsvc.services.offices import office_settings_for

    out = Path(args.out)
    kind = document_format(out, args.format, COVERAGE_FORMATS)
    with database_session(settings) as session:
        here = command_subdistrict(session=session, code=args.subdistrict)
        result = planning.compute_coverage(
            session=session, settings=settings, radius_m=args.radius_m, subdistrict_id=here
        )
        settings = office_settings_for(session=session, settings=settings, subdistrict_id=here)
    table = result.by_village
    if args.stream:
        table = table[table["stream"] == args.stream]
    data = coverage_xlsx(table, settings) if kind == "xlsx" else coverage_csv(table)
    write_document(out, data)
    print(f"เขียนตารางความครอบคลุมแล้ว / coverage written: {out} ({kind}, {len(table)} rows)")
    return 0


def cmd_export_register(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.register_export import write_register_geopackage

    out = Path(args.out)
    with database_session(settings) as session:
        export = write_register_geopackage(
            session=session, settings=settings, out=out, crs=args.crs
        )
    counts = ", ".join(f"{name} {count}" for name, count in export.counts().items())
    plan = f"plan #{export.plan.id} v{export.plan.version}" if export.plan else "no plan"
    print(
        f"เขียน GeoPackage ทะเบียนถังขยะแล้ว / register GeoPackage written: {out} "
        f"(EPSG:{export.crs.to_epsg()}; {counts}; {plan}; QGIS styles in layer_styles)"
    )
    return 0


def cmd_report_ita(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.reports.ita import FORMATS, write_ita_report
    from fieldsvc.reports.tables import document_format
    from fieldsvc.services.ita import gather_ita_figures
    from fieldsvc.services.offices import office_settings_for

    out = Path(args.out or f"ita-measure8-{args.fiscal_year}.{args.format or 'pdf'}")
    kind = document_format(out, args.format, FORMATS)
    thai = None if args.thai_digits is None else args.thai_digits == "yes"
    with database_session(settings) as session:
        here = command_subdistrict(session=session, code=args.subdistrict)
        figures = gather_ita_figures(session, settings, args.fiscal_year, subdistrict_id=here)
        settings = office_settings_for(session=session, settings=settings, subdistrict_id=here)
    write_ita_report(figures, out, kind, settings=settings, thai_digits=thai)
    until = figures.reported_until
    span = f"up to {until.isoformat()}" if until else "the whole year"
    print(
        f"เขียนรายงาน ITA มาตรการที่ 8 แล้ว / ITA report (measure 8) written: {out} "
        f"({kind}, fiscal year {args.fiscal_year}, {span}; inspections "
        f"{figures.inspections_done}/{figures.inspections_due} due; work orders "
        f"{figures.work_orders_closed}/{figures.work_orders_opened} closed; bins installed "
        f"{figures.bins_installed}/{figures.bins_planned})"
    )
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc export`` and ``fieldsvc report`` to the ``fieldsvc`` parser."""
    report = sub.add_parser(
        "report",
        help="the year's ITA report row for measure 8 (PDF/DOCX/XLSX)",
        description="Reports the office files: the measure's row of the integrity and "
        "transparency (ITA) report, filled with the fiscal year's figures, with an annex of "
        "monthly charts and the coverage map.",
    )
    kinds = report.add_subparsers(dest="report_what", required=True, metavar="WHAT")
    ita = kinds.add_parser(
        "ita",
        help="measure 8 (proactive bin service) for a fiscal year",
        description="Inspections done against due, bins usable at the start and end, work "
        "orders, bins installed against the plan, households within reach and villages below "
        "the threshold, for the fiscal year (October–September, Thai time). A year not over "
        "yet is reported up to today, and the document says so.",
    )
    ita.add_argument("--fiscal-year", type=int, required=True, metavar="BE", help="B.E., e.g. 2570")
    ita.add_argument("--format", choices=("pdf", "docx", "xlsx"), help="default: from --out")
    ita.add_argument("--out", help="output file (default: ita-measure8-<year>.pdf)")
    ita.add_argument(
        "--thai-digits",
        choices=["yes", "no"],
        help="digits ๐–๙ (default: FIELDSVC_REPORT_THAI_DIGITS, on)",
    )
    add_subdistrict_argument(ita)
    ita.set_defaults(handler=cmd_report_ita)

    export = sub.add_parser(
        "export",
        help="write documents: allocation list (PDF/XLSX/CSV), coverage (XLSX/CSV), "
        "the register as a GeoPackage for QGIS",
        description="Documents to post publicly and the office's register for QGIS; they "
        "carry no personal data.",
    )
    what = export.add_subparsers(dest="export_what", required=True, metavar="WHAT")

    alloc = what.add_parser(
        "allocation",
        help="the allocation list of a plan (default: the newest plan)",
        description="The official allocation list (ประกาศ บัญชีรายการจัดสรรถังขยะ) of a "
        "saved plan as PDF, or the full list with parameters as XLSX, or CSV.",
    )
    which = alloc.add_mutually_exclusive_group()
    which.add_argument("--plan", type=int, metavar="PLAN_ID", help="plan id (see `plans`)")
    which.add_argument("--published", action="store_true", help="the published plan")
    alloc.add_argument("--format", choices=ALLOCATION_FORMATS, help="default: from --out")
    alloc.add_argument("--out", required=True, help="output file")
    alloc.add_argument(
        "--thai-digits",
        choices=["yes", "no"],
        help="PDF digits ๐–๙ (default: FIELDSVC_REPORT_THAI_DIGITS, on)",
    )
    add_subdistrict_argument(alloc)
    alloc.set_defaults(handler=cmd_export_allocation)

    cov = what.add_parser(
        "coverage",
        help="coverage per village and stream (the dashboard table)",
        description="Coverage and capacity per village and stream, from the current register.",
    )
    cov.add_argument("--format", choices=COVERAGE_FORMATS, help="default: from --out")
    cov.add_argument("--out", required=True, help="output file")
    cov.add_argument("--stream", choices=STREAMS)
    cov.add_argument("--radius-m", type=float, help="service radius, walking metres")
    add_subdistrict_argument(cov)
    cov.set_defaults(handler=cmd_export_coverage)

    reg = what.add_parser(
        "register",
        help="the register as a GeoPackage for QGIS (villages, bins, inspections, coverage, plan)",
        description="Villages with coverage, bins with their last inspection, the inspection "
        "history, coverage per village and stream and the published (else newest) plan's "
        "sites, as GeoPackage layers that open in QGIS styled like the web map. Surveyors "
        "appear as user ids; no names, phones, house numbers or notes.",
    )
    reg.add_argument("--out", required=True, help="output file (.gpkg)")
    reg.add_argument(
        "--crs",
        choices=["wgs84", "utm"],
        default="wgs84",
        help="wgs84 (EPSG:4326, default) or utm: the data's UTM zone (EPSG:32647/32648)",
    )
    reg.set_defaults(handler=cmd_export_register)
