"""Build the ODK Collect / KoboCollect forms from their readable CSV sources.

The source of truth is ``mobile_forms/xlsform/``: one CSV per XLSForm sheet
(``<form>.survey.csv``, ``<form>.choices.csv`` (optional), ``<form>.settings.csv``,
``<form>.entities.csv`` (optional: the ODK entity list the form creates/updates)) plus the
``villages.csv`` attachment. This script writes, for every form, into ``mobile_forms/built/``:

* ``<form>.xlsx`` — the XLSForm (upload it to KoboToolbox or ODK Central as is),
* ``<form>.xml``  — the XForm made from that XLSForm by pyxform and checked by ODK Validate,

and a copy of ``villages.csv`` and ``bins.csv`` (the media files the phones download with the
forms: the server sends each user their own villages and bins; the copies here are the shape).

GPS accuracy thresholds have one source, ``mobile_forms/gps_accuracy.json``: the build fills
``{good_m}`` and ``{max_m}`` in the form sources with it and writes ``web/gps_accuracy.js``, which
the web form imports, so Collect and the web form call the same fix good or poor.

The output is deterministic: the workbook has fixed metadata and zip timestamps and is stored
uncompressed, so the same sources give the same bytes on any machine with the pinned openpyxl
and pyxform.

Usage::

    python mobile_forms/build_forms.py            # rebuild mobile_forms/built/
    python mobile_forms/build_forms.py --check    # rebuild in a temp dir, fail if built/ is stale
    python mobile_forms/build_forms.py --out DIR  # build somewhere else

ODK Validate needs Java (``java`` on PATH); ``--skip-validate`` is for quick edits only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from pyxform.xls2xform import convert

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE / "xlsform"
BUILT_DIR = HERE / "built"
FORMS = ("bin_survey", "village_households")
ATTACHMENTS = ("villages.csv", "bins.csv")
GPS_ACCURACY = HERE / "gps_accuracy.json"
WEB_THRESHOLDS = HERE / "web" / "gps_accuracy.js"
SHEETS = ("survey", "choices", "settings", "entities")  # XLSForm sheet order
OPTIONAL_SHEETS = ("choices", "entities")

# Fixed workbook metadata so identical sources give identical bytes.
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
AUTHOR = "fieldsvc mobile_forms/build_forms.py"


class FormBuildError(Exception):
    """A form source is malformed or the built XForm failed validation."""


@dataclass(frozen=True)
class BuiltForm:
    form_id: str
    xlsx_path: Path
    xml_path: Path
    warnings: tuple[str, ...]


def read_sheet(path: Path) -> list[list[str]]:
    """Rows of a CSV sheet source (header first), trailing empty cells and blank rows dropped.

    ``utf-8-sig`` accepts files that Excel saved with a byte-order mark.
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [[cell.strip() for cell in row] for row in csv.reader(fh)]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise FormBuildError(f"{path.name}: empty sheet")
    width = len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) > width and any(row[width:]):
            raise FormBuildError(f"{path.name} row {number}: more cells than header columns")
    return [row[:width] for row in rows]


def gps_accuracy(path: Path = GPS_ACCURACY) -> dict[str, float]:
    """The thresholds, metres: ``good_m`` (a good fix) and ``max_m`` (worse is a poor fix)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found = {key: data[key] for key in ("good_m", "max_m")}
    if not 0 < found["good_m"] <= found["max_m"]:
        raise FormBuildError(f"{path.name}: need 0 < good_m <= max_m, got {found}")
    return found


def fill_thresholds(rows: list[list[str]], thresholds: dict[str, float]) -> list[list[str]]:
    """``{good_m}`` and ``{max_m}`` in every cell replaced by their numbers."""
    filled = []
    for row in rows:
        cells = []
        for cell in row:
            for key, value in thresholds.items():
                cell = cell.replace("{" + key + "}", f"{value:g}")
            cells.append(cell)
        filled.append(cells)
    return filled


def web_thresholds_js(thresholds: dict[str, float]) -> str:
    """The web form's module of the same thresholds."""
    return (
        "/* GPS accuracy thresholds, metres: written by mobile_forms/build_forms.py from\n"
        " * mobile_forms/gps_accuracy.json (the ODK Collect form uses the same numbers). */\n\n"
        "/** A good fix (green). */\n"
        f"export const GPS_GOOD_M = {thresholds['good_m']:g};\n"
        "/** Worse than this is a poor fix (red), until the server's own limit is known. */\n"
        f"export const GPS_MAX_M = {thresholds['max_m']:g};\n"
    )


def write_xlsform(sheets: dict[str, list[list[str]]], xlsx_path: Path) -> None:
    """Write the sheets to an .xlsx with stable bytes (fixed times, stored zip entries)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(title=name)
        for row in rows:
            # Empty strings are left as truly empty cells; everything else is text.
            ws.append([cell if cell != "" else None for cell in row])
    wb.properties.creator = AUTHOR
    wb.properties.lastModifiedBy = AUTHOR
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME

    # ExcelWriter directly: openpyxl's save_workbook() stamps "modified" with the clock.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()

    # Re-pack with fixed entry times, uncompressed so zlib versions cannot change the bytes.
    stable = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(stable, "w", zipfile.ZIP_STORED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    xlsx_path.write_bytes(stable.getvalue())


def check_villages(path: Path) -> None:
    """The villages attachment: columns name,label; unique whole-number names; labels filled."""
    rows = read_sheet(path)
    header, body = rows[0], rows[1:]
    if header[:2] != ["name", "label"]:
        raise FormBuildError(f"{path.name}: the first columns must be 'name,label', got {header}")
    seen: set[str] = set()
    for number, row in enumerate(body, start=2):
        name, label = (row + ["", ""])[:2]
        if not name.isdigit():
            raise FormBuildError(f"{path.name} row {number}: village number {name!r} is not 1..N")
        if name in seen:
            raise FormBuildError(f"{path.name} row {number}: village number {name} repeated")
        if not label:
            raise FormBuildError(f"{path.name} row {number}: village {name} has no label")
        seen.add(name)
    if not body:
        raise FormBuildError(f"{path.name}: no villages")


def copy_attachment(path: Path, out_dir: Path) -> None:
    """Copy a CSV attachment as UTF-8 without BOM and with LF line ends (what Collect reads)."""
    rows = read_sheet(path)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (out_dir / path.name).write_text(buf.getvalue(), encoding="utf-8", newline="")


def build_form(form_id: str, out_dir: Path, *, validate: bool = True) -> BuiltForm:
    """Build ``<form_id>.xlsx`` and ``<form_id>.xml`` in ``out_dir`` from the CSV sources."""
    sheets: dict[str, list[list[str]]] = {}
    for sheet in SHEETS:
        path = SOURCE_DIR / f"{form_id}.{sheet}.csv"
        if path.exists():
            sheets[sheet] = fill_thresholds(read_sheet(path), gps_accuracy())
        elif sheet not in OPTIONAL_SHEETS:
            raise FormBuildError(f"missing source {path.relative_to(HERE)}")
    settings = dict(zip(sheets["settings"][0], sheets["settings"][1], strict=False))
    if settings.get("form_id") != form_id:
        raise FormBuildError(f"{form_id}.settings.csv: form_id must be {form_id!r}")

    xlsx_path = out_dir / f"{form_id}.xlsx"
    xml_path = out_dir / f"{form_id}.xml"
    write_xlsform(sheets, xlsx_path)
    warnings: list[str] = []
    # Convert the written workbook (not the CSVs) so the committed .xlsx is what was validated.
    result = convert(
        xlsform=xlsx_path.read_bytes(),
        file_type=".xlsx",
        validate=validate,
        pretty_print=True,
        warnings=warnings,
    )
    xml = result.xform if result.xform.endswith("\n") else result.xform + "\n"
    xml_path.write_text(xml, encoding="utf-8", newline="")
    return BuiltForm(form_id, xlsx_path, xml_path, tuple(warnings))


def build_all(out_dir: Path, *, validate: bool = True) -> list[BuiltForm]:
    """Build every form and copy the attachments into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if out_dir == BUILT_DIR:
        WEB_THRESHOLDS.write_text(web_thresholds_js(gps_accuracy()), encoding="utf-8")
    check_villages(SOURCE_DIR / "villages.csv")
    for name in ATTACHMENTS:
        copy_attachment(SOURCE_DIR / name, out_dir)
    return [build_form(form_id, out_dir, validate=validate) for form_id in FORMS]


def stale_files(fresh_dir: Path, committed_dir: Path) -> list[str]:
    """Names of files that differ between a fresh build and the committed one."""
    fresh = {p.name for p in fresh_dir.iterdir() if p.is_file()}
    committed = (
        {p.name for p in committed_dir.iterdir() if p.is_file()}
        if committed_dir.is_dir()
        else set()
    )
    problems = [f"{name}: missing from {committed_dir}" for name in sorted(fresh - committed)]
    problems += [f"{name}: not made by this build" for name in sorted(committed - fresh)]
    for name in sorted(fresh & committed):
        if (fresh_dir / name).read_bytes() != (committed_dir / name).read_bytes():
            problems.append(f"{name}: differs from a fresh build")
    return problems


def _version_and_xml(xml_path: Path) -> tuple[str, bytes] | None:
    """(version attribute, bytes) of a built XForm, or None when there is none yet."""
    if not xml_path.is_file():
        return None
    data = xml_path.read_bytes()
    match = re.search(rb'<data id="[^"]*" version="([^"]*)"', data)
    return (match.group(1).decode() if match else "", data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if built/ is not up to date")
    parser.add_argument("--out", type=Path, default=BUILT_DIR, help="output folder")
    parser.add_argument("--skip-validate", action="store_true", help="do not run ODK Validate")
    args = parser.parse_args(argv)
    validate = not args.skip_validate
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                forms = build_all(Path(tmp), validate=validate)
                problems = stale_files(Path(tmp), args.out)
            if WEB_THRESHOLDS.read_text(encoding="utf-8") != web_thresholds_js(gps_accuracy()):
                problems.append(f"{WEB_THRESHOLDS.name}: differs from {GPS_ACCURACY.name}")
        else:
            previous = {f: _version_and_xml(args.out / f"{f}.xml") for f in FORMS}
            forms = build_all(args.out, validate=validate)
            problems = []
            for form in forms:
                before = previous[form.form_id]
                after = _version_and_xml(form.xml_path)
                if before and after and before[1] != after[1] and before[0] == after[0]:
                    # Same version, different form: servers and phones cannot tell them apart.
                    print(
                        f"warning: {form.form_id}: the form changed but its version is still "
                        f"{after[0]}; raise 'version' in {form.form_id}.settings.csv",
                        file=sys.stderr,
                    )
    except FormBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # pyxform and ODK Validate raise their own types
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    for form in forms:
        for warning in form.warnings:
            print(f"warning: {form.form_id}: {warning}", file=sys.stderr)
    if problems:
        for problem in problems:
            print(f"stale: {problem}", file=sys.stderr)
        print(
            "run: python mobile_forms/build_forms.py  (then commit mobile_forms/built/)",
            file=sys.stderr,
        )
        return 1
    verb = "up to date" if args.check else f"built into {args.out}"
    print(f"{', '.join(f.form_id for f in forms)}: {verb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
