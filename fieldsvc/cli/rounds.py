"""``fieldsvc rounds``: the inspection-round policy (how often bins are inspected, per village
and stream) and the bins due now."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say
from fieldsvc.cli.db import database_session
from fieldsvc.cli.scope import OF_VILLAGE, add_subdistrict_argument, named_subdistrict
from fieldsvc.cli.users import village_number

if TYPE_CHECKING:
    from fieldsvc.config import Settings

STREAMS = ("general", "organic", "recyclable", "hazardous")


def cmd_rounds_policy(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.rounds import set_policy

    with database_session(settings) as session:
        change = set_policy(
            session=session,
            village_number=args.village,
            subdistrict_id=named_subdistrict(session=session, code=args.subdistrict),
            stream=args.stream,
            usable_days=args.usable_days,
            attention_days=args.attention_days,
            missing_days=args.missing_days,
            updated_by=args.by,
            remove=args.remove,
        )
    where = (
        f"หมู่ {change.village_number if change.village_number is not None else '*'}"
        f" · {change.stream or '*'}"
    )
    if change.row is None:
        say(f"ลบค่ากำหนดรอบตรวจแล้ว / override removed: {where}")
        return 0
    row = change.row
    say(
        f"ตั้งรอบตรวจแล้ว / override set: {where}: usable {row.usable_days or '-'} d, "
        f"damaged/overflowing {row.attention_days or '-'} d, missing {row.missing_days}"
    )
    return 0


def cmd_rounds_due(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.rounds import village_rounds

    with database_session(settings) as session:
        table = village_rounds(session=session, settings=settings)
    say("หมู่ / village   เลยกำหนด overdue   ครบกำหนด due   ตรวจแล้ว done   ถัง bins")
    for row in table.itertuples(index=False):
        say(
            f"{row.number:>3} {row.name:<20} {row.overdue:>8} {row.due:>8} "
            f"{row.done:>8} {row.bins:>8}"
        )
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc rounds`` to the parser."""
    rounds = sub.add_parser(
        "rounds", help="รอบตรวจถัง / inspection rounds: policy per village and stream, bins due"
    )
    what = rounds.add_subparsers(dest="rounds_command", required=True, metavar="WHAT")
    policy = what.add_parser(
        "policy",
        help="ตั้งความถี่การตรวจของหมู่บ้านหรือประเภทขยะ / set how often bins are inspected "
        "(a village, a stream or both; unset numbers fall back to FIELDSVC_ROUNDS_*)",
    )
    policy.add_argument("--village", type=village_number, help="village number (หมู่ที่)")
    add_subdistrict_argument(policy, help=OF_VILLAGE)
    policy.add_argument("--stream", choices=STREAMS)
    policy.add_argument("--usable-days", type=int, help="usable bins: at most this many days")
    policy.add_argument("--attention-days", type=int, help="damaged or overflowing bins")
    policy.add_argument("--missing-days", type=int, help="re-check a missing bin (0: at once)")
    policy.add_argument("--remove", action="store_true", help="drop this override")
    policy.add_argument("--by", default=None, help="who set it (kept with the row)")
    policy.set_defaults(handler=cmd_rounds_policy)
    due = what.add_parser("due", help="ถังที่ครบกำหนดตรวจรายหมู่บ้าน / bins due per village")
    due.set_defaults(handler=cmd_rounds_due)
