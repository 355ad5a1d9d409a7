"""``fieldsvc import villages|households|bins``: map layers and survey sheets into the register."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli import places, traffy
from fieldsvc.cli.console import progress
from fieldsvc.cli.importing import add_map_options, add_sheet_option, run_import

if TYPE_CHECKING:
    from sqlmodel import Session

    from fieldsvc.config import Settings
    from fieldsvc.ingest.sheets import RegisterDefaults
    from fieldsvc.services.imports import ImportOutcome

#: The layers ``import`` reads, with what each file may be.
LAYERS = (
    ("villages", "village boundaries: GeoJSON, GeoPackage, Shapefile (.shp or .zip), KML"),
    ("households", "household / demand points: GeoJSON, GeoPackage, Shapefile, KML"),
    (
        "bins",
        "a bin inventory (GeoJSON, GeoPackage, Shapefile, KML) or a survey sheet "
        "(CSV, Excel .xlsx, Kobo/ODK CSV export)",
    ),
)


def _layer_options(args: argparse.Namespace, names: Sequence[str]) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


#: What ``--default-stream`` / ``--default-capacity-l`` take to turn the default off.
NO_DEFAULT = "none"


def _stream_option(value: str) -> str:
    from fieldsvc.models.enums import Stream

    text = value.strip().casefold()
    if text != NO_DEFAULT and text not in {s.value for s in Stream}:
        known = ", ".join([*(s.value for s in Stream), NO_DEFAULT])
        raise argparse.ArgumentTypeError(f"expected one of {known}")
    return text


def _litres_option(value: str) -> int | str:
    text = value.strip().casefold()
    if text == NO_DEFAULT:
        return text
    try:
        litres = int(text)
    except ValueError:
        litres = 0
    if not 0 < litres <= 20_000:
        raise argparse.ArgumentTypeError(f"expected litres 1–20000 or {NO_DEFAULT}")
    return litres


def sheet_defaults(args: argparse.Namespace, settings: Settings) -> RegisterDefaults:
    """The settings' register defaults with the command line's ``--default-*`` over them."""
    from fieldsvc.ingest.sheets import RegisterDefaults
    from fieldsvc.models.enums import Stream

    stream, litres = settings.sheet_default_stream, settings.sheet_default_capacity_l
    given_stream = getattr(args, "default_stream", None)
    if given_stream is not None:
        stream = None if given_stream == NO_DEFAULT else Stream(given_stream)
    given_litres = getattr(args, "default_capacity_l", None)
    if given_litres is not None:
        litres = None if given_litres == NO_DEFAULT else int(given_litres)
    return RegisterDefaults(stream=stream, capacity_l=litres)


def cmd_import_bin_sheet(args: argparse.Namespace, settings: Settings) -> int:
    """``import bins`` of a CSV/Excel survey sheet: each row is received as a survey."""
    from fieldsvc.services.sheet_import import import_bin_sheet

    return run_import(
        settings,
        f"กำลังนำเข้าแบบสำรวจ / importing survey sheet {args.path} …",
        import_bin_sheet,
        path=Path(args.path),
        settings=settings,
        encoding=args.encoding,
        sheet=args.sheet,
        defaults=sheet_defaults(args, settings),
        subdistrict_code=getattr(args, "subdistrict", None),
    )


def cmd_import_buildings(args: argparse.Namespace, settings: Settings) -> int:
    """``import buildings``: household proxies from building footprints."""
    from fieldsvc.services.buildings import import_buildings

    return run_import(
        settings,
        f"กำลังนำเข้าอาคาร / importing buildings {args.path} …",
        import_buildings,
        path=Path(args.path),
        settings=settings,
        min_area_m2=args.min_area_m2,
        max_area_m2=args.max_area_m2,
        min_confidence=args.min_confidence,
        progress=progress,
        subdistrict_code=args.subdistrict_code,
    )


def _import_villages(
    session: Session,
    subdistrict_code: str | None,
    subdistrict_name: str | None,
    **options: Any,
) -> ImportOutcome:
    """Villages into the subdistrict named (made first when there is none yet)."""
    from fieldsvc.services import imports

    subdistrict = imports.ensure_subdistrict(
        session=session, code=subdistrict_code, name=subdistrict_name
    )
    return imports.import_villages(session=session, subdistrict=subdistrict, **options)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.ingest.sheet_files import SHEET_SUFFIXES
    from fieldsvc.services import imports

    if args.what == "bins" and Path(args.path).suffix.casefold() in SHEET_SUFFIXES:
        return cmd_import_bin_sheet(args, settings)
    path = Path(args.path)
    announce = f"กำลังนำเข้า / importing {path} …"
    common = _layer_options(args, ["encoding", "layer", "source_crs"])
    if args.what == "villages":
        fields = ["name_field", "number_field", "code_field", "households_field"]
        return run_import(
            settings,
            announce,
            _import_villages,
            path=path,
            subdistrict_code=args.subdistrict_code,
            subdistrict_name=args.subdistrict_name,
            **common,
            **_layer_options(args, [*fields, "population_field"]),
        )
    use_case = imports.import_households if args.what == "households" else imports.import_bin_layer
    return run_import(
        settings,
        announce,
        use_case,
        path=path,
        progress=progress,
        subdistrict_code=args.subdistrict_code,
        **common,
    )


def register(sub: Any) -> None:
    """Add ``fieldsvc import`` to the parser."""
    imp = sub.add_parser("import", help="import villages, households or a bin inventory from files")
    imp_sub = imp.add_subparsers(dest="what", required=True, metavar="LAYER")
    for what, helptext in LAYERS:
        p = imp_sub.add_parser(
            what,
            help=helptext,
            description=f"Import {helptext}. Re-running "
            "updates what changed and never duplicates. Prints what was loaded, "
            "repaired and rejected, row by row.",
        )
        p.add_argument("path", help="the file to import")
        add_map_options(p)
        p.set_defaults(handler=cmd_import)
        if what == "villages":
            p.add_argument("--name-field", help="column with the village name")
            p.add_argument("--number-field", help="column with the village number (หมู่ที่)")
            p.add_argument("--code-field", help="column with the village code")
            p.add_argument("--households-field", help="column with the number of households")
            p.add_argument("--population-field", help="column with the population")
            p.add_argument("--subdistrict-name", help="subdistrict name (when none exists yet)")
        p.add_argument(
            "--subdistrict-code",
            metavar="CODE",
            help="the subdistrict (6-digit code) the file belongs to: needed when this install "
            "serves several; villages: made with --subdistrict-name when none exists yet",
        )
        if what == "bins":
            add_sheet_option(p)
            p.add_argument(
                "--subdistrict",
                metavar="CODE",
                help="sheets: the subdistrict (6-digit code) whose village numbers the sheet "
                "uses; required when this install serves several subdistricts",
            )
            p.add_argument(
                "--default-stream",
                type=_stream_option,
                metavar="STREAM",
                help="sheets: waste stream of a new bin from a row that names none "
                "(general, organic, recyclable, hazardous, or none to hold such rows; "
                "default FIELDSVC_SHEET_DEFAULT_STREAM, general)",
            )
            p.add_argument(
                "--default-capacity-l",
                type=_litres_option,
                metavar="LITRES",
                help="sheets: size in litres of a new bin from a row that names none "
                "(or none to hold such rows; default FIELDSVC_SHEET_DEFAULT_CAPACITY_L, "
                "200 = the usual rural communal drum)",
            )
    p = imp_sub.add_parser(
        "buildings",
        help="households estimated from building footprints: a Google Open Buildings CSV or "
        "an OpenStreetMap .osm.pbf (building=*)",
        description="Estimate households from building footprints: keep buildings within the "
        "area and confidence limits, assign each to the village area that holds it, and weight "
        "them so each village's total equals its registered house count (when it has one). "
        "Replaces the buildings of the previous import; surveyed households are kept, and a "
        "village with surveyed households does not use buildings. Prints what was left out "
        "and why, and each village's weight.",
    )
    p.add_argument("path", help="Open Buildings .csv (or .csv.gz) or OpenStreetMap .osm.pbf")
    p.add_argument(
        "--min-area-m2",
        type=float,
        help="smallest footprint counted as a house, m² (default: setting "
        "FIELDSVC_BUILDING_MIN_AREA_M2, 20)",
    )
    p.add_argument(
        "--max-area-m2",
        type=float,
        help="largest footprint counted as a house, m² (default: FIELDSVC_BUILDING_MAX_AREA_M2, "
        "1000)",
    )
    p.add_argument(
        "--min-confidence",
        type=float,
        help="lowest Open Buildings confidence kept, 0–1 (default: "
        "FIELDSVC_BUILDING_MIN_CONFIDENCE, 0.70)",
    )
    p.add_argument(
        "--subdistrict-code",
        metavar="CODE",
        help="the subdistrict (6-digit code) whose villages the buildings go to: needed when "
        "this install serves several (only its buildings are replaced)",
    )
    p.set_defaults(handler=cmd_import_buildings)
    places.register_imports(imp_sub)
    traffy.register_imports(imp_sub)
