"""Any file given as a Traffy export ends in a clear, named error or a report; never a crash."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session, select

from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.models import TraffyTicket
from fieldsvc.services.traffy import import_traffy
from tests.real_formats.make_traffy import COLUMNS, write_traffy_csv


def _write_bytes(data: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / "export.csv"
        path.write_bytes(data)
        return path

    return write


def _cp874(folder: Path) -> Path:
    source = write_traffy_csv(folder / "utf8.csv")
    path = folder / "export.csv"
    path.write_bytes(source.read_text(encoding="utf-8-sig").encode("cp874"))
    return path


def _huge_cell(folder: Path) -> Path:
    path = folder / "export.csv"
    header = ",".join(COLUMNS)
    path.write_text(f'{header}\n2024-X,"{"ข" * 200_000}\n', encoding="utf-8")
    return path


def _named(name: str, text: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


CASES = {
    "empty": (_write_bytes(b""), "traffy_empty"),
    "png": (_write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4), "traffy_not_text"),
    "cp874": (_cp874, "traffy_not_text"),
    "other csv": (_write_bytes("หมู่,ชื่อ\n1,บ้านเวียง\n".encode()), "traffy_columns_missing"),
    "only bom": (_write_bytes(b"\xef\xbb\xbf"), "traffy_columns_missing"),
    "huge cell": (_huge_cell, "traffy_cell_too_large"),
    "broken json": (
        _named("t.geojson", '{"type": "FeatureCollection", "feat'),
        "traffy_geojson_invalid",
    ),
    "json list": (_named("t.geojson", "[1, 2, 3]"), "traffy_geojson_invalid"),
    "deep json": (_named("t.json", "[" * 100_000), "traffy_geojson_invalid"),
    "features without ids": (
        _named("t.geojson", '{"type":"FeatureCollection","features":[{"properties":{"a":1}}]}'),
        "traffy_columns_missing",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_is_a_named_error_and_stores_nothing(
    wiang: Session, folder: Path, case: str
) -> None:
    write, code = CASES[case]
    path = write(folder)
    with pytest.raises(LayerReadError) as raised:
        import_traffy(session=wiang, path=path)
    assert raised.value.code == code
    assert f"'{path.name}'" in raised.value.message_en
    assert f"'{path.name}'" in raised.value.message_th
    assert wiang.exec(select(TraffyTicket)).all() == []


def test_a_cp874_file_imports_when_its_encoding_is_given(wiang: Session, folder: Path) -> None:
    outcome = import_traffy(session=wiang, path=_cp874(folder), encoding="cp874")
    assert outcome.kept == 4 and len(outcome.malformed) == 4


def test_fuzzed_rows_are_reported_never_crash(wiang: Session, folder: Path) -> None:
    """Rows of random values under the real header: each is kept, counted or noted."""
    chance = random.Random(15)
    alphabet = ["", "{ความสะอาด}", "ขยะ", "nan", "1e999", "-", ",", '"', "99.83,19.9", "{", "\t"]
    path = folder / "fuzz.csv"
    lines = [",".join(COLUMNS)]
    for number in range(300):
        cells = [f"2024-F{number:04d}"]
        cells += [
            '"' + "".join(chance.choice(alphabet) for _ in range(3)).replace('"', '""') + '"'
            for _ in COLUMNS[1:]
        ]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines), encoding="utf-8")
    outcome = import_traffy(session=wiang, path=path)
    assert outcome.read == 300
    assert outcome.kept + outcome.other_type + outcome.outside + len(outcome.malformed) == 300


def test_a_file_damaged_after_good_rows_stores_none_of_them(wiang: Session, folder: Path) -> None:
    path = write_traffy_csv(folder / "export.csv")
    path.write_bytes(path.read_bytes() + b"2024-Z,{\xff\xfe},x\n")
    with pytest.raises(LayerReadError) as raised:
        import_traffy(session=wiang, path=path)
    assert raised.value.code == "traffy_not_text"
    wiang.rollback()
    assert wiang.exec(select(TraffyTicket)).all() == []


def test_unreadable_values_are_left_blank_and_noted_by_row(wiang: Session, folder: Path) -> None:
    path = write_traffy_csv(folder / "export.csv")
    text = path.read_text(encoding="utf-8-sig")
    text = text.replace("2024-03-01 08:15:42.123456+00", "เมื่อวาน", 1)
    text = text.replace(",รอรับเรื่อง,,0,", ",รอรับเรื่อง,ดี,0,", 1)
    path.write_text(text, encoding="utf-8")
    outcome = import_traffy(session=wiang, path=path)
    assert outcome.kept == 4
    notes = [(n.row, n.reason_en, n.value) for n in outcome.notes]
    assert (2, "the timestamp value is not readable and was left blank", "เมื่อวาน") in notes
    assert any(reason.startswith("the star value") and value == "ดี" for _r, reason, value in notes)
    first = wiang.exec(select(TraffyTicket).where(TraffyTicket.ticket_id == "2024-WIA001")).one()
    assert first.reported_at is None


def test_a_geojson_above_the_size_limit_is_refused(
    wiang: Session, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldsvc.ingest import traffy

    monkeypatch.setattr(traffy, "GEOJSON_LIMIT_MB", 0)
    path = folder / "t.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(LayerReadError) as raised:
        import_traffy(session=wiang, path=path)
    assert raised.value.code == "traffy_too_large"
