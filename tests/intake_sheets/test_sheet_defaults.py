"""A village head's inventory sheet without a stream column registers its bins.

The sheet is the one a new office has: code, หมู่, latitude, longitude, condition, size, survey
date and a note; no waste stream because communal bins are general waste. Good rows register
bins with the stated default (said once in the report); only real problems are held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.ingest.sheets import RegisterDefaults
from fieldsvc.models import Bin, Stream, Submission
from fieldsvc.services.sheet_import import import_bin_sheet, row_ranges
from tests.intake.conftest import add_bin, make_place

HEADERS = ["รหัสถัง", "หมู่", "ละติจูด", "ลองจิจูด", "สภาพ", "ขนาด", "วันที่สำรวจ", "หมายเหตุ"]
CONDITIONS = ["ใช้งานได้", "ชำรุด", "ขยะล้น"]
# Every seventh row leaves the size blank: those bins take the default size.
BLANK_SIZE_ROWS = {i for i in range(42) if i % 7 == 3}


def _size(i: int) -> str | int | None:
    if i in BLANK_SIZE_ROWS:
        return None
    return "200 ลิตร" if i % 2 == 0 else 240


def good_rows() -> list[list[object]]:
    """42 bins of หมู่ 3 on a 7 × 6 grid 0.0012° (~130 m) apart, inside its square
    (103.32–103.33 E, 16.30–16.31 N, see ``tests.intake.conftest``)."""
    rows: list[list[object]] = []
    for i in range(42):
        lon = round(103.3210 + (i % 7) * 0.0012, 6)
        lat = round(16.3010 + (i // 7) * 0.0012, 6)
        note = "หน้าวัด" if i == 0 else None
        rows.append(
            [f"ม3-{i + 1:03d}", 3, lat, lon, CONDITIONS[i % 3], _size(i), "26/11/2569", note]
        )
    return rows


def write_sheet(
    path: Path, rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "หมู่ 3"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _count(session: Session, model: type[Bin] | type[Submission]) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def _bins(session: Session) -> dict[str, Bin]:
    return {b.code: b for b in session.exec(select(Bin)).all()}


def test_a_heads_sheet_without_streams_registers_its_42_bins(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    make_place(session)
    sheet = write_sheet(tmp_path / "ถังขยะหมู่3.xlsx", good_rows())

    outcome = import_bin_sheet(session=session, path=sheet, settings=settings)
    session.commit()

    assert (outcome.created, outcome.flagged, outcome.held, outcome.registered) == (42, 0, 0, 42)
    assert outcome.report.rejected == []
    bins = _bins(session)
    assert len(bins) == 42 and _count(session, Submission) == 42
    assert {b.stream for b in bins.values()} == {Stream.general}
    blank = {f"ม3-{i + 1:03d}" for i in BLANK_SIZE_ROWS}
    assert len(blank) == 6
    assert {code for code, b in bins.items() if b.capacity_l == 200 and code in blank} == blank
    assert bins["ม3-001"].capacity_l == 200 and bins["ม3-002"].capacity_l == 240
    assert all(b.village_id is not None for b in bins.values())

    summary = outcome.summary()
    # The default is said once, for the whole file, not once per row.
    assert summary.count("rows name no waste stream") == 1
    assert summary.count("แถวไม่ระบุประเภทขยะ") == 1
    assert summary.count("ตามค่าเริ่มต้น") == 2  # the stream line and the size line
    assert "42 แถวไม่ระบุประเภทขยะ: ถังใหม่จากแถวเหล่านี้ลงทะเบียนเป็นถังขยะทั่วไป" in summary
    assert "42 rows name no waste stream: new bins from them are registered as general" in summary
    assert "6 rows name no bin size: new bins from them are registered as 200 L" in summary
    assert "new bins registered: 42 แถว / rows — 2–43" in summary
    assert "lacks" not in summary and "held for staff (not" not in summary
    assert outcome.rows == {"registered": list(range(2, 44))}


def test_a_rerun_adds_nothing_and_does_not_restate_the_rows(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    make_place(session)
    sheet = write_sheet(tmp_path / "ถังขยะหมู่3.xlsx", good_rows())
    import_bin_sheet(session=session, path=sheet, settings=settings)
    session.commit()
    # Another default the second time: the rows are the same surveys, already imported.
    again = import_bin_sheet(
        session=session,
        path=sheet,
        settings=settings,
        defaults=RegisterDefaults(stream=Stream.organic, capacity_l=660),
    )
    session.commit()
    assert (again.created, again.duplicate, again.rows) == (
        0,
        42,
        {"duplicate": list(range(2, 44))},
    )
    assert {b.stream for b in _bins(session).values()} == {Stream.general}
    assert _count(session, Submission) == 42


def test_real_problems_are_still_held_and_every_row_is_named(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    make_place(session)
    add_bin(session, "ม3-900", 16.3050, 103.3050)  # registered in หมู่ 1
    rows = good_rows()
    rows += [
        ["ม3-101", 3, 103.3250, 16.3050, "ใช้งานได้", 200, "26/11/2569", None],  # swapped
        ["ม3-102", 3, 16.4000, 103.3250, "ใช้งานได้", 200, "26/11/2569", None],  # outside
        ["ม3-103", 3, 16.3081, 103.3211, "ใช้งานได้", 200, "26/11/2569", None],  # same code ...
        ["ม3-103", 3, 16.3081, 103.3271, "ใช้งานได้", 200, "26/11/2569", None],  # ... 640 m on
        # 2 m north of row 2's bin ม3-001 (16.3010, 103.3210): likely the same bin.
        ["ม3-104", 3, 16.301018, 103.3210, "ใช้งานได้", 200, "26/11/2569", None],
        # The register has ม3-900 in หมู่ 1, ~2 km west.
        ["ม3-900", 3, 16.3090, 103.3250, "ชำรุด", 200, "26/11/2569", None],
        ["ม3-105", 3, "สิบหก", 103.3250, "ใช้งานได้", 200, "26/11/2569", None],  # unreadable
    ]
    sheet = write_sheet(tmp_path / "ถังขยะหมู่3_มีปัญหา.xlsx", rows)

    outcome = import_bin_sheet(session=session, path=sheet, settings=settings)
    session.commit()

    held_rows = [44, 45, 46, 47, 48, 49]
    assert outcome.rows == {
        "registered": list(range(2, 44)),
        "held": held_rows,
        "not_imported": [50],
    }
    assert (outcome.created, outcome.held) == (48, 6)
    bins = _bins(session)
    assert len(bins) == 43  # the 42 good rows and the bin registered before
    assert (bins["ม3-900"].lat, bins["ม3-900"].lon) == (16.3050, 103.3050)  # not moved
    codes_by_row = {note.row: note.reason_en for note in outcome.flag_notes}
    assert "look swapped" in codes_by_row[44]
    assert "outside the subdistrict" in codes_by_row[45]
    assert "also on row(s) 47" in codes_by_row[46] and "640 m away" in codes_by_row[46]
    assert "also on row(s) 46" in codes_by_row[47]
    assert "possibly the same bin" in codes_by_row[48] and "'ม3-001'" in codes_by_row[48]
    assert "is registered 2,180 m from this row's point" in codes_by_row[49]
    held = session.exec(select(Submission).where(Submission.applied == False)).all()  # noqa: E712
    assert len(held) == 6
    assert all(f["severity"] == "reject" for s in held for f in s.flags or [])

    summary = outcome.summary()
    assert "held for staff (not in the register yet): 6 แถว / rows — 44–49" in summary
    assert "not imported: 1 แถว / rows — 50" in summary
    named = {n for numbers in outcome.rows.values() for n in numbers}
    assert named == set(range(2, 51))  # every row of the sheet


def test_a_sheet_row_of_a_registered_bin_keeps_its_stream_and_size(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    make_place(session)
    add_bin(session, "ม3-001", 16.3010, 103.3210, stream=Stream.recyclable)
    sheet = write_sheet(tmp_path / "ตรวจซ้ำ.xlsx", good_rows()[:1])
    outcome = import_bin_sheet(session=session, path=sheet, settings=settings)
    session.commit()
    assert outcome.rows == {"inspected": [2]}
    bin_row = _bins(session)["ม3-001"]
    assert (bin_row.stream, bin_row.capacity_l) == (Stream.recyclable, 200)
    assert outcome.defaults_used == [
        "1 แถวไม่ระบุประเภทขยะ: ถังใหม่จากแถวเหล่านี้ลงทะเบียนเป็นถังขยะทั่วไป ตามค่าเริ่มต้น "
        "(เปลี่ยนได้ด้วย --default-stream หรือ FIELDSVC_SHEET_DEFAULT_STREAM) / "
        "1 rows name no waste stream: new bins from them are registered as general by default "
        "(change with --default-stream or FIELDSVC_SHEET_DEFAULT_STREAM)"
    ]


@pytest.mark.parametrize("with_villages", [True, False], ids=["in-a-village", "no-villages"])
def test_installed_on_reaches_the_register_and_an_empty_one_keeps_it(
    session: Session, settings: Settings, tmp_path: Path, with_villages: bool
) -> None:
    """Both ways a survey reaches the register: the hot path (a point inside a village) and
    the general apply (no village polygons yet)."""
    if with_villages:
        make_place(session)
    headers = [*HEADERS, "วันที่ติดตั้ง"]
    first = good_rows()[:2]
    first[0].append("23/01/2561")  # Buddhist era: 23 January 2018
    first[1].append(None)
    write_sheet(tmp_path / "ติดตั้ง.xlsx", first, headers)
    import_bin_sheet(session=session, path=tmp_path / "ติดตั้ง.xlsx", settings=settings)
    session.commit()
    bins = _bins(session)
    assert bins["ม3-001"].installed_on == dt.date(2018, 1, 23)
    assert bins["ม3-002"].installed_on is None

    # Re-inspected days later without an installation date: the known date stays.
    later = [list(r[:4]) + ["ชำรุด", r[5], "30/11/2569", None, None] for r in good_rows()[:1]]
    write_sheet(tmp_path / "ตรวจซ้ำ.xlsx", later, headers)
    again = import_bin_sheet(session=session, path=tmp_path / "ตรวจซ้ำ.xlsx", settings=settings)
    session.commit()
    assert again.rows == {"inspected": [2]}
    session.expire_all()
    bin_row = _bins(session)["ม3-001"]
    assert bin_row.condition == "damaged" and bin_row.installed_on == dt.date(2018, 1, 23)

    # A later survey that gives the date of a bin that had none fills it in.
    dated = [list(r[:4]) + ["ใช้งานได้", r[5], "01/12/2569", None, "2020-06-01"] for r in first[1:]]
    write_sheet(tmp_path / "วันที่.xlsx", dated, headers)
    import_bin_sheet(session=session, path=tmp_path / "วันที่.xlsx", settings=settings)
    session.commit()
    session.expire_all()
    assert _bins(session)["ม3-002"].installed_on == dt.date(2020, 6, 1)


def _cli_import(settings: Settings, sheet: Path, *flags: str) -> int:
    return main(["import", "bins", str(sheet), *flags], settings=settings)


def test_cli_flags_override_the_settings_default(
    engine: Engine, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = good_rows()
    write_sheet(tmp_path / "a.xlsx", rows[:7])
    organic = settings.model_copy(update={"sheet_default_stream": Stream.organic})
    assert _cli_import(organic, tmp_path / "a.xlsx") == 0
    assert "7 rows name no waste stream: new bins from them are registered as organic" in (
        capsys.readouterr().out
    )
    write_sheet(tmp_path / "b.xlsx", rows[7:14])
    flags = ("--default-stream", "recyclable", "--default-capacity-l", "660")
    assert _cli_import(organic, tmp_path / "b.xlsx", *flags) == 0
    out = capsys.readouterr().out
    assert "registered as recyclable" in out and "registered as 660 L" in out
    assert out.count("rows name no waste stream") == 1
    # One line for one reason shared by every row (no village polygons were imported).
    assert out.count("village = 3 is not a village of this subdistrict") == 1
    assert "Rows 2–8: village = 3 is not a village of this subdistrict" in out
    with Session(engine) as session:
        bins = _bins(session)
    first = {bins[f"ม3-{i + 1:03d}"].stream for i in range(7)}
    second = {bins[f"ม3-{i + 1:03d}"].stream for i in range(7, 14)}
    assert (first, second) == ({Stream.organic}, {Stream.recyclable})
    assert bins["ม3-011"].capacity_l == 660  # row index 10: size left blank
    assert bins["ม3-004"].capacity_l == 200  # row index 3 of the first file: the settings' size


def test_cli_default_stream_none_holds_rows_without_a_stream(
    engine: Engine, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_sheet(tmp_path / "c.xlsx", good_rows()[:3])
    assert _cli_import(settings, tmp_path / "c.xlsx", "--default-stream", "none") == 0
    out = capsys.readouterr().out
    assert "held for staff (not in the register yet): 3 แถว / rows — 2–4" in out
    assert "lacks stream needed to register a new bin" in out
    assert "FIELDSVC_SHEET_DEFAULT_STREAM" not in out
    with Session(engine) as session:
        assert _count(session, Bin) == 0 and _count(session, Submission) == 3


def test_cli_refuses_an_unknown_default_stream(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_sheet(tmp_path / "d.xlsx", good_rows()[:1])
    with pytest.raises(SystemExit):
        _cli_import(settings, tmp_path / "d.xlsx", "--default-stream", "blue-ish")
    assert "expected one of general, organic, recyclable, hazardous, none" in (
        capsys.readouterr().err
    )


def test_row_ranges_read_as_a_person_counts() -> None:
    assert row_ranges([7, 2, 3, 4, 9, 10, 3]) == "2–4, 7, 9–10"
    assert row_ranges([]) == ""


def test_a_held_row_applied_later_registers_with_the_default_it_was_read_with(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    """What staff approve is the stored survey: it keeps the default the import stated."""
    from fieldsvc.storage.submissions.apply import apply_submission

    make_place(session)
    rows = good_rows()[:1]
    rows.append(["ม3-104", 3, 16.301018, 103.3210, "ใช้งานได้", None, "26/11/2569", None])
    write_sheet(tmp_path / "ซ้ำ.xlsx", rows)
    defaults = RegisterDefaults(stream=Stream.hazardous, capacity_l=120)
    outcome = import_bin_sheet(
        session=session, path=tmp_path / "ซ้ำ.xlsx", settings=settings, defaults=defaults
    )
    session.commit()
    assert outcome.rows == {"registered": [2], "held": [3]}
    held = session.exec(select(Submission).where(Submission.applied == False)).one()  # noqa: E712
    assert held.parsed["default_stream"] == "hazardous" and held.parsed["stream"] is None
    apply_submission(session=session, submission=held, settings=settings)
    session.commit()
    bin_row = _bins(session)["ม3-104"]
    assert (bin_row.stream, bin_row.capacity_l) == (Stream.hazardous, 120)


def test_a_kobo_export_saved_again_is_the_same_survey_whatever_the_default(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    text = (
        "_uuid,bin_code,_location_latitude,_location_longitude,condition\n"
        "0b1e6a4c-3333-4c0e-9a55-dddddddddddd,K-101,16.3142,103.2797,usable\n"
    )
    (tmp_path / "export_0900.csv").write_text(text, encoding="utf-8")
    (tmp_path / "export_1700.csv").write_text(text, encoding="utf-8")
    first = import_bin_sheet(session=session, path=tmp_path / "export_0900.csv", settings=settings)
    session.commit()
    assert first.rows == {"registered": [2]}
    again = import_bin_sheet(
        session=session,
        path=tmp_path / "export_1700.csv",
        settings=settings,
        defaults=RegisterDefaults(stream=Stream.organic, capacity_l=120),
    )
    session.commit()
    assert again.rows == {"duplicate": [2]} and again.report.rejected == []
    assert _bins(session)["K-101"].stream == Stream.general
