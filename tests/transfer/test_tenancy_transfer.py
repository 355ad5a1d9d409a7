"""A subdistrict of an install that serves several, moved whole and back: its rows keep naming
it (``subdistrict_id`` points at its new id), its allocation plans and the subdistricts of its
users travel with it, and a single-office install taking it in first pins its own staff to
the subdistrict already there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from fieldsvc.config import Settings
from fieldsvc.models import Role, User
from fieldsvc.services.subdistrict_transfer import export_subdistrict, import_subdistrict
from fieldsvc.services.workplace import workplace_for
from fieldsvc.storage.tenancy import subdistrict_ids_of
from fieldsvc.storage.users import get_user
from tests.live import empty_all_tables
from tests.transfer.builders import Built, add_tenancy_rows, build_subdistrict
from tests.transfer.test_subdistrict_transfer import COMPARED, _value, install, media_files

TENANCY = ("allocation_plan", "plan_item", "plan_item_event", "plan_item_bin", "user_subdistrict")
CODE_A, CODE_B = "300101", "300102"
#: A plan's JSON lists and the ids they name.
PLAN_JSON = {"villages", "recommendations", "deferred"}
PLAN_IDS = {"village_id": "village", "bin_id": "bin"}


def snapshot(engine: Engine) -> dict[str, list[Any]]:
    """Every row of the subdistrict tables, ids replaced by the row's place in id order,
    references (and the ids inside a plan's JSON lists) by the place of the row they point
    at, users by their name."""
    tables = SQLModel.metadata.tables
    names = (*COMPARED, *TENANCY)
    with engine.connect() as connection:
        raw = {}
        for name in (*names, "appuser"):
            table = tables[name]
            order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
            raw[name] = [
                dict(r._mapping) for r in connection.execute(select(table).order_by(*order))
            ]
    rank = {n: {r["id"]: i for i, r in enumerate(rows) if "id" in r} for n, rows in raw.items()}
    usernames = {r["id"]: r["username"] for r in raw["appuser"]}

    def plan_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                k: (rank[PLAN_IDS[k]][int(v)] if k in PLAN_IDS and v is not None else v)
                for k, v in row.items()
            }
            for row in rows
        ]

    out: dict[str, list[Any]] = {}
    for name in names:
        targets = {
            c.name: fk.column.table.name for c in tables[name].columns for fk in c.foreign_keys
        }
        rows = []
        for row in raw[name]:
            shaped = {}
            for key, value in row.items():
                if key == "id":
                    continue
                if key in targets and value is not None:
                    target = targets[key]
                    value = usernames[value] if target == "appuser" else rank[target][value]
                elif name == "allocation_plan" and key in PLAN_JSON:
                    value = plan_rows(value)
                shaped[key] = _value(value)
            rows.append(shaped)
        if name in ("uservillage", "user_subdistrict"):
            rows.sort(key=lambda r: sorted(r.items()))
        out[name] = rows
    return out


def _build(engine: Engine, settings: Settings, code: str, x0: float) -> Built:
    with Session(engine, expire_on_commit=False) as session:
        built = build_subdistrict(session, settings, code=code, x0=x0)
        add_tenancy_rows(session, code=code)
        return built


def _scopes(engine: Engine) -> dict[str, list[str] | None]:
    with Session(engine) as session:
        found: dict[str, list[str] | None] = {}
        for user in session.exec(select(User).where(User.role != Role.village_head)).scalars():
            ids = subdistrict_ids_of(session=session, user=user)
            codes = None
            if ids is not None:
                codes = sorted(s.code for s in workplace_for(session=session, user=user).choices)
            found[user.username] = codes
        return found


def test_a_subdistrict_of_many_goes_to_its_own_install_and_back(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    province = install(tmp_path, "province", database_url)
    # B alone first: how B looks in an install of its own.
    built_b = _build(engine, province, CODE_B, 102.1)
    only_b = snapshot(engine)
    empty_all_tables(engine)
    built_a = _build(engine, province, CODE_A, 102.0)
    only_a = snapshot(engine)
    _build(engine, province, CODE_B, 102.1)
    both = snapshot(engine)
    assert len(only_b["allocation_plan"]) == 1 and len(both["plan_item_bin"]) == 2
    assert both["bin"][-1]["village_id"] is None  # B's bin outside every village travels too

    file_b = tmp_path / "b.zip"
    exported = export_subdistrict(settings=province, engine=engine, code=CODE_B, out=file_b)
    assert exported.row_counts["allocation_plan"] == 1
    assert exported.row_counts["user_subdistrict"] == 1
    assert exported.row_counts["bin"] == 4

    # Into an empty install of its own: every row and photo as in B alone.
    empty_all_tables(engine)
    single = install(tmp_path, "single", database_url)
    import_subdistrict(settings=single, engine=engine, archive_path=file_b)
    assert snapshot(engine) == only_b
    assert media_files(single) == built_b.photos
    assert _scopes(engine)["staff02"] == [CODE_B]

    # Exported again there, and taken back by an install that held A alone (as the province
    # was before B joined), whose office staff worked for "every subdistrict".
    file_back = tmp_path / "back.zip"
    export_subdistrict(settings=single, engine=engine, code=CODE_B, out=file_back)
    empty_all_tables(engine)
    back = install(tmp_path, "back", database_url)
    _build(engine, back, CODE_A, 102.0)
    assert snapshot(engine) == only_a
    with Session(engine) as session:
        session.add(User(username="office", display_name="สำนักงาน", role=Role.admin))
        session.commit()
    import_subdistrict(settings=back, engine=engine, archive_path=file_back)
    after = snapshot(engine)
    assert {k: v for k, v in after.items() if k != "user_subdistrict"} == {
        k: v for k, v in both.items() if k != "user_subdistrict"
    }
    assert media_files(back) == {**built_a.photos, **built_b.photos}
    scopes = _scopes(engine)
    assert scopes["staff02"] == [CODE_B]  # B's users see B there
    assert scopes["staff01"] == [CODE_A]
    # pinned to A before B arrived: the office does not start seeing B
    assert scopes["office"] == [CODE_A]
    assert scopes["surveyor"] == [CODE_A]
    with Session(engine) as session:
        staff_b = get_user(session=session, username="staff02")
        place = workplace_for(session=session, user=staff_b)
        assert place.code == CODE_B
