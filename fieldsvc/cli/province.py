"""``fieldsvc province overview``: one row per subdistrict (coverage and capacity from the
latest national run, bins and this month's surveys live), printed or written as CSV/XLSX."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say
from fieldsvc.cli.db import database_session

if TYPE_CHECKING:
    from fieldsvc.config import Settings

SHOWN = (
    "code",
    "name",
    "villages",
    "households",
    "covered_share",
    "capacity_ratio",
    "computed_on",
    "bins_total",
    "bins_usable",
    "surveys_this_month",
)


def cmd_province_overview(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.errors import InvalidInput
    from fieldsvc.services.province import month_label, overview_file, provincial_overview

    with database_session(settings) as session:
        overview = provincial_overview(
            session=session, province=args.province, sort=args.sort, descending=args.desc
        )
    if args.out:
        out = Path(args.out)
        kind = out.suffix.lower().lstrip(".")
        if kind not in ("csv", "xlsx"):
            raise InvalidInput.of(
                "table_type_unknown",
                field="out",
                details={"value": str(out)},
                suffix=out.suffix,
                allowed=".csv, .xlsx",
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(overview_file(overview, kind=kind).data)
        say(f"เขียนภาพรวมแล้ว / overview written: {out} ({len(overview.table)} subdistricts)")
    table = overview.table[list(SHOWN)].astype(object)
    table["computed_on"] = [
        d.isoformat() if ok else "ยังไม่ได้คำนวณ/not computed yet"
        for d, ok in zip(overview.table["computed_on"], overview.table["computed"], strict=True)
    ]
    say(table.to_string(index=False) if len(table) else "ไม่มีตำบล / no subdistricts")
    say(
        f"สำรวจเดือน{month_label(overview)} / surveys in {month_label(overview, thai=False)}; "
        f"{overview.not_computed} of {len(table)} not computed yet "
        "(fieldsvc coverage --all computes them)"
    )
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc province`` to the parser."""
    province = sub.add_parser(
        "province", help="ภาพรวมรายตำบล / provincial overview: one row per subdistrict"
    )
    what = province.add_subparsers(dest="province_command", required=True, metavar="WHAT")
    overview = what.add_parser(
        "overview",
        help="ตำบลละหนึ่งแถว / one row per subdistrict: coverage and capacity from the latest "
        "national run, bins, bins usable and surveys this month (Thailand time)",
    )
    overview.add_argument(
        "--province", metavar="CODE", help="two-digit DOPA province code, e.g. 34 (default: all)"
    )
    overview.add_argument("--out", metavar="FILE", help="also write it: .csv or .xlsx")
    overview.add_argument(
        "--sort", default="code", help="column to sort by, e.g. covered_share (default code)"
    )
    overview.add_argument("--desc", action="store_true", help="largest first")
    overview.set_defaults(handler=cmd_province_overview)
