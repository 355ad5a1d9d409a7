"""Import a bin survey sheet: read it (``fieldsvc.ingest.sheets``), then receive every row
through ``receive_submission`` like any other channel. Used by the CLI (and later the API).

Each row is received inside its own SAVEPOINT, so a row the register refuses is reported and
the rest still go in; the caller commits.

A row that carries enough to be a bin registers one: a missing stream or size takes the stated
default (``RegisterDefaults``; from the settings unless the caller says otherwise), said once in
the report. Only real problems hold a row for staff: unusable coordinates, a point outside the
subdistrict, a likely duplicate of a registered bin (the checks), and a code that also names a
point far away — on another row of the file or in the register (``sheet_code_conflict_m``).
The report names every row and what became of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError, InvalidInput, SubmissionConflict
from fieldsvc.ingest.checks import Flag, coordinates_usable
from fieldsvc.ingest.report import ImportReport, RowNote
from fieldsvc.ingest.sheets import RegisterDefaults, SheetRead, SheetRow, read_bin_sheet
from fieldsvc.ingest.survey import SurveyRecord
from fieldsvc.models import Channel, User
from fieldsvc.models.enums import STREAM_TH_SHORT
from fieldsvc.problems import render_line
from fieldsvc.storage.register import get_bin_by_code, haversine_m
from fieldsvc.storage.sqlite_writers import begin_writing
from fieldsvc.storage.submissions import (
    get_submission_by_instance,
    receive_submission,
    record_to_parsed,
)
from fieldsvc.storage.tenancy import subdistrict_by_code, subdistrict_count

SHEET_CONTENT_TYPE = "application/json"
_SHOWN_NOTES = 20

RowFate = Literal["registered", "inspected", "held", "duplicate", "not_imported"]
#: What became of a row, as the report's lists say it (Thai, English), in the report's order.
ROW_FATES: Final[Mapping[RowFate, tuple[str, str]]] = {
    "registered": ("ลงทะเบียนถังใหม่", "new bins registered"),
    "inspected": ("บันทึกการตรวจถังที่มีในทะเบียน", "inspections of registered bins"),
    "held": ("รอเจ้าหน้าที่ตรวจสอบ (ยังไม่เข้าทะเบียน)", "held for staff (not in the register yet)"),
    "duplicate": ("นำเข้าไว้แล้วก่อนหน้านี้", "imported before"),
    "not_imported": ("ไม่นำเข้า", "not imported"),
}


def defaults_from(settings: Settings) -> RegisterDefaults:
    """The register defaults the settings state (``FIELDSVC_SHEET_DEFAULT_*``)."""
    return RegisterDefaults(
        stream=settings.sheet_default_stream, capacity_l=settings.sheet_default_capacity_l
    )


def row_ranges(rows: list[int]) -> str:
    """Row numbers as a person reads them: ``[2, 3, 4, 7]`` -> ``"2–4, 7"``."""
    spans: list[list[int]] = []
    for number in sorted(set(rows)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)


@dataclass(frozen=True)
class SheetImportOutcome:
    """What a sheet import did.

    Attributes
    ----------
    created, edited, duplicate
        Rows stored as new surveys, as new versions of a survey (Kobo ``deprecatedID``), and
        rows already received before (nothing stored).
    flagged
        Rows stored (created or edited) with at least one check flag; ``held`` of them have a
        ``reject`` flag: kept, but not applied to the register until staff review them.
    report
        The reading report; rows the register refused are added to its ``rejected`` list.
    flag_notes
        One note per flag of a stored row, so the person importing sees what staff will see.
    """

    file: str
    created: int
    edited: int
    duplicate: int
    flagged: int
    held: int
    report: ImportReport
    flag_notes: list[RowNote] = field(default_factory=list)
    rows: dict[RowFate, list[int]] = field(default_factory=dict)
    defaults_used: list[str] = field(default_factory=list)

    @property
    def registered(self) -> int:
        """Rows that registered a new bin."""
        return len(self.rows.get("registered", []))

    def summary(self) -> str:
        """Counts, the defaults used (once), every row by what became of it, then the notes."""
        lines = [
            f"ไฟล์ {self.file}: ใหม่ {self.created} แก้ไข {self.edited} ซ้ำ {self.duplicate} "
            f"ต้องตรวจสอบ {self.flagged} (รอเจ้าหน้าที่อนุมัติ {self.held}) "
            f"ไม่นำเข้า {len(self.report.rejected)}",
            f"{self.file}: new {self.created}, edited {self.edited}, duplicate {self.duplicate}, "
            f"flagged {self.flagged} (held for staff {self.held}), "
            f"not imported {len(self.report.rejected)}",
            *self.defaults_used,
        ]
        for fate, (th, en) in ROW_FATES.items():
            numbers = self.rows.get(fate, [])
            if numbers:
                shown = row_ranges(numbers)
                lines.append(f"{th} / {en}: {len(numbers)} แถว / rows — {shown}")
        lines.append(self.report.summary())
        # Why each held row waits comes first and in full: those rows need someone. The notes
        # of applied rows follow, one line per reason with its rows (42 rows of one unknown
        # village are one line, not 42).
        held = set(self.rows.get("held", []))
        notes = [n for n in self.flag_notes if n.row in held]
        grouped = _grouped(notes) + _grouped([n for n in self.flag_notes if n.row not in held])
        limit = max(_SHOWN_NOTES, len(_grouped(notes)))
        lines += grouped[:limit]
        if len(grouped) > limit:
            more = len(grouped) - limit
            lines.append(f"... และอีก {more} รายการ / ... and {more} more")
        return "\n".join(lines)


def _grouped(notes: list[RowNote]) -> list[str]:
    """One line per distinct reason, naming its rows (in the order the reasons first occur)."""
    rows: dict[tuple[str, str], list[int]] = defaultdict(list)
    for note in notes:
        rows[(note.reason_th, note.reason_en)].append(note.row)
    lines = []
    for (th, en), numbers in rows.items():
        where = row_ranges(numbers)
        lines.append(f"แถว {where}: {th} / Row{'s' if len(numbers) > 1 else ''} {where}: {en}")
    return lines


def import_bin_sheet(
    *,
    session: Session,
    path: Path | str,
    settings: Settings,
    submitter: User | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    defaults: RegisterDefaults | None = None,
    subdistrict_code: str | None = None,
) -> SheetImportOutcome:
    """Read a survey sheet and receive each row as a ``sheet`` submission (idempotent).

    ``defaults``: the stream and size a new bin from a row without them gets; None takes the
    settings' (``defaults_from``). ``subdistrict_code``: the subdistrict the sheet is of (its
    village numbers are that subdistrict's); required when the install serves several.

    Raises
    ------
    ImportFailed
        When the file as a whole cannot be read (see ``read_bin_sheet``).
    InvalidInput
        ``subdistrict_required`` when the install serves several subdistricts and none is
        named.
    NotFound
        ``subdistrict_code_unknown`` for a code that is no subdistrict of the install.
    """
    within = sheet_subdistrict(session=session, code=subdistrict_code)
    defaults = defaults if defaults is not None else defaults_from(settings)
    read = read_bin_sheet(path, encoding=encoding, sheet=sheet, defaults=defaults)
    # Looked up before any row registers a bin: which codes the register already has.
    registered = _registered_points(session=session, rows=read.rows)
    conflicts = code_conflicts(read.rows, registered, limit_m=settings.sheet_code_conflict_m)
    known_codes = set(registered)
    counts = {"created": 0, "edited": 0, "duplicate": 0, "flagged": 0, "held": 0}
    fates: dict[RowFate, list[int]] = defaultdict(list)
    refused: list[RowNote] = []
    flag_notes: list[RowNote] = []
    # one write transaction for the file: each row's savepoint is then not a commit (and a
    # disk sync) of its own on SQLite
    begin_writing(session)
    for row in read.rows:
        try:
            with session.begin_nested():
                result = receive_submission(
                    session=session,
                    record=row.record,
                    raw_payload=row.raw_payload(file=read.file, sheet=read.sheet),
                    content_type=SHEET_CONTENT_TYPE,
                    submitter=submitter,
                    settings=settings,
                    complete=True,
                    intake_flags=conflicts.get(row.row, []),
                    subdistrict_ids=within,
                )
        except SubmissionConflict as exc:
            note = _conflict(session=session, row=row, error=exc)
            if note is None:
                counts["duplicate"] += 1
                fates["duplicate"].append(row.row)
            else:
                refused.append(note)
            continue
        except FieldsvcError as exc:
            refused.append(RowNote(row.row, exc.message_th, exc.message_en, exc.field))
            continue
        counts[result.outcome] += 1
        fates[_fate(result.outcome, result.submission.applied, row, known_codes)].append(row.row)
        if result.outcome != "duplicate" and result.flags:
            counts["flagged"] += 1
            counts["held"] += int(not result.submission.applied)
            flag_notes += [RowNote(row.row, f.message_th, f.message_en) for f in result.flags]
    report = _with_refused(read, refused)
    fates["not_imported"] = sorted({note.row for note in report.rejected})
    return SheetImportOutcome(
        file=read.file,
        created=counts["created"],
        edited=counts["edited"],
        duplicate=counts["duplicate"],
        flagged=counts["flagged"],
        held=counts["held"],
        report=report,
        flag_notes=flag_notes,
        rows={fate: sorted(numbers) for fate, numbers in fates.items() if numbers},
        defaults_used=_defaults_used(read, defaults),
    )


def sheet_subdistrict(*, session: Session, code: str | None) -> list[int] | None:
    """The subdistrict a sheet's village numbers are looked for in: the one named by ``code``;
    None (the install's only one, or none) when none is named and the install has one at
    most; ``subdistrict_required`` when it serves several and none is named."""
    if code:
        found = subdistrict_by_code(session=session, code=code)
        return [found.id or 0]
    count = subdistrict_count(session=session)
    if count > 1:
        raise InvalidInput.of("subdistrict_required", field="subdistrict", count=count)
    return None


def _fate(outcome: str, applied: bool, row: SheetRow, known_codes: set[str]) -> RowFate:
    """Registered, inspected, held or imported before; a registering row's code becomes known."""
    if outcome == "duplicate":
        return "duplicate"
    if not applied:
        return "held"
    code = row.record.bin_code or ""
    if code in known_codes:
        return "inspected"
    known_codes.add(code)
    return "registered"


def _defaults_used(read: SheetRead, defaults: RegisterDefaults) -> list[str]:
    """The report's one line per default that rows of this file take (none: no line)."""
    lines = []
    without_stream = read.defaulted_rows("stream")
    if without_stream and defaults.stream is not None:
        lines.append(
            render_line(
                "sheet_default_stream_used",
                rows=len(without_stream),
                stream_th=STREAM_TH_SHORT[defaults.stream],
                stream=defaults.stream.value,
            )
        )
    without_size = read.defaulted_rows("capacity_l")
    if without_size and defaults.capacity_l is not None:
        lines.append(
            render_line(
                "sheet_default_capacity_used",
                rows=len(without_size),
                capacity_l=defaults.capacity_l,
            )
        )
    return lines


Point = tuple[float, float]


def _registered_points(*, session: Session, rows: list[SheetRow]) -> dict[str, Point]:
    """Where the register has each code the sheet names (lon, lat), for the codes it has."""
    found: dict[str, Point] = {}
    for code in sorted({row.record.bin_code for row in rows if row.record.bin_code}):
        bin_row = get_bin_by_code(session=session, code=code)
        if bin_row is not None:
            found[code] = (bin_row.lon, bin_row.lat)
    return found


def code_conflicts(
    rows: list[SheetRow], registered: Mapping[str, Point], *, limit_m: float
) -> dict[int, list[Flag]]:
    """Flags (held) of the rows whose code also names a point more than ``limit_m`` metres
    away: on another row of the same file, or the registered bin with that code.

    Several rows of one bin are normal (a Kobo export of repeated inspections); their fixes
    lie within GPS error of each other. Far apart, one code names two bins or is mistyped, and
    registering it would move a bin across the village. Rows without usable coordinates are
    left to the coordinate checks. Keyed by row number.
    """
    placed: dict[str, list[tuple[int, Point]]] = defaultdict(list)
    for row in rows:
        record = row.record
        if record.bin_code and coordinates_usable(record):
            placed[record.bin_code].append((row.row, (record.lon or 0.0, record.lat or 0.0)))
    flags: dict[int, list[Flag]] = defaultdict(list)
    limit = f"{limit_m:g}"
    for code, points in placed.items():
        for number, (lon, lat) in points:
            far = [
                (other, haversine_m(lon, lat, olon, olat))
                for other, (olon, olat) in points
                if other != number
            ]
            far = [(other, d) for other, d in far if d > limit_m]
            if far:
                flags[number].append(
                    Flag.of(
                        "code_elsewhere_in_sheet",
                        "bin_code",
                        {"value": code, "rows": [o for o, _ in far]},
                        bin_code=code,
                        rows=row_ranges([o for o, _ in far]),
                        distance_m=max(d for _, d in far),
                        limit_m=limit,
                    )
                )
            if code in registered:
                distance = haversine_m(lon, lat, *registered[code])
                if distance > limit_m:
                    flags[number].append(
                        Flag.of(
                            "code_registered_elsewhere",
                            "bin_code",
                            {"value": code, "distance_m": round(distance, 1)},
                            bin_code=code,
                            distance_m=distance,
                            limit_m=limit,
                        )
                    )
    return dict(flags)


def _conflict(*, session: Session, row: SheetRow, error: SubmissionConflict) -> RowNote | None:
    """None when the "conflict" is the same survey seen again, else the note to report."""
    instance_id = row.record.instance_id
    if instance_id.startswith("sheet:"):
        # The id is a hash of the row's content: only the file name or row number differ.
        return None
    existing = get_submission_by_instance(session=session, instance_id=instance_id)
    if existing is not None and existing.channel != Channel.sheet:
        # A Kobo/ODK export of a survey the phone already sent: the phone's copy is kept.
        return None
    if existing is not None and _same_survey(existing.parsed or {}, row.record):
        # The same export saved under another name (Kobo names carry the export time), or
        # with other bookkeeping columns: the survey itself is unchanged.
        return None
    return RowNote(row.row, error.message_th, error.message_en, instance_id)


#: Parsed keys that are the import's, not the survey's: another default is the same survey.
_NOT_THE_SURVEYS = frozenset({"default_stream", "default_capacity_l"})


def _same_survey(stored: Mapping[str, object], record: SurveyRecord) -> bool:
    """The stored survey says what ``record`` says (a key stored before it existed is None)."""
    fresh = record_to_parsed(record)
    keys = (stored.keys() | fresh.keys()) - _NOT_THE_SURVEYS
    return all(stored.get(key) == fresh.get(key) for key in keys)


def _with_refused(read: SheetRead, refused: list[RowNote]) -> ImportReport:
    report = read.report
    return ImportReport(
        loaded=report.loaded - len(refused),
        repaired=list(report.repaired),
        rejected=sorted([*report.rejected, *refused], key=lambda note: note.row),
        warnings=list(report.warnings),
        field_map=dict(report.field_map),
    )
