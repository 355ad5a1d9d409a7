"""One subdistrict of the install: moving it whole between installs (``fieldsvc subdistrict
export`` / ``import``) and naming its own office (``set-office``)."""

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


def cmd_set_office(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.cli.console import say
    from fieldsvc.cli.db import database_session
    from fieldsvc.services.offices import set_office_name

    with database_session(settings) as session:
        subdistrict = set_office_name(
            session=session, code=args.code, office_name=args.name, office_name_en=args.en
        )
        label = f"{subdistrict.code} {subdistrict.name}"
        th = subdistrict.office_name or f"{settings.office_name} (ของระบบ / the install's)"
        en = subdistrict.office_name_en or f"{settings.office_name_en} (the install's)"
    say(f"ตำบล {label}: หน่วยงาน / office: {th} · {en}")
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc subdistrict export|import`` to the ``fieldsvc`` parser's sub-commands."""
    group = sub.add_parser(
        "subdistrict",
        help="export one subdistrict whole (rows, GeoPackage, photos) or import such a file; "
        "name its own office",
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
    office = actions.add_parser(
        "set-office",
        help="the office named on subdistrict CODE's documents and pages",
        description="Name the office of subdistrict CODE (e.g. องค์การบริหารส่วนตำบลโนนสูง) on its "
        "allocation list, ITA report, coverage table, public pages and phone set-up. An empty "
        'name ("") gives it the install\'s office (FIELDSVC_OFFICE_NAME) again.',
    )
    office.add_argument("code", metavar="CODE", help="the subdistrict's DOPA code")
    office.add_argument(
        "name", metavar="NAME", help='the office in Thai, e.g. "องค์การบริหารส่วนตำบล…"'
    )
    office.add_argument(
        "--en", metavar="NAME_EN", help="the office in English (empty: the install's)"
    )
    office.set_defaults(handler=cmd_set_office)
