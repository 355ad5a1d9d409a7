"""``fieldsvc export allocation|coverage``: the public documents, written to a file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.services import planning
from fieldsvc.storage.engine import engine_from_settings, session_scope
from fieldsvc.storage.migrate import upgrade_database

ALLOCATION_FORMATS = ("pdf", "xlsx", "csv")
COVERAGE_FORMATS = ("xlsx", "csv")


def _format(args: argparse.Namespace, allowed: tuple[str, ...]) -> str:
    """The --format given, else the --out file's extension."""
    chosen = args.format or Path(args.out).suffix.lower().lstrip(".")
    if chosen not in allowed:
        raise InvalidInput(
            f"unknown export format {chosen!r}; use --format {' | '.join(allowed)}",
            message_th=f"ไม่รู้จักรูปแบบไฟล์ {chosen!r} ใช้ได้: {', '.join(allowed)}",
            field="format",
            details={"value": chosen, "expected": list(allowed)},
        )
    return chosen


def choose_plan(
    *, session: Session, plan_id: int | None = None, published: bool = False
) -> AllocationPlanRecord:
    """The plan asked for: by id, the published one, or else the newest."""

    if plan_id is not None:
        return planning.get_plan(session=session, plan_id=plan_id)
    if published:
        plan = planning.published_plan(session=session)
        if plan is None:
            raise NotFound(
                "No plan has been published yet: publish one with `fieldsvc plans --publish ID`",
                message_th="ยังไม่มีแผนที่ประกาศแล้ว: ประกาศด้วยคำสั่ง fieldsvc plans --publish ID",
                field="published",
            )
        return plan
    plans = planning.list_plans(session=session)
    if not plans:
        raise NotFound(
            "There are no allocation plans yet: make one with `fieldsvc allocate`",
            message_th="ยังไม่มีแผนจัดสรร: สร้างด้วยคำสั่ง fieldsvc allocate --budget-baht …",
            field="plan_id",
        )
    return plans[0]


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


def cmd_export_allocation(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.reports.allocation_list import allocation_csv, allocation_pdf, allocation_xlsx

    kind = _format(args, ALLOCATION_FORMATS)
    engine = engine_from_settings(settings)
    upgrade_database(engine)
    with session_scope(engine) as session:
        plan = choose_plan(session=session, plan_id=args.plan, published=args.published)
        codes = planning.replaced_bin_codes(session=session, plan=plan)
        if kind == "pdf":
            thai = None if args.thai_digits is None else args.thai_digits == "yes"
            data = allocation_pdf(plan, settings, thai_digits=thai)
        elif kind == "xlsx":
            data = allocation_xlsx(plan, settings, bin_codes=codes)
        else:
            data = allocation_csv(plan, bin_codes=codes)
        label = f"#{plan.id} v{plan.version} [{plan.status}] {plan.title}"
    out = Path(args.out)
    _write(out, data)
    print(f"เขียนบัญชีรายการจัดสรรแล้ว / allocation list written: {out} ({kind}, plan {label})")
    return 0


def cmd_export_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.reports.coverage_export import coverage_csv, coverage_xlsx

    kind = _format(args, COVERAGE_FORMATS)
    engine = engine_from_settings(settings)
    upgrade_database(engine)
    with session_scope(engine) as session:
        result = planning.compute_coverage(
            session=session, settings=settings, radius_m=args.radius_m
        )
    table = result.by_village
    if args.stream:
        table = table[table["stream"] == args.stream]
    data = coverage_xlsx(table, settings) if kind == "xlsx" else coverage_csv(table)
    out = Path(args.out)
    _write(out, data)
    print(f"เขียนตารางความครอบคลุมแล้ว / coverage written: {out} ({kind}, {len(table)} rows)")
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc export`` to the ``fieldsvc`` parser."""
    export = sub.add_parser(
        "export",
        help="write public documents: allocation list (PDF/XLSX/CSV), coverage (XLSX/CSV)",
        description="Documents to post publicly; they carry no personal data.",
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
    alloc.set_defaults(handler=cmd_export_allocation)

    cov = what.add_parser(
        "coverage",
        help="coverage per village and stream (the dashboard table)",
        description="Coverage and capacity per village and stream, from the current register.",
    )
    cov.add_argument("--format", choices=COVERAGE_FORMATS, help="default: from --out")
    cov.add_argument("--out", required=True, help="output file")
    cov.add_argument("--stream", choices=["general", "organic", "recyclable", "hazardous"])
    cov.add_argument("--radius-m", type=float, help="service radius, walking metres")
    cov.set_defaults(handler=cmd_export_coverage)
