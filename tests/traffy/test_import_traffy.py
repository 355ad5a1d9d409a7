"""``import traffy`` keeps exactly the cleanliness/waste tickets inside the subdistrict, is
idempotent on ticket_id, and names each malformed coordinate by row."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from fieldsvc.errors import InvalidInput
from fieldsvc.models import TraffyTicket, Village
from fieldsvc.services.traffy import TraffyImportOutcome, import_traffy
from tests.real_formats.make_traffy import (
    LATER_NEW,
    LATER_STATES,
    TICKETS,
    expected,
    spreadsheet_row,
    write_traffy_csv,
    write_traffy_geojson,
)


def _stored(session: Session) -> dict[str, TraffyTicket]:
    return {t.ticket_id: t for t in session.exec(select(TraffyTicket))}


def _village_numbers(session: Session) -> dict[int, int]:
    return {v.id: v.number for v in session.exec(select(Village)) if v.id is not None}


def _check_first_import(session: Session, outcome: TraffyImportOutcome) -> None:
    assert outcome.read == 12
    assert (outcome.added, outcome.updated, outcome.unchanged) == (4, 0, 0)
    assert outcome.kept == 4
    assert outcome.other_type == 2
    assert outcome.outside == 2
    assert len(outcome.malformed) == 4
    stored = _stored(session)
    assert sorted(stored) == sorted(expected("kept"))
    numbers = _village_numbers(session)
    for ticket in TICKETS:
        if ticket.expected == "kept":
            found = stored[ticket.ticket_id]
            assert found.village_id is not None
            assert numbers[found.village_id] == ticket.village


def test_only_cleanliness_and_waste_tickets_inside_the_subdistrict_are_kept(
    wiang: Session, folder: Path
) -> None:
    outcome = import_traffy(session=wiang, path=write_traffy_csv(folder / "bangkok_traffy.csv"))
    _check_first_import(wiang, outcome)
    first = _stored(wiang)["2024-WIA001"]
    assert first.types == "ความสะอาด"
    assert first.comment == 'ขยะล้นถังหน้าวัด\nส่งกลิ่นเหม็น, มีแมลงวัน "มาก"'
    assert first.photo_url is not None and first.photo_url.endswith("/2024-03/WIA001.jpg")
    assert first.state == "รอรับเรื่อง"
    assert first.reported_at == datetime(2024, 3, 1, 8, 15, 42, 123456, tzinfo=UTC)
    assert first.last_seen_file == "bangkok_traffy.csv"
    assert _stored(wiang)["2024-WIA002"].types == "ความสะอาด,ถนน"
    assert "Read 12, kept 4 (new 4, updated 0, unchanged 0)" in outcome.summary()


def test_malformed_coordinates_are_reported_by_row_with_value_and_expectation(
    wiang: Session, folder: Path
) -> None:
    outcome = import_traffy(session=wiang, path=write_traffy_csv(folder / "bangkok_traffy.csv"))
    rows = {note.row: note for note in outcome.malformed}
    bad = expected("malformed")
    # the first ticket's comment spans two lines: rows are spreadsheet rows, not file lines
    assert sorted(rows) == [spreadsheet_row(t) for t in bad] == [10, 11, 12, 13]
    swapped = rows[10]
    assert swapped.value == "19.900,99.830 (ticket 2024-BAD001)"
    assert "swapped" in swapped.reason_en and '"lon,lat"' in swapped.reason_en
    assert rows[11].value == "99.830 (ticket 2024-BAD002)"
    assert rows[12].value == " (ticket 2024-BAD003)"
    assert rows[13].value == "abc,def (ticket 2024-BAD004)"
    for row in (11, 12, 13):
        assert 'expected "lon,lat"' in rows[row].reason_en
        assert "ลองจิจูด,ละติจูด" in rows[row].reason_th
    assert "แถว 10:" in outcome.summary() and "Row 13:" in outcome.summary()


def test_importing_twice_updates_state_and_never_duplicates(wiang: Session, folder: Path) -> None:
    first_path = write_traffy_csv(folder / "bangkok_traffy.csv")
    import_traffy(session=wiang, path=first_path)
    again = import_traffy(session=wiang, path=first_path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert len(_stored(wiang)) == 4

    later = import_traffy(session=wiang, path=write_traffy_csv(folder / "later.csv", later=True))
    assert (later.added, later.updated, later.unchanged) == (1, 2, 2)
    stored = _stored(wiang)
    assert len(stored) == 5
    assert sorted(stored) == sorted([*expected("kept"), LATER_NEW.ticket_id])
    for ticket_id, state in LATER_STATES.items():
        assert stored[ticket_id].state == state
        assert stored[ticket_id].last_activity == datetime(2024, 3, 5, 10, 0, 0, 500000, tzinfo=UTC)
        assert stored[ticket_id].star == 5.0
        assert stored[ticket_id].last_seen_file == "later.csv"
    assert stored["2024-WIA002"].state == "รอรับเรื่อง"
    count = wiang.exec(select(TraffyTicket.id).where(col(TraffyTicket.ticket_id) == "2024-WIA001"))
    assert len(count.all()) == 1


def test_the_geojson_export_gives_the_same_tickets(wiang: Session, folder: Path) -> None:
    outcome = import_traffy(session=wiang, path=write_traffy_geojson(folder / "traffy.geojson"))
    _check_first_import(wiang, outcome)
    # feature numbers; a LineString and a missing geometry are named as such
    rows = {note.row: note.value for note in outcome.malformed}
    assert rows == {
        9: "[19.9, 99.83] (ticket 2024-BAD001)",
        10: "LineString geometry (ticket 2024-BAD002)",
        11: "null (ticket 2024-BAD003)",
        12: '["abc", "def"] (ticket 2024-BAD004)',
    }


def test_a_ticket_repeated_in_one_file_is_stored_once(wiang: Session, folder: Path) -> None:
    path = write_traffy_csv(folder / "bangkok_traffy.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    wia002 = next(line for line in lines if line.startswith("2024-WIA002"))
    path.write_text("".join([*lines, wia002]), encoding="utf-8")
    outcome = import_traffy(session=wiang, path=path)
    assert outcome.added == 4 and outcome.read == 13
    assert [n.row for n in outcome.notes] == [14]
    assert f"repeats row {spreadsheet_row('2024-WIA002')}" in outcome.notes[0].reason_en
    assert len(_stored(wiang)) == 4


def test_without_a_subdistrict_boundary_the_import_says_so(session: Session, folder: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        import_traffy(session=session, path=write_traffy_csv(folder / "t.csv"))
    assert raised.value.code == "invalid_input"
    assert _stored(session) == {}
