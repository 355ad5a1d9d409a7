"""The public answers of one subdistrict are versioned by that subdistrict's rows only.

A national install serves 7,850 subdistricts: a request for ``/public/<code>`` must not read
(or be rebuilt by) the other subdistricts' rows, and every change of its own rows — including
one made by another process, which this process's generation counter never hears of — must
give it a new version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord, Household, Village
from fieldsvc.services import public_data
from tests.intake.conftest import add_bin
from tests.tenancy.conftest import TwoSubdistricts


def _versions(session: Session, two: TwoSubdistricts) -> tuple[str, str]:
    session.expire_all()
    return (
        public_data.data_version(session=session, subdistrict_id=two.a.subdistrict.id),
        public_data.data_version(session=session, subdistrict_id=two.b.subdistrict.id),
    )


def _household(village_id: int, ref: str) -> Callable[[Session], None]:
    def add(session: Session) -> None:
        session.add(Household(ref=ref, village_id=village_id, persons=4, lon=103.3, lat=16.3))
        session.commit()

    return add


def _plan(subdistrict_id: int | None) -> Callable[[Session], None]:
    def add(session: Session) -> None:
        session.add(
            AllocationPlanRecord(
                subdistrict_id=subdistrict_id,
                version=1,
                title="แผน",
                fiscal_year_be=2570,
                status="published",
                budget_baht=1000.0,
                recommendations=[],
            )
        )
        session.commit()

    return add


def _raw(sql: str, **values: object) -> Callable[[Session], None]:
    """A change made behind the ORM's back, as another process (the command line, a second
    server worker) makes it: this process's generation counter does not move."""

    def run(session: Session) -> None:
        session.connection().execute(text(sql), values)
        session.commit()

    return run


@pytest.mark.parametrize(
    "change",
    ["bin", "household", "plan", "office_rename_same_length", "village_figure"],
)
def test_a_change_of_one_subdistrict_moves_its_version_only(
    session: Session, two: TwoSubdistricts, change: str
) -> None:
    add_bin(session, "NB-0101", 16.305, 103.305)  # A's หมู่ 1
    add_bin(session, "NB-0201", 16.305, 103.345)  # B's หมู่ 1
    for side, other in (("b", "a"), ("a", "b")):
        mine = getattr(two, side)
        code = "1" if side == "a" else "2"
        changes: dict[str, Callable[[Session], None]] = {
            "bin": lambda s, m=mine, c=code: add_bin(  # type: ignore[misc]
                s, f"NB-0{c}02", 16.305, 103.305 if c == "1" else 103.345
            ),
            "household": _household(mine.village_ids[1], f"HH-{side}"),
            "plan": _plan(mine.subdistrict.id),
            # the same number of letters: only the names themselves tell the versions apart
            "office_rename_same_length": _raw(
                "UPDATE subdistrict SET office_name = :name WHERE id = :id",
                name=f"อบต.ทดสอบ{side}",
                id=mine.subdistrict.id,
            ),
            "village_figure": _raw(
                "UPDATE village SET households = 77 WHERE id = :id", id=mine.village_ids[1]
            ),
        }
        before = dict(zip("ab", _versions(session, two), strict=True))
        generation = public_data._generation
        changes[change](session)
        if change in ("office_rename_same_length", "village_figure"):
            assert public_data._generation == generation  # only the database can tell
        after = dict(zip("ab", _versions(session, two), strict=True))
        assert after[side] != before[side], f"{change} in {side} not seen"
        if change in ("office_rename_same_length", "village_figure"):
            # behind the ORM's back nothing else moves: the other side keeps its version
            assert after[other] == before[other], f"{change} in {side} moved {other}"


def test_an_inspection_elsewhere_leaves_the_version_alone(
    session: Session, two: TwoSubdistricts
) -> None:
    a_bin = add_bin(session, "NB-0101", 16.305, 103.305)
    b_bin = add_bin(session, "NB-0201", 16.305, 103.345)
    insert = (
        "INSERT INTO inspection (bin_id, observed_at, condition, source) "
        "VALUES (:bin, '2026-11-02 05:00:00', 'damaged', 'staff')"
    )
    before = _versions(session, two)
    _raw(insert, bin=b_bin.id)(session)
    middle = _versions(session, two)
    assert middle[0] == before[0] and middle[1] != before[1]
    _raw(insert, bin=a_bin.id)(session)
    after = _versions(session, two)
    assert after[0] != middle[0] and after[1] == middle[1]


@pytest.fixture
def client(settings: Settings, engine: Engine, two: TwoSubdistricts) -> Iterator[TestClient]:
    public_data.clear_cache()
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def test_a_subdistrict_page_is_not_rebuilt_by_another_subdistricts_survey(
    client: TestClient, session: Session, two: TwoSubdistricts
) -> None:
    a, b = two.a.subdistrict.code, two.b.subdistrict.code
    first_a = client.get(f"/public/{a}/data/bins.csv")
    first_b = client.get(f"/public/{b}/data/bins.csv")
    assert first_a.status_code == first_b.status_code == 200
    builds = public_data.BUILDS.copy()
    add_bin(session, "NB-0201", 16.305, 103.345)  # a new bin in B
    again_a = client.get(f"/public/{a}/data/bins.csv")
    again_b = client.get(f"/public/{b}/data/bins.csv")
    assert again_a.headers["etag"] == first_a.headers["etag"]
    assert again_b.headers["etag"] != first_b.headers["etag"]
    assert "NB-0201" in again_b.text and "NB-0201" not in again_a.text
    built = public_data.BUILDS - builds
    assert built == {"bins.csv@" + str(two.b.subdistrict.id): 1}


def test_a_same_length_village_rename_through_the_app_rebuilds_only_its_subdistrict(
    session: Session, two: TwoSubdistricts
) -> None:
    """Figures unchanged (the same number of letters): this process's per-subdistrict
    generation is what tells A's answers apart, and B's stay as they were."""
    village = session.get(Village, two.a.village_ids[1])
    assert village is not None
    before = _versions(session, two)
    village.name = village.name[::-1]
    session.add(village)
    session.commit()
    after = _versions(session, two)
    assert after[0] != before[0]
    assert after[1] == before[1]


def test_the_index_of_subdistricts_is_versioned_by_the_subdistricts_alone(
    client: TestClient, session: Session, two: TwoSubdistricts
) -> None:
    first = client.get("/public")
    assert first.status_code == 200 and "ตำบลโนนสูง" in first.text
    builds = public_data.BUILDS["index"]
    _raw(
        "INSERT INTO inspection (bin_id, observed_at, condition, source) "
        "VALUES (:bin, '2026-11-02 05:00:00', 'damaged', 'staff')",
        bin=add_bin(session, "NB-0201", 16.305, 103.345).id,
    )(session)
    assert client.get("/public").headers["etag"] == first.headers["etag"]
    assert public_data.BUILDS["index"] == builds
    # a rename of the same length made by another process is still seen
    _raw("UPDATE subdistrict SET name = 'ตำบลโนนต่ำ' WHERE id = :id", id=two.b.subdistrict.id)(
        session
    )
    renamed = client.get("/public")
    assert renamed.headers["etag"] != first.headers["etag"]
    assert "ตำบลโนนต่ำ" in renamed.text and public_data.BUILDS["index"] == builds + 1
