"""Move one subdistrict whole between installs: ``fieldsvc subdistrict export`` / ``import``.

The file is a zip archive:

* ``tables/<table>.jsonl`` — every row of the subdistrict, one JSON object a line, with every
  column as stored (timestamps in ISO 8601 UTC, geometries as WKB hex, raw survey payloads
  byte for byte). These are what an import reads: JSON keeps every value exactly (JSON
  columns, time zones, booleans), which a GeoPackage attribute table would not.
* ``subdistrict.gpkg`` — the villages and bins as GeoPackage layers, to open in QGIS.
* ``photos/<sha256>`` — the bytes of every photo a row names (survey attachments and their
  earlier versions, citizen-report photos), named by their SHA-256.
* ``manifest.json`` — format and version, the subdistrict, the row count and SHA-256 of every
  table member, and the SHA-256 and size of every photo.

It is the office's own data moving with it, like a backup: residents' contact details on
citizen reports and the raw surveys are included, so the file must be kept like a backup.
Users named by the rows travel as name, display name, role and phone only, never tokens: on
import a user of the same name is reused, otherwise one is created without a token.

An import checks the whole file first (members, hashes, counts, columns), refuses a
subdistrict code the install already holds, and then writes every row in one transaction with
new surrogate ids (the file's ids are only used to join its own rows); codes, entity ids and
instance ids are kept. Photos are stored by content after the checks; any photo that import
added is removed again when the transaction fails, so nothing is half-imported.

In an install that serves many subdistricts, the rows that name their subdistrict
(``subdistrict_id`` of bins, surveys, work orders, residents' reports, Traffy tickets and plans)
travel with it, pointed at the subdistrict's new id on import like every other reference. The
subdistrict's allocation plans travel whole (plan, items, their events and confirmed bins; the
village and bin ids inside a plan's JSON lists are mapped too), as do the subdistricts of the
users who work for it (``user_subdistrict``), so B's staff work for B in the new install.
Importing into a single-office install first pins its staff of "every subdistrict" to the
subdistrict already there (``pin_unscoped_users``), so nobody starts seeing the newcomer's data.
A user reused by name who works for every subdistrict keeps doing so.

Format 1 files (before many subdistricts) are read too: their plan and user-subdistrict tables
are taken as empty.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from sqlalchemy import (
    Column,
    Connection,
    CursorResult,
    Date,
    Engine,
    Table,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel

import fieldsvc.models  # noqa: F401  (every table registered on SQLModel.metadata)
from fieldsvc import __version__
from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, FieldsvcError, NotFound
from fieldsvc.models.types import GeometryType, UTCDateTime
from fieldsvc.storage.media import media_path, require_media, sha256_hex, store_media

FORMAT = "fieldsvc-subdistrict"
FORMAT_VERSION = 2
#: Versions an import reads, and the tables a version did not have yet (read as empty).
READABLE_VERSIONS = {1, 2}
MANIFEST = "manifest.json"
GPKG_MEMBER = "subdistrict.gpkg"
TABLE_PREFIX = "tables/"
PHOTO_PREFIX = "photos/"
USERS = "appuser"
#: Rows a statement on import.
BATCH = 500
#: The user columns that travel (never a token or session hash).
USER_COLUMNS = ("username", "display_name", "phone", "role", "created_at")

#: The subdistrict's tables in the order rows are written (every reference points backwards).
TABLES = (
    "subdistrict",
    "village",
    "bin",
    "submission",
    "inspection",
    "entity_update",
    "submission_review",
    "attachment",
    "attachment_version",
    "household",
    "issued_code",
    "work_order",
    "work_order_event",
    "citizen_report",
    "citizen_report_event",
    "traffy_ticket",
    "inspection_policy",
    "uservillage",
    "allocation_plan",
    "plan_item",
    "plan_item_event",
    "plan_item_bin",
    "user_subdistrict",
)
#: Tables a format 1 file does not hold.
SINCE_VERSION_2 = frozenset(
    {"allocation_plan", "plan_item", "plan_item_event", "plan_item_bin", "user_subdistrict"}
)
#: JSON list columns of a plan whose rows name villages and bins by id: key → table.
PLAN_JSON_LISTS = ("villages", "recommendations", "deferred")
PLAN_JSON_IDS = {"village_id": "village", "bin_id": "bin"}
#: Columns holding a photo's SHA-256, per table.
PHOTO_COLUMNS = {
    "attachment": "sha256",
    "attachment_version": "sha256",
    "citizen_report": "photo_sha256",
}


class DamagedTransfer(FieldsvcError):
    """The file is not a subdistrict export, or it is truncated or altered."""

    code = "invalid_input"


def _damaged(archive: Path, why_en: str, why_th: str) -> DamagedTransfer:
    return DamagedTransfer.of(
        "transfer_damaged",
        details={"why": why_en},
        archive=archive.name,
        why_en=why_en,
        why_th=why_th,
    )


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _scopes(subdistrict_id: int) -> dict[str, ColumnElement[bool]]:
    """Which rows of each table belong to the subdistrict (subqueries on the old ids)."""
    t = _table

    def own(name: str) -> ColumnElement[bool]:  # the row names the subdistrict itself
        return t(name).c.subdistrict_id == subdistrict_id

    villages = select(t("village").c.id).where(t("village").c.subdistrict_id == subdistrict_id)
    bins = select(t("bin").c.id).where(or_(t("bin").c.village_id.in_(villages), own("bin")))
    submissions = select(t("submission").c.id).where(
        or_(
            t("submission").c.village_id.in_(villages),
            t("submission").c.bin_id.in_(bins),
            own("submission"),
        )
    )
    attachments = select(t("attachment").c.id).where(
        t("attachment").c.submission_id.in_(submissions)
    )
    orders = select(t("work_order").c.id).where(
        or_(t("work_order").c.bin_id.in_(bins), own("work_order"))
    )
    reports = select(t("citizen_report").c.id).where(
        or_(
            t("citizen_report").c.village_id.in_(villages),
            t("citizen_report").c.bin_id.in_(bins),
            own("citizen_report"),
        )
    )
    plans = select(t("allocation_plan").c.id).where(own("allocation_plan"))
    items = select(t("plan_item").c.id).where(t("plan_item").c.plan_id.in_(plans))
    return {
        "subdistrict": t("subdistrict").c.id == subdistrict_id,
        "village": t("village").c.subdistrict_id == subdistrict_id,
        "bin": t("bin").c.id.in_(bins),
        "submission": t("submission").c.id.in_(submissions),
        "inspection": t("inspection").c.bin_id.in_(bins),
        "entity_update": t("entity_update").c.submission_id.in_(submissions),
        "submission_review": t("submission_review").c.submission_id.in_(submissions),
        "attachment": t("attachment").c.id.in_(attachments),
        "attachment_version": t("attachment_version").c.attachment_id.in_(attachments),
        "household": t("household").c.village_id.in_(villages),
        "issued_code": t("issued_code").c.village_id.in_(villages),
        "work_order": t("work_order").c.id.in_(orders),
        "work_order_event": t("work_order_event").c.order_id.in_(orders),
        "citizen_report": t("citizen_report").c.id.in_(reports),
        "citizen_report_event": t("citizen_report_event").c.report_id.in_(reports),
        "traffy_ticket": or_(t("traffy_ticket").c.village_id.in_(villages), own("traffy_ticket")),
        "inspection_policy": t("inspection_policy").c.village_id.in_(villages),
        "uservillage": t("uservillage").c.village_id.in_(villages),
        "allocation_plan": own("allocation_plan"),
        "plan_item": t("plan_item").c.id.in_(items),
        "plan_item_event": t("plan_item_event").c.item_id.in_(items),
        "plan_item_bin": t("plan_item_bin").c.item_id.in_(items),
        "user_subdistrict": own("user_subdistrict"),
    }


def _references(table: Table) -> dict[str, str]:
    """Column -> the table it points at."""
    found: dict[str, str] = {}
    for column in table.columns:
        for key in column.foreign_keys:
            found[column.name] = key.column.table.name
    return found


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkb(value, hex=True)
    return value


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, GeometryType):
        return shapely.from_wkb(bytes.fromhex(value))
    return value


@dataclass(frozen=True)
class ExportResult:
    path: Path
    code: str
    row_counts: dict[str, int]
    photos: int
    references_cut: int

    def summary(self) -> str:
        rows = sum(self.row_counts.values())
        return (
            f"ส่งออกตำบล {self.code} แล้ว: {rows} แถว รูป {self.photos} รูป → {self.path} / "
            f"exported subdistrict {self.code}: {rows} rows, {self.photos} photos → {self.path}"
        )


@dataclass(frozen=True)
class ImportResult:
    code: str
    row_counts: dict[str, int]
    photos: int
    users_created: int

    def summary(self) -> str:
        rows = sum(self.row_counts.values())
        return (
            f"นำเข้าตำบล {self.code} แล้ว: {rows} แถว รูป {self.photos} รูป "
            f"ผู้ใช้ใหม่ {self.users_created} คน (ยังไม่มีรหัสเข้าใช้) / imported subdistrict "
            f"{self.code}: {rows} rows, {self.photos} photos, {self.users_created} new users "
            "(without tokens)"
        )


def _read_rows(connection: Connection, subdistrict_id: int) -> dict[str, list[dict[str, Any]]]:
    scopes = _scopes(subdistrict_id)
    rows: dict[str, list[dict[str, Any]]] = {}
    for name in TABLES:
        table = _table(name)
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        result = connection.execute(select(table).where(scopes[name]).order_by(*order))
        rows[name] = [dict(row._mapping) for row in result]
    return rows


def _cut_outside_references(rows: dict[str, list[dict[str, Any]]]) -> int:
    """Null references to rows that do not travel (another subdistrict's bin, say)."""
    held = {name: {r["id"] for r in found if "id" in r} for name, found in rows.items()}
    cut = 0
    for name in TABLES:
        for column, target in _references(_table(name)).items():
            if target == USERS:
                continue
            for row in rows[name]:
                if row[column] is not None and row[column] not in held.get(target, set()):
                    if not _table(name).c[column].nullable:
                        raise AssertionError(f"{name}.{column} leaves the subdistrict")
                    row[column] = None
                    cut += 1
    return cut


def _user_rows(
    connection: Connection, rows: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    ids: set[int] = set()
    for name in TABLES:
        for column, target in _references(_table(name)).items():
            if target == USERS:
                ids.update(r[column] for r in rows[name] if r[column] is not None)
    users = _table(USERS)
    result = connection.execute(
        select(users.c.id, *(users.c[c] for c in USER_COLUMNS))
        .where(users.c.id.in_(sorted(ids)))
        .order_by(users.c.id)
    )
    return [dict(row._mapping) for row in result]


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    lines = (json.dumps({k: _encode(v) for k, v in r.items()}, ensure_ascii=False) for r in rows)
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _geopackage(rows: dict[str, list[dict[str, Any]]]) -> bytes:
    """Villages and bins as layers for QGIS (a view; the import reads the tables)."""
    villages = gpd.GeoDataFrame(
        [{k: v for k, v in r.items() if k != "boundary"} for r in rows["village"]],
        geometry=[r["boundary"] for r in rows["village"]],
        crs="EPSG:4326",
    )
    bins = gpd.GeoDataFrame(
        [{k: _encode(v) for k, v in r.items()} for r in rows["bin"]],
        geometry=[shapely.Point(r["lon"], r["lat"]) for r in rows["bin"]],
        crs="EPSG:4326",
    )
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / GPKG_MEMBER
        if len(villages):
            villages.to_file(path, layer="villages", driver="GPKG")
        if len(bins):
            bins.to_file(path, layer="bins", driver="GPKG")
        return path.read_bytes() if path.exists() else b""


def export_subdistrict(*, settings: Settings, engine: Engine, code: str, out: Path) -> ExportResult:
    """Write subdistrict ``code`` whole (rows, photos, manifest) to the zip file ``out``."""
    subdistricts = _table("subdistrict")
    # One snapshot for every table while surveys keep arriving: REPEATABLE READ on PostgreSQL
    # (SQLite's read transaction already is one).
    isolation = "REPEATABLE READ" if engine.dialect.name == "postgresql" else "SERIALIZABLE"
    with engine.connect().execution_options(isolation_level=isolation) as connection:
        connection.begin()
        found = connection.execute(
            select(subdistricts.c.id).where(subdistricts.c.code == code)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound.of("transfer_subdistrict_unknown", field="code", code=code)
        rows = _read_rows(connection, found)
        cut = _cut_outside_references(rows)
        users = _user_rows(connection, rows)
    photos = sorted(
        {r[c] for name, c in PHOTO_COLUMNS.items() for r in rows[name] if r[c] is not None}
    )
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "fieldsvc_version": __version__,
        "exported_at": datetime.now(UTC).isoformat(),
        "subdistrict": {"code": code, "name": rows["subdistrict"][0]["name"]},
        "references_cut": cut,
        "contains_personal_data": True,
        "tables": {},
        "photos": [],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, table_rows in [*rows.items(), (USERS, users)]:
            data = _jsonl(table_rows)
            archive.writestr(f"{TABLE_PREFIX}{name}.jsonl", data)
            manifest["tables"][name] = {
                "rows": len(table_rows),
                "sha256": sha256_hex(data),
                "columns": sorted(table_rows[0]) if table_rows else [],
            }
        gpkg = _geopackage(rows)
        if gpkg:
            archive.writestr(GPKG_MEMBER, gpkg)
        for digest in photos:
            data = require_media(settings=settings, sha256=digest).read_bytes()
            archive.writestr(f"{PHOTO_PREFIX}{digest}", data, compress_type=zipfile.ZIP_STORED)
            manifest["photos"].append({"sha256": digest, "size": len(data)})
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.replace(out)
    return ExportResult(
        path=out,
        code=code,
        row_counts={n: len(r) for n, r in rows.items()},
        photos=len(photos),
        references_cut=cut,
    )


@dataclass
class _Checked:
    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    photos: dict[str, Callable[[], bytes]]


def _check_archive(archive_path: Path, archive: zipfile.ZipFile) -> _Checked:
    """Every member, hash, count and column of the file, before anything is written."""

    def fail(en: str, th: str) -> DamagedTransfer:
        return _damaged(archive_path, en, th)

    names = set(archive.namelist())
    if MANIFEST not in names:
        raise fail("no manifest.json: not a fieldsvc subdistrict export", "ไม่มี manifest.json")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        raise fail(f"manifest.json cannot be read ({exc})", "อ่าน manifest.json ไม่ได้") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise fail("manifest.json is not a fieldsvc subdistrict export", "ไม่ใช่ไฟล์ย้ายตำบล")
    version = manifest.get("format_version")
    if version not in READABLE_VERSIONS:
        raise fail(
            f"format version {version} is not supported (this fieldsvc reads {FORMAT_VERSION})",
            f"ไม่รองรับรูปแบบรุ่น {version}",
        )
    held = {*TABLES, USERS} - (SINCE_VERSION_2 if version == 1 else set())
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or set(tables) != held:
        raise fail("the manifest does not list the expected tables", "รายการตารางไม่ครบ")
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SINCE_VERSION_2}
    for name in (*(n for n in TABLES if n in held), USERS):
        member = f"{TABLE_PREFIX}{name}.jsonl"
        if member not in names:
            raise fail(f"{member} is missing", f"ไม่มี {member}")
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise fail(f"{member} is damaged ({exc})", f"{member} เสียหาย") from exc
        if sha256_hex(data) != tables[name].get("sha256"):
            raise fail(f"{member} was altered (SHA-256 differs)", f"{member} ถูกแก้ไข")
        try:
            rows[name] = [json.loads(line) for line in data.decode("utf-8").splitlines()]
        except ValueError as exc:
            raise fail(f"{member} is not JSON lines ({exc})", f"{member} อ่านไม่ได้") from exc
        if len(rows[name]) != tables[name].get("rows"):
            raise fail(f"{member} holds a different number of rows", f"จำนวนแถว {member} ไม่ตรง")
        known = set(_table(name).c.keys())
        unknown = sorted({k for r in rows[name] for k in r} - known)
        if unknown:
            raise fail(
                f"table {name} has columns this install does not know: {', '.join(unknown)}",
                f"ตาราง {name} มีคอลัมน์ที่ระบบนี้ไม่รู้จัก",
            )
    if len(rows["subdistrict"]) != 1:
        raise fail("the file must hold exactly one subdistrict", "ต้องมีตำบลเดียว")
    listed = manifest.get("photos")
    if not isinstance(listed, list):
        raise fail("the manifest does not list the photos", "ไม่มีรายการรูป")
    photos: dict[str, Callable[[], bytes]] = {}
    for item in listed:
        digest, size = str(item.get("sha256")), item.get("size")
        member = f"{PHOTO_PREFIX}{digest}"
        if member not in names:
            raise fail(f"photo {digest} is missing", f"ไม่มีรูป {digest}")
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise fail(f"photo {digest} is damaged ({exc})", f"รูป {digest} เสียหาย") from exc
        if sha256_hex(data) != digest or len(data) != size:
            raise fail(f"photo {digest} was altered (SHA-256 differs)", f"รูป {digest} ถูกแก้ไข")
        photos[digest] = _member_reader(archive, member)
    named = {r[c] for n, c in PHOTO_COLUMNS.items() for r in rows[n] if r.get(c) is not None}
    if named - set(photos):
        first = sorted(named - set(photos))[0]
        raise fail(f"photo {first} is named by a row but not in the file", f"ไม่มีรูป {first}")
    return _Checked(manifest=manifest, rows=rows, photos=photos)


def _member_reader(archive: zipfile.ZipFile, member: str) -> Callable[[], bytes]:
    return lambda: archive.read(member)


@contextmanager
def _open_archive(archive_path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(archive_path) as archive:
            yield archive
    except zipfile.BadZipFile as exc:
        raise _damaged(archive_path, f"not a zip file ({exc})", "ไม่ใช่ไฟล์ zip") from exc
    except FileNotFoundError as exc:
        raise _damaged(archive_path, "the file does not exist", "ไม่พบไฟล์") from exc


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _user_map(
    connection: Connection, users: list[dict[str, Any]]
) -> tuple[dict[int, int], set[int]]:
    """The file's user ids → this install's (reused by name, else created); and the ids of
    the users created."""
    table = _table(USERS)
    mapping: dict[int, int] = {}
    created: set[int] = set()
    for user in users:
        found = connection.execute(
            select(table.c.id).where(table.c.username == user["username"])
        ).scalar_one_or_none()
        if found is None:
            values = {c: _decode(table.c[c], user.get(c)) for c in USER_COLUMNS if c in user}
            found = _new_id(connection.execute(table.insert().values(**values)))
            created.add(int(found))
        mapping[int(user["id"])] = int(found)
    return mapping, created


class _BadRow(Exception):
    def __init__(self, table: str, reason: str) -> None:
        super().__init__(table, reason)
        self.table = table
        self.reason = reason


def _row_values(
    name: str,
    row: dict[str, Any],
    new_ids: dict[str, dict[int, int]],
    later: list[tuple[int, str, int]],
) -> dict[str, Any]:
    """One row of the file as column values of this install (references to its new ids)."""
    table = _table(name)
    references = _references(table)
    values: dict[str, Any] = {}
    for key, value in row.items():
        if key == "id":
            continue
        if key in references and value is not None:
            target = references[key]
            if target == name:  # set once every row of the table has its new id
                later.append((row["id"], key, value))
                value = None
            else:
                value = new_ids[target].get(int(value))
                if value is None:
                    raise AssertionError(f"{name}.{key} points outside the file")
        if name == "allocation_plan" and key in PLAN_JSON_LISTS:
            value = _plan_rows_mapped(value, new_ids)
        try:
            values[key] = _decode(table.c[key], value)
        except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
            raise _BadRow(name, f"{key}: {exc}") from exc
    return values


def _plan_rows_mapped(rows: Any, new_ids: dict[str, dict[int, int]]) -> Any:
    """A plan's JSON rows with the village and bin ids they name turned into this install's
    (an id of a row that did not travel becomes null, as a cut reference does)."""
    if not isinstance(rows, list):
        return rows
    mapped = []
    for row in rows:
        if isinstance(row, dict):
            row = dict(row)
            for key, target in PLAN_JSON_IDS.items():
                value = row.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    row[key] = new_ids[target].get(int(value))
        mapped.append(row)
    return mapped


def _write_rows(
    connection: Connection, rows: dict[str, list[dict[str, Any]]], users: dict[int, int]
) -> None:
    new_ids: dict[str, dict[int, int]] = {USERS: users}
    for name in TABLES:
        table = _table(name)
        mapped: dict[int, int] = {}
        new_ids[name] = mapped
        later: list[tuple[int, str, int]] = []  # (old id, column, old target): self references
        values = [_row_values(name, row, new_ids, later) for row in rows[name]]
        if values and any(v.keys() != values[0].keys() for v in values):
            raise _BadRow(name, "its rows do not all have the same columns")
        has_id = "id" in table.c
        # Many rows a statement; RETURNING in parameter order gives each old id its new one.
        insert = (
            table.insert().returning(table.c.id, sort_by_parameter_order=True)
            if has_id
            else table.insert()
        )
        for start in range(0, len(values), BATCH):
            batch = values[start : start + BATCH]
            try:
                result = connection.execute(insert, batch)
            except IntegrityError as exc:
                reason = str(exc.orig).splitlines()[0][:300]
                raise Conflict.of(
                    "transfer_row_conflict", details={"table": name}, table=name, reason=reason
                ) from exc
            except (DBAPIError, ValueError, TypeError) as exc:
                # A value the column does not take (too long, wrong type): the file is bad.
                raise _BadRow(name, str(getattr(exc, "orig", exc)).splitlines()[0][:300]) from exc
            if has_id:
                olds = [int(r["id"]) for r in rows[name][start : start + BATCH]]
                mapped.update(zip(olds, (int(i) for i in result.scalars()), strict=True))
        for old, column, old_target in later:
            connection.execute(
                update(table)
                .where(table.c.id == mapped[old])
                .values({column: mapped.get(int(old_target))})
            )


def import_subdistrict(*, settings: Settings, engine: Engine, archive_path: Path) -> ImportResult:
    """Check ``archive_path`` whole, then add its subdistrict to this install in one
    transaction (new ids; codes, entity ids and instance ids kept)."""
    with _open_archive(archive_path) as archive:
        checked = _check_archive(archive_path, archive)
        code = checked.rows["subdistrict"][0]["code"]
        rows = checked.rows
        for name in TABLES:  # a row whose reference leaves the file is a damaged file
            if not _references_inside(rows, name):
                raise _damaged(
                    archive_path,
                    f"a row of {name} points at a row the file does not hold",
                    f"แถวในตาราง {name} อ้างถึงข้อมูลที่ไม่มีในไฟล์",
                )
        subdistricts = _table("subdistrict")
        with engine.connect() as connection:
            exists = connection.execute(
                select(subdistricts.c.id).where(subdistricts.c.code == code)
            ).first()
        if exists is not None:
            raise Conflict.of("transfer_subdistrict_exists", field="code", code=code)
        added: list[Path] = []
        try:
            for digest, read in checked.photos.items():
                path = media_path(settings=settings, sha256=digest)
                if not path.is_file():
                    added.append(path)
                if store_media(settings=settings, data=read()) != digest:
                    raise _damaged(archive_path, f"photo {digest} changed", f"รูป {digest}")
            with engine.begin() as connection:
                _pin_unscoped_staff(connection)
                users, created = _user_map(connection, rows[USERS])
                rows = {
                    **rows,
                    "user_subdistrict": _own_scopes(
                        connection, rows["user_subdistrict"], users, created
                    ),
                }
                _write_rows(connection, rows, users)
        except _BadRow as bad:
            for path in added:
                path.unlink(missing_ok=True)
            raise _damaged(
                archive_path,
                f"a row of table {bad.table} cannot be stored ({bad.reason})",
                f"แถวในตาราง {bad.table} บันทึกไม่ได้ ({bad.reason})",
            ) from bad
        except BaseException:
            for path in added:
                path.unlink(missing_ok=True)
            raise
        return ImportResult(
            code=code,
            row_counts={n: len(rows[n]) for n in TABLES},  # as written
            photos=len(checked.photos),
            users_created=len(created),
        )


def _pin_unscoped_staff(connection: Connection) -> None:
    """A single-office install gaining a subdistrict: its staff of "every subdistrict" are
    pinned to the one already here first (``pin_unscoped_users``, in the import's
    transaction)."""
    from fieldsvc.storage.tenancy import pin_unscoped_users

    with Session(bind=connection) as session:
        pin_unscoped_users(session=session)
        session.flush()


def _own_scopes(
    connection: Connection,
    listed_rows: list[dict[str, Any]],
    users: dict[int, int],
    created: set[int],
) -> list[dict[str, Any]]:
    """The file's ``user_subdistrict`` rows, without those of users reused by name who work
    for every subdistrict here (a row would narrow them to the newcomer alone)."""
    listed = _table("user_subdistrict")
    scoped = {int(i) for i in connection.execute(select(listed.c.user_id).distinct()).scalars()}
    keep = scoped | created
    return [r for r in listed_rows if users.get(int(r["user_id"])) in keep]


def _references_inside(rows: dict[str, list[dict[str, Any]]], name: str) -> bool:
    held = {n: {r["id"] for r in found if "id" in r} for n, found in rows.items()}
    for column, target in _references(_table(name)).items():
        for row in rows[name]:
            value = row.get(column)
            if value is not None and value not in held.get(target, set()):
                return False
    return True
