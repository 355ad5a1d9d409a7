"""``fieldsvc import traffy``: Traffy Fondue's public export as a read-only staff layer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.importing import run_import

if TYPE_CHECKING:
    from fieldsvc.config import Settings


def cmd_import_traffy(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.traffy import import_traffy

    return run_import(
        settings,
        f"กำลังนำเข้าเรื่องจาก Traffy Fondue / importing Traffy Fondue tickets {args.path} …",
        import_traffy,
        path=Path(args.path),
        subdistrict_code=args.subdistrict_code,
        encoding=args.encoding,
    )


def register_imports(imp_sub: Any) -> None:
    """Add ``traffy`` to ``fieldsvc import``."""
    p = imp_sub.add_parser(
        "traffy",
        help="Traffy Fondue's public export (CSV or GeoJSON): cleanliness/waste tickets "
        "inside the subdistrict, as a read-only staff layer",
        description="Import Traffy Fondue tickets from its public export (the CSV with "
        "ticket_id, type, organization, comment, photo, photo_after, coords, address, "
        "subdistrict, district, province, timestamp, state, star, count_reopen, last_activity; "
        "or GeoJSON with those properties). Kept: tickets whose type holds ความสะอาด or whose "
        "comment names waste (ขยะ, มูลฝอย), inside the subdistrict boundary. Re-importing "
        "updates state and last activity and never duplicates a ticket. Rows with unusable "
        "coordinates are listed by row. Photo links are kept as text, never downloaded. "
        "Comments can name people: the layer is shown to staff only.",
    )
    p.add_argument("path", help="the export: .csv or .geojson")
    p.add_argument(
        "--subdistrict",
        "--subdistrict-code",
        dest="subdistrict_code",
        metavar="CODE",
        help="the subdistrict whose tickets these are (its DOPA code; required when the "
        "install serves several)",
    )
    p.add_argument("--encoding", help="text encoding of a re-saved CSV, e.g. cp874")
    p.set_defaults(handler=cmd_import_traffy)
