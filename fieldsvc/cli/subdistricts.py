"""Moving one subdistrict whole between installs: ``fieldsvc subdistrict export`` / ``import``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldsvc.config import Settings


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.subdistrict_transfer import export_subdistrict
    from fieldsvc.storage.engine import engine_from_settings

    engine = engine_from_settings(settings)
    try:
        result = export_subdistrict(
            settings=settings, engine=engine, code=args.code, out=Path(args.out)
        )
    finally:
        engine.dispose()
    print(result.summary(), flush=True)
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.subdistrict_transfer import import_subdistrict
    from fieldsvc.storage.engine import engine_from_settings

    engine = engine_from_settings(settings)
    try:
        result = import_subdistrict(
            settings=settings, engine=engine, archive_path=Path(args.archive)
        )
    finally:
        engine.dispose()
    print(result.summary(), flush=True)
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc subdistrict export|import`` to the ``fieldsvc`` parser's sub-commands."""
    group = sub.add_parser(
        "subdistrict",
        help="export one subdistrict whole (rows, GeoPackage, photos) or import such a file",
        description="Move one subdistrict between installs. The file holds personal data "
        "(raw surveys, residents' contacts on citizen reports): keep it like a backup.",
    )
    actions = group.add_subparsers(dest="action", required=True)
    export = actions.add_parser(
        "export",
        help="write every row and photo of subdistrict CODE to a zip file",
        description="Write subdistrict CODE whole: villages, bins and their full inspection "
        "history, households, surveys as received with their photos, issued codes, work "
        "orders, citizen reports and Traffy tickets, with a manifest of counts and SHA-256.",
    )
    export.add_argument("code", metavar="CODE", help="the subdistrict's DOPA code")
    export.add_argument("--out", required=True, metavar="FILE.zip", help="the file to write")
    export.set_defaults(handler=cmd_export)
    imported = actions.add_parser(
        "import",
        help="add the subdistrict in a file made by 'subdistrict export' to this install",
        description="Check the whole file first, then add its subdistrict in one transaction "
        "with new ids. Refused (nothing written) when this install already holds that code or "
        "the file is damaged.",
    )
    imported.add_argument("archive", metavar="FILE.zip", help="a 'subdistrict export' file")
    imported.set_defaults(handler=cmd_import)
