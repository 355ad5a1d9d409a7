"""``fieldsvc map``: the coverage map as one HTML file that opens with no network at all."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.db import database_session
from fieldsvc.cli.scope import add_subdistrict_argument, command_subdistrict

if TYPE_CHECKING:
    from fieldsvc.config import Settings


def cmd_map(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.errors import NotFound
    from fieldsvc.maps.output import write_map_html
    from fieldsvc.services import overview, planning

    with database_session(settings) as session:
        here = command_subdistrict(session=session, code=args.subdistrict)
        plan = (
            planning.get_plan(session=session, plan_id=args.plan)
            if args.plan is not None
            else planning.published_plan(session=session, subdistrict_id=here)
        )
        if plan is not None and here is not None and plan.subdistrict_id != here:
            raise NotFound.of("plan_not_found", field="plan_id", plan_id=args.plan)
        m = overview.coverage_map(
            subdistrict_id=here,
            session=session,
            settings=settings,
            audience=args.audience,
            plan=plan,
            base_layer=args.base_layer,
        )
    out = write_map_html(m, Path(args.out), self_contained=True)
    size_kb = out.stat().st_size / 1024
    print(f"เขียนแผนที่แล้ว / map written: {out} ({size_kb:,.0f} KB, opens offline)")
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc map`` to the parser."""
    parser = sub.add_parser(
        "map",
        help="write the coverage map as one HTML file that opens offline",
        description="Write the coverage map (villages by coverage, bins by condition and stream, "
        "uncovered households, recommended sites) as a single self-contained HTML file.",
    )
    parser.add_argument("--out", required=True, help="the HTML file to write")
    parser.add_argument(
        "--audience",
        choices=["staff", "public"],
        default="staff",
        help="public leaves out photos and uncovered household clusters",
    )
    parser.add_argument("--plan", type=int, help="show this plan's sites (default: published)")
    parser.add_argument("--base-layer", help="'none', a tile URL template, or an online URL")
    add_subdistrict_argument(parser)
    parser.set_defaults(handler=cmd_map)
