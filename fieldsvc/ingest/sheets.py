"""Bin surveys handed in as Excel or CSV sheets (also Kobo / ODK Central CSV exports).

``read_bin_sheet`` turns every non-empty row into a ``SurveyRecord`` (channel ``sheet``, form
``bin_survey``) or a ``RowNote`` saying, in Thai and English, why the row was left out. Row
numbers are those a person sees in Excel: the first row of the file is row 1.

Each record gets a deterministic ``instance_id``: the Kobo/ODK ``meta/instanceID`` (or
``_uuid``) when the sheet has one, else ``sheet:`` + SHA-256 of the row's normalised content.
Importing the same row twice is therefore a duplicate, and an edited row is a new survey.

Only what cannot be read is rejected here (an unreadable number or date, an unknown condition
word, no coordinates). Whether a readable value is plausible (swapped coordinates, outside
Thailand, a date in the future) is judged by ``fieldsvc.ingest.checks`` for every channel alike.
Pure: reads a file, touches no database (``fieldsvc.services.sheet_import`` stores the records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from fieldsvc.errors import ImportFailed
from fieldsvc.ingest.report import ImportReport, NoteCollector
from fieldsvc.ingest.sheet_files import SheetTable, read_sheet_table, sheet_failure
from fieldsvc.ingest.sheet_headers import HEADER_SYNONYMS, map_headers, recognised_count
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.ingest.values import (
    MAX_VILLAGE_NUMBER,
    as_aware,
    describe,
    is_blank,
    parse_bin_code,
    parse_coordinates,
    parse_date,
    parse_datetime,
    parse_litres,
    parse_number,
    parse_village_number,
    parse_whole,
    to_text,
)
from fieldsvc.ingest.vocab import (
    CONDITION_LABELS_TH,
    STREAM_LABELS_TH,
    match_condition,
    match_stream,
    term_key,
)
from fieldsvc.models.enums import Channel, Condition, Stream
from fieldsvc.problems import render, render_line
from fieldsvc.thai import THAI_TZ

T = TypeVar("T")

HEADER_SEARCH_ROWS: Final = 10  # offices often put a title (and a blank row) above the table
MIN_RECOGNISED_HEADERS: Final = 2
MAX_NOTE_CHARS: Final = 2000

# Words seen in hand-made sheets beyond the shared vocabulary (``fieldsvc.ingest.vocab``):
# the Thai bin colour code (blue general, green organic, yellow recyclable, red hazardous),
# common synonyms and spellings.
SHEET_STREAM_TERMS: Final[Mapping[str, tuple[str, ...]]] = {
    "general": ("blue", "น้ำเงิน", "สีน้ำเงิน", "ถังสีน้ำเงิน", "ขยะมูลฝอยทั่วไป", "mixed"),
    "organic": (
        "green",
        "เขียว",
        "สีเขียว",
        "ถังสีเขียว",
        "ขยะย่อยสลาย",
        "ขยะย่อยสลายได้",
        "เศษอาหาร",
        "ขยะเศษอาหาร",
        "food",
        "wet",
    ),
    "recyclable": (
        "yellow",
        "เหลือง",
        "สีเหลือง",
        "ถังสีเหลือง",
        "รีไซเคิ้ล",
        "ขยะรีไซเคิ้ล",
        "recycle",
        "recycling",
    ),
    "hazardous": ("red", "แดง", "สีแดง", "ถังสีแดง", "ขยะพิษ", "hazard"),
}
SHEET_CONDITION_TERMS: Final[Mapping[str, tuple[str, ...]]] = {
    "usable": ("ปกติ", "ดี", "สภาพดี", "ใช้การได้", "ใช้งาน", "good", "ok", "normal", "working"),
    "damaged": ("เสียหาย", "แตก", "พัง", "ผุ", "ชำรุดบางส่วน", "broken", "cracked", "damage"),
    "missing": ("ไม่พบ", "ไม่พบถัง", "หายไป", "ถูกขโมย", "lost", "stolen", "notfound"),
    "overflowing": ("เต็ม", "ขยะเต็ม", "ล้นถัง", "full", "overflow", "overflowed"),
}
_SHEET_STREAMS: Final = {term_key(w): c for c, ws in SHEET_STREAM_TERMS.items() for w in ws}
_SHEET_CONDITIONS: Final = {term_key(w): c for c, ws in SHEET_CONDITION_TERMS.items() for w in ws}
# Where the observation time comes from, best first; Kobo's _submission_time is in UTC.
_OBSERVED_FIELDS: Final = ("survey_date", "end", "start", "today", "submission_time")


@dataclass(frozen=True)
class SheetRow:
    """One imported row: its number, the survey it says, and its cells as text."""

    row: int
    record: SurveyRecord
    cells: dict[str, str]

    @property
    def installed_on(self) -> dt.date | None:
        """The installation date the row gives (carried into the register with the survey)."""
        return self.record.installed_on

    @property
    def defaulted(self) -> tuple[str, ...]:
        """The fields (``stream``, ``capacity_l``) a new bin from this row takes by default."""
        record = self.record
        return tuple(
            name
            for name, own, default in (
                ("stream", record.stream, record.default_stream),
                ("capacity_l", record.capacity_l, record.default_capacity_l),
            )
            if own is None and default is not None
        )

    def raw_payload(self, *, file: str, sheet: str | None = None) -> str:
        """The row as received: JSON of the original cells plus file name and row number."""
        payload: dict[str, Any] = {"file": file, "row": self.row}
        if sheet is not None:
            payload["sheet"] = sheet
        payload["cells"] = self.cells
        return json.dumps(payload, ensure_ascii=False)


@dataclass(frozen=True)
class SheetRead:
    """What a sheet says: the rows that became surveys and the report of the rest."""

    file: str
    sheet: str | None
    encoding: str | None
    header_row: int
    rows: list[SheetRow]
    report: ImportReport

    def defaulted_rows(self, field_name: str) -> list[int]:
        """Rows whose new bin takes the default ``field_name`` (``stream`` or ``capacity_l``)."""
        return [row.row for row in self.rows if field_name in row.defaulted]


@dataclass(frozen=True)
class RegisterDefaults:
    """What a row that names no stream or size registers a new bin with (None: no default,
    such a row is held for staff as before). Communal bins in a village head's inventory are
    general waste, most often the 200 L drum (DOMAIN.md), hence the settings' defaults."""

    stream: Stream | None = None
    capacity_l: int | None = None


class _RowProblem(ValueError):
    def __init__(self, th: str, en: str, value: object = None) -> None:
        super().__init__(en)
        self.th, self.en, self.value = th, en, value


def read_bin_sheet(
    path: Path | str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    defaults: RegisterDefaults | None = None,
) -> SheetRead:
    """Read a bin survey sheet (.csv/.tsv/.txt, .xlsx/.xlsm) into surveys and a row report.

    Parameters
    ----------
    path
        The file. CSV text may be UTF-8 (with or without BOM) or TIS-620/cp874 (detected).
    encoding
        Force the CSV text encoding, e.g. ``"cp874"``.
    sheet
        Worksheet name (or 1-based number) in a workbook; default the first.
    defaults
        The stream and size (litres) a new bin from a row without them is registered with.
        Kept apart from the row's own values (``SurveyRecord.default_stream``): a row about a
        bin already registered leaves that bin's stream and size as they are.

    Raises
    ------
    ImportFailed
        When the file as a whole cannot be used (unreadable, empty, no header row, no column
        for the bin code, the location or the condition). Bad single rows never raise.
    """
    table = read_sheet_table(Path(path), encoding=encoding, sheet=sheet)
    header_index = _find_header(table)
    headers = _unique_headers(table.rows[header_index])
    columns = map_headers(headers)
    _require_columns(table.file, headers, columns)
    notes = NoteCollector(warnings=list(table.warnings))
    if header_index > 0:
        notes.warnings.append(render_line("header_row_moved", row=header_index + 1))
    unused = [h for i, h in enumerate(headers) if h and i not in columns.values()]
    if unused:
        shown = ", ".join(unused[:10]) + (" ..." if len(unused) > 10 else "")
        notes.warnings.append(render_line("columns_not_used", columns=shown))
    rows: list[SheetRow] = []
    data_rows = table.rows[header_index + 1 :]
    for offset, values in enumerate(data_rows):
        number = header_index + offset + 2
        if all(is_blank(v) for v in values):
            continue  # an empty row is not a survey and not worth a note
        try:
            rows.append(_parse_row(number, headers, values, columns, notes, defaults))
        except _RowProblem as problem:
            notes.reject(number, problem.th, problem.en, describe(problem.value), None)
    if not rows and not notes.rejected:
        raise sheet_failure("sheet_no_rows", table.file, row=header_index + 1)
    field_map = {field: headers[i] for field, i in sorted(columns.items(), key=lambda kv: kv[1])}
    return SheetRead(
        file=table.file,
        sheet=table.sheet,
        encoding=table.encoding,
        header_row=header_index + 1,
        rows=rows,
        report=notes.freeze(len(rows), field_map),
    )


def _find_header(table: SheetTable) -> int:
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        if recognised_count([to_text(v) for v in row]) >= MIN_RECOGNISED_HEADERS:
            return index
    if not any(any(not is_blank(v) for v in row) for row in table.rows):
        raise sheet_failure("sheet_empty", table.file)
    first = next(r for r in table.rows if any(not is_blank(v) for v in r))
    seen = ", ".join(to_text(v) for v in first if not is_blank(v))[:200]
    raise sheet_failure(
        "sheet_no_header",
        table.file,
        details={"first_row": seen},
        rows=HEADER_SEARCH_ROWS,
        seen=seen,
    )


def _unique_headers(row: Sequence[object]) -> list[str]:
    headers: list[str] = []
    for index, value in enumerate(row):
        name = to_text(value) or f"#{index + 1}"
        base, n = name, 2
        while name in headers:
            name, n = f"{base} ({n})", n + 1
        headers.append(name)
    return headers


def _require_columns(file: str, headers: list[str], columns: Mapping[str, int]) -> None:
    missing_th, missing_en = [], []
    if "bin_code" not in columns:
        missing_th.append("รหัสถัง")
        missing_en.append("bin code (รหัสถัง / bin_code)")
    if not ({"lat", "lon"} <= columns.keys() or "coordinates" in columns):
        missing_th.append("ละติจูด และ ลองจิจูด (หรือ พิกัด)")
        missing_en.append("latitude and longitude (or one 'lat, lon' column)")
    if "condition" not in columns:
        missing_th.append("สภาพ")
        missing_en.append("condition (สภาพ)")
    if missing_en:
        raise ImportFailed.of(
            "sheet_columns_missing",
            field="path",
            details={"file": file, "missing": missing_en, "headers": headers},
            file=file,
            missing_th=", ".join(missing_th),
            missing_en=", ".join(missing_en),
            headers=", ".join(h for h in headers if not h.startswith("#")),
        )


def _cell(values: Sequence[object], columns: Mapping[str, int], field: str) -> object:
    index = columns.get(field)
    if index is None or index >= len(values):
        return None
    value = values[index]
    return None if is_blank(value) else value


def _parse_row(
    number: int,
    headers: list[str],
    values: Sequence[object],
    columns: Mapping[str, int],
    notes: NoteCollector,
    defaults: RegisterDefaults | None = None,
) -> SheetRow:
    problems: list[_RowProblem] = []

    def get(field: str, parse: Callable[[object], T]) -> T | None:
        value = _cell(values, columns, field)
        if value is None:
            return None
        try:
            return parse(value)
        except _RowProblem as problem:
            problems.append(problem)
        except ValueError:
            th, en = _UNREADABLE[field]
            problems.append(_RowProblem(th, en, value))
        return None

    def repair(field: str, parse: Callable[[object], T]) -> T | None:
        value = _cell(values, columns, field)
        try:
            return None if value is None else parse(value)
        except ValueError:
            th, en = _UNREADABLE[field]
            blank = render("sheet_value_left_blank", what_th=th, what_en=en)
            notes.repair(number, *blank, describe(value), None)
            return None

    code = get("bin_code", _bin_code)
    if _cell(values, columns, "bin_code") is None:
        problems.append(_RowProblem(*render("sheet_bin_code_missing")))
    lat, lon, altitude, accuracy = _location(values, columns, problems)
    condition = get("condition", _condition)
    if condition is None and _cell(values, columns, "condition") is None:
        problems.append(_RowProblem(*render("sheet_condition_missing")))
    capacity = get("capacity_l", parse_litres)
    stream = get("stream", _stream)
    village = get("village_number", parse_village_number)
    households = get("households_served", parse_whole)
    observed_at = _observed_at(values, columns, problems)
    altitude = altitude if altitude is not None else repair("altitude_m", parse_number)
    accuracy = accuracy if accuracy is not None else repair("accuracy_m", _accuracy)
    installed_on = repair("installed_on", parse_date)
    if problems:
        raise _combine(problems)
    note = _text(_cell(values, columns, "note"))
    canonical = {
        "bin_code": code,
        "village_number": village,
        "lat": lat,
        "lon": lon,
        "altitude_m": altitude,
        "accuracy_m": accuracy,
        "condition": condition,
        "capacity_l": capacity,
        "stream": stream,
        "households_served": households,
        "note": note,
        "observed_at": observed_at.isoformat() if observed_at else None,
        "installed_on": installed_on.isoformat() if installed_on else None,
    }
    record = SurveyRecord(
        instance_id=_instance_id(values, columns, canonical),
        form_id=BIN_SURVEY_FORM,
        channel=Channel.sheet,
        form_version=_text(_cell(values, columns, "form_version")),
        deprecated_id=_text(_cell(values, columns, "deprecated_id")),
        bin_code=code,
        village_number=village,
        lat=lat,
        lon=lon,
        altitude_m=altitude,
        accuracy_m=accuracy,
        condition=condition,
        capacity_l=capacity,
        stream=stream,
        households_served=households,
        note=note[:MAX_NOTE_CHARS] if note else None,
        observed_at=observed_at,
        device_id=_text(_cell(values, columns, "device_id")),
        installed_on=installed_on,
        # The defaults are not part of the row's content (nor of its instance id): the same
        # row imported again with another default is the same survey.
        default_stream=defaults.stream if defaults and stream is None else None,
        default_capacity_l=defaults.capacity_l if defaults and capacity is None else None,
    )
    cells = {h: to_text(values[i]) if i < len(values) else "" for i, h in enumerate(headers)}
    return SheetRow(row=number, record=record, cells=cells)


#: Why a value of a column could not be read (Thai, English), from the problem catalogue.
_UNREADABLE: Final[Mapping[str, tuple[str, str]]] = {
    **{field: render("sheet_date_unreadable") for field in _OBSERVED_FIELDS},
    "bin_code": render("sheet_bin_code_invalid"),
    "capacity_l": render("sheet_capacity_invalid"),
    "village_number": render("sheet_village_number_invalid", maximum=MAX_VILLAGE_NUMBER),
    "households_served": render("sheet_households_invalid"),
    "altitude_m": render("sheet_altitude_unreadable"),
    "accuracy_m": render("sheet_accuracy_unreadable"),
    "installed_on": render("sheet_installed_on_unreadable"),
}


def _combine(problems: list[_RowProblem]) -> _RowProblem:
    if len(problems) == 1:
        return problems[0]

    def shown(p: _RowProblem) -> str:
        return f" [{describe(p.value)}]" if describe(p.value) else ""

    return _RowProblem(
        "; ".join(p.th + shown(p) for p in problems), "; ".join(p.en + shown(p) for p in problems)
    )


def _text(value: object) -> str | None:
    return (to_text(value) or None) if value is not None else None


def _bin_code(value: object) -> str:
    return parse_bin_code(value)


def _accuracy(value: object) -> float:
    metres = parse_number(value)
    if metres < 0:
        raise ValueError(value)
    return metres


def _condition(value: object) -> Condition:
    text = to_text(value)
    code = match_condition(text) or _SHEET_CONDITIONS.get(term_key(text))
    if code is None:
        known_th = ", ".join(CONDITION_LABELS_TH.values())
        known_en = ", ".join(CONDITION_LABELS_TH)
        why = render("sheet_condition_unknown", known_th=known_th, known_en=known_en)
        raise _RowProblem(*why, value)
    return Condition(code)


def _stream(value: object) -> Stream:
    text = to_text(value)
    code = match_stream(text) or _SHEET_STREAMS.get(term_key(text))
    if code is None:
        known_th = ", ".join(STREAM_LABELS_TH.values())
        known_en = ", ".join(STREAM_LABELS_TH)
        why = render("sheet_stream_unknown", known_th=known_th, known_en=known_en)
        raise _RowProblem(*why, value)
    return Stream(code)


def _location(
    values: Sequence[object], columns: Mapping[str, int], problems: list[_RowProblem]
) -> tuple[float | None, float | None, float | None, float | None]:
    raw_lat, raw_lon = _cell(values, columns, "lat"), _cell(values, columns, "lon")
    raw_pair = _cell(values, columns, "coordinates")
    altitude = accuracy = None
    try:
        if raw_lat is not None and raw_lon is not None:
            lat, lon = parse_number(raw_lat), parse_number(raw_lon)
        elif raw_pair is not None:
            lat, lon, altitude, accuracy = parse_coordinates(raw_pair)
        else:
            partial = raw_lat if raw_lat is not None else raw_lon
            problems.append(_RowProblem(*render("sheet_coordinates_missing"), partial))
            return None, None, None, None
    except ValueError:
        value = raw_pair if raw_lat is None or raw_lon is None else f"{raw_lat}, {raw_lon}"
        problems.append(_RowProblem(*render("sheet_coordinates_unreadable"), value))
        return None, None, None, None
    if accuracy is not None and accuracy < 0:
        accuracy = None
    return lat, lon, altitude, accuracy


def _observed_at(
    values: Sequence[object], columns: Mapping[str, int], problems: list[_RowProblem]
) -> dt.datetime | None:
    for field in _OBSERVED_FIELDS:
        value = _cell(values, columns, field)
        if value is None:
            continue
        try:
            parsed = parse_datetime(value)
        except ValueError:
            th, en = _UNREADABLE[field]
            problems.append(_RowProblem(th, en, value))
            return None
        return as_aware(parsed, naive_zone=dt.UTC if field == "submission_time" else THAI_TZ)
    return None


def _instance_id(
    values: Sequence[object], columns: Mapping[str, int], canonical: Mapping[str, object]
) -> str:
    given = _text(_cell(values, columns, "instance_id"))
    if given:
        return given
    uuid = _text(_cell(values, columns, "uuid"))
    if uuid:  # Kobo's _uuid is the instanceID without its "uuid:" prefix
        return uuid if uuid.startswith("uuid:") else f"uuid:{uuid}"
    content = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return "sheet:" + hashlib.sha256(content.encode("utf-8")).hexdigest()


__all__ = ["HEADER_SYNONYMS", "RegisterDefaults", "SheetRead", "SheetRow", "read_bin_sheet"]
