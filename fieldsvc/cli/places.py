"""``fieldsvc import subdistrict|village-centres|house-counts``: a subdistrict's starting data
from the files a new office has (COD-AB boundary, DOPA village list or OpenStreetMap extract,
DOPA registered house counts)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.importing import add_map_options, add_table_options, run_import

if TYPE_CHECKING:
    from collections.abc import Callable

    from fieldsvc.cli.importing import Summarised
    from fieldsvc.config import Settings


def cmd_import_subdistrict(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.places import import_subdistrict

    return run_import(
        settings,
        f"กำลังนำเข้าขอบเขตตำบล / importing the subdistrict boundary {args.path} …",
        import_subdistrict,
        path=Path(args.path),
        pcode=args.pcode,
        name=args.name,
        subdistrict_code=args.subdistrict_code,
        subdistrict_name=args.subdistrict_name,
        encoding=args.encoding,
        layer=args.layer,
        source_crs=args.source_crs,
    )


def _import_table(
    args: argparse.Namespace,
    settings: Settings,
    announce: str,
    use_case: Callable[..., Summarised],
) -> int:
    """A per-village CSV/Excel list (``path``, ``--subdistrict-code``, ``--encoding``,
    ``--sheet``) through ``use_case``."""
    return run_import(
        settings,
        f"{announce} {args.path} …",
        use_case,
        path=Path(args.path),
        subdistrict_code=args.subdistrict_code,
        encoding=args.encoding,
        sheet=args.sheet,
    )


def cmd_import_village_centres(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.places import import_village_centres

    announce = "กำลังนำเข้าจุดศูนย์กลางหมู่บ้าน / importing village centres"
    return _import_table(args, settings, announce, import_village_centres)


def cmd_import_house_counts(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.places import import_house_counts

    announce = "กำลังนำเข้าจำนวนบ้าน / importing registered house counts"
    return _import_table(args, settings, announce, import_house_counts)


def register_imports(imp_sub: Any) -> None:
    """Add the starting-data layers to ``fieldsvc import``."""
    p = imp_sub.add_parser(
        "subdistrict",
        help="the subdistrict boundary from a COD-AB-style file (ADM3_PCODE, ADM3_TH, ...)",
        description="Import one subdistrict (tambon) boundary with its code and names from a "
        "GeoJSON, GeoPackage or Shapefile such as OCHA's COD-AB adm3 file. A file of many "
        "tambons needs --pcode or --name. Re-running updates it and never duplicates.",
    )
    p.add_argument("path", help="the boundary file")
    p.add_argument("--pcode", help="the tambon to take: pcode (TH570101) or DOPA code (570101)")
    p.add_argument("--name", help="the tambon to take by its Thai or English name")
    p.add_argument(
        "--subdistrict-code",
        help="DOPA code: chooses the tambon, or names it when the file has no code",
    )
    p.add_argument(
        "--subdistrict-name",
        help="Thai name: chooses the tambon, or names it when the file has no name",
    )
    add_map_options(p)
    p.set_defaults(handler=cmd_import_subdistrict)

    p = imp_sub.add_parser(
        "village-centres",
        help="village centres (CSV/Excel with หมู่ or DOPA code and lat/lon, or an .osm.pbf) "
        "and approximate village areas",
        description="Import village centres and divide the subdistrict among them "
        "(nearest centre, clipped to the boundary): approximate village areas "
        "(พื้นที่หมู่บ้านโดยประมาณ), labelled so on maps and reports until real boundaries "
        "are imported with 'fieldsvc import villages'. Real boundaries are never overwritten.",
    )
    p.add_argument("path", help=".csv/.xlsx village list or .osm.pbf extract")
    add_table_options(p)
    p.set_defaults(handler=cmd_import_village_centres)

    p = imp_sub.add_parser(
        "house-counts",
        help="registered house counts per village (CSV/Excel keyed by DOPA code or หมู่)",
        description="Set each village's household figure from DOPA registered house counts. "
        "Rows matching no village are named in the report and change nothing.",
    )
    p.add_argument("path", help=".csv/.xlsx with a village code or หมู่ที่ and a count")
    add_table_options(p)
    p.set_defaults(handler=cmd_import_house_counts)
