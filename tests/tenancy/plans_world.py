"""The two-subdistrict world with a register in each: households and bins in A's three
villages and B's two, so coverage and plans have something to say in both.

A: 4 households and 1 usable bin in each of หมู่ 1–3 (bins A-1…A-3).
B: 3 households in each of หมู่ 1–2 and no bin at all: every plan of B adds bins there.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import BinCreate, Condition, Household, Stream
from fieldsvc.storage.register import create_bin
from tests.tenancy.conftest import TwoSubdistricts

#: Village centres (lon, lat) by subdistrict letter and village number.
CENTRES = {
    "a": {1: (103.305, 16.305), 2: (103.315, 16.305), 3: (103.325, 16.305)},
    "b": {1: (103.345, 16.305), 2: (103.355, 16.305)},
}
A_VILLAGE_NAMES = ("บ้านหนองบัว", "บ้านโนนสะอาด", "บ้านดอนแดง")
B_VILLAGE_NAMES = ("บ้านหนองใหญ่", "บ้านโคกกลาง")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def fill_registers(session: Session, two: TwoSubdistricts) -> None:
    """Households in every village of both subdistricts; one usable bin per village of A."""
    for letter, households_each in (("a", 4), ("b", 3)):
        ids = (two.a if letter == "a" else two.b).village_ids
        for number, (lon, lat) in CENTRES[letter].items():
            for k in range(households_each):
                session.add(
                    Household(
                        ref=f"{letter}-{number}-{k}",
                        village_id=ids[number],
                        lon=lon + 0.0003 * k,
                        lat=lat + 0.0002,
                        persons=4,
                    )
                )
    for number, (lon, lat) in CENTRES["a"].items():
        create_bin(
            session=session,
            bin_in=BinCreate(
                code=f"A-{number}",
                lon=lon,
                lat=lat,
                capacity_l=240,
                stream=Stream.general,
                condition=Condition.usable,
                village_id=two.a.village_ids[number],
            ),
        )
    session.commit()


def open_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client of the app on the test database (the modules' ``client`` fixture)."""
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as open_client:
        yield open_client
