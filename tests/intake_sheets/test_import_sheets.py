"""Sheets received through receive_submission: created once, duplicates on re-run, flags kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import Session, func, select

from fieldsvc.config import Settings
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import Bin, Channel, Condition, Stream, Submission
from fieldsvc.services.sheet_import import import_bin_sheet
from fieldsvc.storage.submissions import receive_submission
from tests.intake_sheets.conftest import KOBO_CSV, SAMPLE_BINS_CSV, THAI_CSV


def _count(session: Session, model: type[Bin] | type[Submission]) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_sample_bins_csv_imports_once(session: Session, settings: Settings) -> None:
    first = import_bin_sheet(session=session, path=SAMPLE_BINS_CSV, settings=settings)
    session.commit()
    assert (first.created, first.duplicate, len(first.report.rejected)) == (318, 0, 0)
    assert _count(session, Bin) == 318 and _count(session, Submission) == 318
    bin_row = session.exec(select(Bin).where(Bin.code == "SB-01-0001")).one()
    assert (bin_row.capacity_l, bin_row.stream, bin_row.condition) == (
        200,
        Stream.general,
        Condition.damaged,
    )
    again = import_bin_sheet(session=session, path=SAMPLE_BINS_CSV, settings=settings)
    session.commit()
    assert (again.created, again.duplicate) == (0, 318)
    assert _count(session, Submission) == 318 and _count(session, Bin) == 318


def test_rerun_renamed_or_edited_sheet(
    session: Session, settings: Settings, thai_cp874_csv: Path, tmp_path: Path
) -> None:
    first = import_bin_sheet(session=session, path=thai_cp874_csv, settings=settings)
    session.commit()
    assert first.created == 2
    assert [note.row for note in first.report.rejected] == [5, 6, 7]
    submission = session.exec(select(Submission)).first()
    assert submission is not None and submission.channel == Channel.sheet
    assert submission.form_id == BIN_SURVEY_FORM and submission.instance_id.startswith("sheet:")
    assert '"row": 2' in submission.raw_payload or '"row": 3' in submission.raw_payload

    renamed = tmp_path / "ส่งซ้ำ.csv"
    shutil.copy(thai_cp874_csv, renamed)
    again = import_bin_sheet(session=session, path=renamed, settings=settings)
    assert (again.created, again.duplicate, len(again.report.rejected)) == (0, 2, 3)

    edited = tmp_path / "แก้ไข.csv"
    edited.write_text(THAI_CSV.replace("ชำรุด", "ขยะล้น"), encoding="utf-8")
    third = import_bin_sheet(session=session, path=edited, settings=settings)
    session.commit()
    assert (third.created, third.duplicate) == (1, 1)
    tb2 = session.exec(select(Bin).where(Bin.code == "TB-002")).one()
    assert tb2.condition == Condition.overflowing
    assert _count(session, Submission) == 3


def test_kobo_export_after_the_phone_already_sent_it(
    session: Session, settings: Settings, kobo_csv: Path
) -> None:
    phone_copy = SurveyRecord(
        instance_id="uuid:0b1e6a4c-1111-4c0e-9a55-aaaaaaaaaaaa",
        form_id=BIN_SURVEY_FORM,
        channel=Channel.openrosa,
        bin_code="K-001",
        lat=16.3142,
        lon=103.2797,
        accuracy_m=4.5,
        condition=Condition.usable,
        capacity_l=240,
        stream=Stream.general,
    )
    receive_submission(
        session=session,
        record=phone_copy,
        raw_payload="<data id='bin_survey'/>",
        content_type="text/xml",
        submitter=None,
        settings=settings,
    )
    outcome = import_bin_sheet(session=session, path=kobo_csv, settings=settings)
    session.commit()
    assert (outcome.created, outcome.duplicate, outcome.report.rejected) == (1, 1, [])
    again = import_bin_sheet(session=session, path=kobo_csv, settings=settings)
    assert (again.created, again.duplicate) == (0, 2)
    assert _count(session, Submission) == 2


def test_a_kobo_row_changed_under_the_same_uuid_is_refused_and_the_rest_go_in(
    session: Session, settings: Settings, kobo_csv: Path, tmp_path: Path
) -> None:
    import_bin_sheet(session=session, path=kobo_csv, settings=settings)
    session.commit()
    changed = tmp_path / "kobo_changed.csv"
    text = KOBO_CSV.replace(";usable;240;", ";damaged;240;")
    text += text.splitlines()[2].replace("K-002", "K-003").replace("bbbbbbbbbbbb", "cccccccccccc")
    changed.write_text(text + "\n", encoding="utf-8")
    outcome = import_bin_sheet(session=session, path=changed, settings=settings)
    session.commit()
    assert (outcome.created, outcome.duplicate) == (1, 1)
    (note,) = outcome.report.rejected
    assert note.row == 2 and "instanceID" in note.reason_en
    assert note.value == "uuid:0b1e6a4c-1111-4c0e-9a55-aaaaaaaaaaaa"
    assert _count(session, Submission) == 3
    assert session.exec(select(Bin).where(Bin.code == "K-001")).one().condition == Condition.usable


def test_swapped_or_impossible_values_are_kept_for_staff_not_applied(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "swapped.csv"
    path.write_text(
        "code,lat,lon,capacity,stream,condition\n"
        "S-1,103.2797,16.3142,240,general,usable\n"
        "S-2,16.3142,103.2797,240,general,usable\n"
        "S-3,16.3150,103.2810,50000,general,usable\n",
        encoding="utf-8",
    )
    outcome = import_bin_sheet(session=session, path=path, settings=settings)
    session.commit()
    assert (outcome.created, outcome.flagged, outcome.held) == (3, 2, 2)
    assert [note.row for note in outcome.flag_notes] == [2, 4]
    assert "swapped" in outcome.flag_notes[0].reason_en
    assert "capacity_l = 50000" in outcome.flag_notes[1].reason_en
    assert [b.code for b in session.exec(select(Bin)).all()] == ["S-2"]
    assert "แถว 2" in outcome.summary()
