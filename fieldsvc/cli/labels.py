"""``fieldsvc labels``: QR sticker sheets (PDF) for a village's bins or a batch of fresh codes."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say
from fieldsvc.cli.db import database_session
from fieldsvc.cli.scope import OF_VILLAGE, add_subdistrict_argument, named_subdistrict
from fieldsvc.cli.users import village_number

if TYPE_CHECKING:
    from fieldsvc.config import Settings


def cmd_labels(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.reports.labels import labels_pdf
    from fieldsvc.reports.tables import write_document
    from fieldsvc.services import labels

    with database_session(settings) as session:
        here = named_subdistrict(session=session, code=args.subdistrict)
        if args.fresh is not None:
            # The office's own command line: no signed-in user, issued by nobody in particular.
            sheet = labels.fresh_labels(
                session=session,
                user=None,
                village_number=args.village,
                count=args.fresh,
                subdistrict_id=here,
            )
        else:
            sheet = labels.village_labels(
                session=session,
                user=None,
                village_number=args.village,
                which=args.which,
                subdistrict_id=here,
            )
    out = Path(args.out or sheet.filename)
    write_document(out, labels_pdf(sheet.labels, title=sheet.title))
    codes = [label.code for label in sheet.labels]
    say(
        f"เขียนป้าย QR แล้ว / QR stickers written: {out} "
        f"({len(codes)} codes, {-(-len(codes) // 24)} A4 sheets of 24)",
        "  " + " ".join(codes),
    )
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc labels`` to the ``fieldsvc`` parser."""
    cmd = sub.add_parser(
        "labels",
        help="print QR stickers (PDF): a village's bins, or --fresh N new codes reserved",
        description="QR sticker sheets, A4 with 3 × 8 labels of 70 × 37 mm. The QR holds the "
        "bin code only. --fresh N reserves N new codes (village number + 4 digits, e.g. "
        "07-0427) that are never issued again; a survey that registers a new bin under one "
        "marks it used.",
    )
    cmd.add_argument(
        "--village", type=village_number, required=True, metavar="N", help="หมู่ที่ (1–99)"
    )
    add_subdistrict_argument(cmd, help=OF_VILLAGE)
    what = cmd.add_mutually_exclusive_group()
    what.add_argument("--fresh", type=int, metavar="COUNT", help="reserve COUNT new codes (1–240)")
    what.add_argument(
        "--unused",
        dest="which",
        action="store_const",
        const="fresh",
        default="bins",
        help="print the village's reserved codes not used yet again",
    )
    cmd.add_argument("--out", help="output PDF (default: qr-labels-village-NN-….pdf)")
    cmd.set_defaults(handler=cmd_labels)
