"""A subdistrict exported whole, imported into its own install, and exported back: every row
(surrogate ids aside) and every photo the same; a damaged file is refused with nothing written.

"A fresh install" is the test database emptied (one database per test run on PostGIS) with a
media folder of its own.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
import shapely
from sqlalchemy import Engine, func, select
from sqlmodel import Session, SQLModel

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, FieldsvcError
from fieldsvc.services import subdistrict_transfer
from fieldsvc.services.subdistrict_transfer import (
    DamagedTransfer,
    export_subdistrict,
    import_subdistrict,
)
from tests.live import empty_all_tables
from tests.transfer.builders import Built, build_subdistrict

#: The tables a subdistrict's data lives in (and the users its rows name).
COMPARED = (
    "subdistrict", "village", "bin", "submission", "inspection", "entity_update",
    "submission_review", "attachment", "attachment_version", "household", "issued_code",
    "work_order", "work_order_event", "citizen_report", "citizen_report_event", "traffy_ticket",
    "inspection_policy", "uservillage",
)  # fmt: skip
CODE_A, CODE_B = "300101", "300102"


def _value(value: Any) -> Any:
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkb(value, hex=True)
    return value


def snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every compared table, ids replaced by the row's place in id order and
    references by the place of the row they point at (users by their name)."""
    tables = SQLModel.metadata.tables
    with engine.connect() as connection:
        raw = {}
        for name in (*COMPARED, "appuser"):
            table = tables[name]
            order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
            raw[name] = [
                dict(r._mapping) for r in connection.execute(select(table).order_by(*order))
            ]
    rank = {
        name: {r["id"]: i for i, r in enumerate(rows) if "id" in r} for name, rows in raw.items()
    }
    usernames = {r["id"]: r["username"] for r in raw["appuser"]}
    out: dict[str, list[dict[str, Any]]] = {}
    for name in COMPARED:
        table = tables[name]
        targets = {c.name: fk.column.table.name for c in table.columns for fk in c.foreign_keys}
        rows = []
        for row in raw[name]:
            shaped = {}
            for key, value in row.items():
                if key == "id":
                    continue
                if key in targets and value is not None:
                    target = targets[key]
                    value = usernames[value] if target == "appuser" else rank[target][value]
                shaped[key] = _value(value)
            rows.append(shaped)
        if name == "uservillage":
            rows.sort(key=lambda r: (r["user_id"], r["village_id"]))
        out[name] = rows
    return out


def media_files(settings: Settings) -> dict[str, bytes]:
    root = settings.effective_media_dir
    if not root.exists():
        return {}
    return {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file() and len(p.name) == 64}


def install(tmp_path: Path, name: str, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / name, database_url=database_url)


def _build(engine: Engine, settings: Settings, code: str, x0: float) -> Built:
    with Session(engine, expire_on_commit=False) as session:
        return build_subdistrict(session, settings, code=code, x0=x0)


def test_round_trip_keeps_every_row_and_photo(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Rows go in several statements a table, as they do for a real subdistrict's thousands.
    monkeypatch.setattr(subdistrict_transfer, "BATCH", 2)
    office = install(tmp_path, "province", database_url)
    built_a = _build(engine, office, CODE_A, 102.0)
    only_a = snapshot(engine)
    built_b = _build(engine, office, CODE_B, 102.1)
    both = snapshot(engine)
    assert len(both["bin"]) == 6 and len(only_a["bin"]) == 3
    file_a, file_b = tmp_path / "a.zip", tmp_path / "b.zip"
    assert main(["subdistrict", "export", CODE_A, "--out", str(file_a)], settings=office) == 0
    assert "300101" in capsys.readouterr().out
    export_subdistrict(settings=office, engine=engine, code=CODE_B, out=file_b)
    with zipfile.ZipFile(file_a) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert {p["sha256"] for p in manifest["photos"]} == set(built_a.photos)
        assert manifest["tables"]["bin"]["rows"] == 3
        assert manifest["tables"]["inspection"]["rows"] == 6
        (tmp_path / "view.gpkg").write_bytes(archive.read("subdistrict.gpkg"))
        assert not any(c in archive.read("tables/bin.jsonl").decode() for c in built_b.bin_codes)

    # The GeoPackage view opens as layers (as in QGIS): the villages and the bins of A only.
    layers = {name for name, _kind in pyogrio.list_layers(tmp_path / "view.gpkg")}
    assert layers == {"villages", "bins"}
    view_bins = gpd.read_file(tmp_path / "view.gpkg", layer="bins")
    assert sorted(view_bins["code"]) == sorted(built_a.bin_codes)
    assert len(gpd.read_file(tmp_path / "view.gpkg", layer="villages")) == 2

    # Into a fresh, single-subdistrict install.
    empty_all_tables(engine)
    single = install(tmp_path, "single", database_url)
    assert main(["subdistrict", "import", str(file_a)], settings=single) == 0
    assert snapshot(engine) == only_a
    assert media_files(single) == built_a.photos
    assert not set(built_b.photos) & set(media_files(single))

    # ... and back: exported from the single install, imported into a third fresh one.
    file_back = tmp_path / "back.zip"
    export_subdistrict(settings=single, engine=engine, code=CODE_A, out=file_back)
    empty_all_tables(engine)
    third = install(tmp_path, "third", database_url)
    result = import_subdistrict(settings=third, engine=engine, archive_path=file_back)
    assert result.row_counts["submission"] == 3 and result.photos == len(built_a.photos)
    assert snapshot(engine) == only_a
    assert media_files(third) == built_a.photos

    # An install holding another subdistrict takes B beside A: the same as where both began.
    import_subdistrict(settings=third, engine=engine, archive_path=file_b)
    assert snapshot(engine) == both
    assert media_files(third) == {**built_a.photos, **built_b.photos}


def _counts(engine: Engine) -> dict[str, int]:
    tables = SQLModel.metadata.tables
    with engine.connect() as connection:
        return {
            n: connection.execute(select(func.count()).select_from(tables[n])).scalar_one()
            for n in (*COMPARED, "appuser")
        }


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copy a zip, replacing (bytes) or dropping (None) the named members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if item.filename in change:
                data = change[item.filename]
                if data is not None:
                    new.writestr(item.filename, data)
            else:
                new.writestr(item, old.read(item.filename))


@pytest.fixture
def exported(engine: Engine, database_url: str, tmp_path: Path) -> tuple[Path, Built]:
    office = install(tmp_path, "province", database_url)
    built = _build(engine, office, CODE_A, 102.0)
    path = tmp_path / "a.zip"
    export_subdistrict(settings=office, engine=engine, code=CODE_A, out=path)
    empty_all_tables(engine)
    return path, built


def _manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return dict(json.loads(archive.read("manifest.json")))


def _refused(engine: Engine, settings: Settings, path: Path, words: str) -> FieldsvcError:
    before = _counts(engine)
    with pytest.raises(FieldsvcError) as caught:
        import_subdistrict(settings=settings, engine=engine, archive_path=path)
    assert words in caught.value.message_en, caught.value.message_en
    assert caught.value.message_th and caught.value.message_th != caught.value.message_en
    assert _counts(engine) == before
    assert media_files(settings) == {}
    return caught.value


def test_damaged_files_are_refused_with_nothing_written(
    engine: Engine, database_url: str, tmp_path: Path, exported: tuple[Path, Built]
) -> None:
    path, built = exported
    target = install(tmp_path, "target", database_url)
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x03\x04 not really a zip" * 10)
    assert isinstance(_refused(engine, target, garbage, "not a zip file"), DamagedTransfer)
    _refused(engine, target, tmp_path / "absent.zip", "does not exist")

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _refused(engine, target, truncated, "not a zip file")

    manifest = _manifest(path)
    foreign = tmp_path / "foreign.zip"
    _rewrite(path, foreign, {"manifest.json": json.dumps({"format": "something-else"}).encode()})
    _refused(engine, target, foreign, "not a fieldsvc subdistrict export")
    newer = tmp_path / "newer.zip"
    _rewrite(
        path, newer, {"manifest.json": json.dumps({**manifest, "format_version": 99}).encode()}
    )
    _refused(engine, target, newer, "format version 99 is not supported")
    no_manifest = tmp_path / "no-manifest.zip"
    _rewrite(path, no_manifest, {"manifest.json": None})
    _refused(engine, target, no_manifest, "no manifest.json")

    missing_photo = tmp_path / "missing-photo.zip"
    _rewrite(path, missing_photo, {f"photos/{sorted(built.photos)[0]}": None})
    _refused(engine, target, missing_photo, f"photo {sorted(built.photos)[0]} is missing")
    swapped = tmp_path / "swapped-photo.zip"
    _rewrite(path, swapped, {f"photos/{sorted(built.photos)[1]}": b"other bytes"})
    _refused(engine, target, swapped, "was altered")

    with zipfile.ZipFile(path) as archive:
        bins = archive.read("tables/bin.jsonl").decode()
    altered = tmp_path / "altered.zip"
    _rewrite(path, altered, {"tables/bin.jsonl": bins.replace("120", "999").encode()})
    _refused(engine, target, altered, "tables/bin.jsonl was altered")

    # The untouched file still imports.
    import_subdistrict(settings=target, engine=engine, archive_path=path)
    assert set(media_files(target)) == set(built.photos)


def test_an_install_already_holding_the_code_or_its_rows_refuses(
    engine: Engine, database_url: str, tmp_path: Path, exported: tuple[Path, Built]
) -> None:
    path, built = exported
    target = install(tmp_path, "target", database_url)
    import_subdistrict(settings=target, engine=engine, archive_path=path)
    before, photos = _counts(engine), media_files(target)
    with pytest.raises(Conflict) as caught:
        import_subdistrict(settings=target, engine=engine, archive_path=path)
    assert "already holds subdistrict 300101" in caught.value.message_en
    assert _counts(engine) == before and media_files(target) == photos

    # Another subdistrict whose bin carries a code of the file: the transaction rolls back
    # and the photos it stored are taken away again.
    empty_all_tables(engine)
    other = install(tmp_path, "other", database_url)
    with Session(engine) as session:
        build_subdistrict(session, other, code=CODE_B, x0=102.1)
    with engine.begin() as connection:
        bins = SQLModel.metadata.tables["bin"]
        connection.execute(
            bins.update().where(bins.c.code == f"B{CODE_B}-0").values(code=built.bin_codes[0])
        )
    fresh = install(tmp_path, "fresh-media", database_url)
    error = _refused(engine, fresh, path, "a row of table bin clashes")
    assert error.code == "conflict"


def test_export_of_an_unknown_code_is_a_clear_error(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = install(tmp_path, "office", database_url)
    code = main(
        ["subdistrict", "export", "999999", "--out", str(tmp_path / "x.zip")], settings=office
    )
    assert code != 0
    assert "999999" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_a_forged_file_with_unreadable_values_is_refused_whole(
    engine: Engine, database_url: str, tmp_path: Path, exported: tuple[Path, Built]
) -> None:
    """Hashes recomputed, but an inspection's time is not a time: the rows written before it
    (subdistrict, villages, bins …) are rolled back and the photos taken away again."""
    path, _built = exported
    with zipfile.ZipFile(path) as archive:
        lines = archive.read("tables/inspection.jsonl").decode().splitlines()
    row = json.loads(lines[-1])
    row["observed_at"] = "yesterday"
    data = "".join(f"{line}\n" for line in [*lines[:-1], json.dumps(row)]).encode()
    manifest = _manifest(path)
    manifest["tables"]["inspection"]["sha256"] = hashlib.sha256(data).hexdigest()
    forged = tmp_path / "forged.zip"
    _rewrite(
        path,
        forged,
        {"tables/inspection.jsonl": data, "manifest.json": json.dumps(manifest).encode()},
    )
    target = install(tmp_path, "target", database_url)
    _refused(engine, target, forged, "a row of table inspection cannot be stored (observed_at")


def test_the_office_name_travels_and_an_older_file_without_it_still_imports(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    from fieldsvc.services.offices import set_office_name

    office = install(tmp_path, "province", database_url)
    _build(engine, office, CODE_A, 102.0)
    with Session(engine) as session:
        set_office_name(
            session=session, code=CODE_A, office_name="อบต.ต้นทาง", office_name_en="Source SAO"
        )
    path = tmp_path / "a.zip"
    export_subdistrict(settings=office, engine=engine, code=CODE_A, out=path)
    empty_all_tables(engine)

    def office_row() -> tuple[Any, ...]:
        subdistricts = SQLModel.metadata.tables["subdistrict"]
        query = select(subdistricts.c.office_name, subdistricts.c.office_name_en)
        with engine.connect() as connection:
            return tuple(connection.execute(query).one())

    target = install(tmp_path, "target", database_url)
    import_subdistrict(settings=target, engine=engine, archive_path=path)
    assert office_row() == ("อบต.ต้นทาง", "Source SAO")

    # A file written before subdistricts had office names: the same file without the columns.
    empty_all_tables(engine)
    with zipfile.ZipFile(path) as archive:
        (line,) = archive.read("tables/subdistrict.jsonl").decode().splitlines()
    row = json.loads(line)
    del row["office_name"], row["office_name_en"]
    data = f"{json.dumps(row, ensure_ascii=False)}\n".encode()
    manifest = _manifest(path)
    manifest["tables"]["subdistrict"]["sha256"] = hashlib.sha256(data).hexdigest()
    older = tmp_path / "older.zip"
    _rewrite(
        path,
        older,
        {"tables/subdistrict.jsonl": data, "manifest.json": json.dumps(manifest).encode()},
    )
    import_subdistrict(
        settings=install(tmp_path, "older", database_url), engine=engine, archive_path=older
    )
    assert office_row() == (None, None)
