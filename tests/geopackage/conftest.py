"""The synthetic sample subdistrict (10 villages, its bins, sample surveys and a published plan),
with personal data planted where it must not travel, exported once as GeoPackages in WGS 84
and in UTM; the expected figures are counted from the database with SQL of their own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.models import Household, Inspection, User
from fieldsvc.services.demo import prepare_demo
from fieldsvc.services.register_export import write_register_geopackage
from tests.live import empty_all_tables

#: Personal data planted in the register; none of it may appear anywhere in the file.
PLANTED_PHONE = "0812345678"
PLANTED_HOUSE_NO = "99/123-ZZ"
PLANTED_NOTE = "โทรหาคุณสมศรี 0899999999"


@dataclass(frozen=True)
class Exported:
    wgs84: Path
    utm: Path
    villages: dict[int, str]  # number → Thai name
    bins: int
    inspections: int
    inspections_with_inspector: int
    plan_sites: int
    plan_id: int


@pytest.fixture(scope="module")
def exported(
    migrated_engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Exported]:
    folder = tmp_path_factory.mktemp("gpkg")
    settings = Settings(data_dir=folder / "var", database_url=database_url)
    empty_all_tables(migrated_engine)
    with Session(migrated_engine, expire_on_commit=False) as session:
        demo = prepare_demo(session=session, settings=settings, today=date(2026, 11, 20))
        assert demo.plan_title is not None
        user = session.exec(select(User).where(User.username == "demo-admin")).one()
        user.phone = PLANTED_PHONE
        household = session.exec(select(Household)).first()
        assert household is not None
        household.house_no = PLANTED_HOUSE_NO
        inspection = session.exec(select(Inspection)).first()
        assert inspection is not None
        inspection.note = PLANTED_NOTE
        session.add_all([user, household, inspection])
        session.commit()
    with migrated_engine.connect() as db:
        villages = {
            int(n): str(name) for n, name in db.execute(text("SELECT number, name FROM village"))
        }
        bins = db.execute(text("SELECT count(*) FROM bin")).scalar_one()
        inspections = db.execute(text("SELECT count(*) FROM inspection")).scalar_one()
        with_inspector = db.execute(
            text(
                "SELECT count(*) FROM inspection i JOIN submission s ON s.id = i.submission_id "
                "WHERE s.submitter_id IS NOT NULL"
            )
        ).scalar_one()
        plan_id, recommendations = db.execute(
            text("SELECT id, recommendations FROM allocation_plan WHERE status = 'published'")
        ).one()
    if isinstance(recommendations, str):  # SQLite hands JSON back as text
        import json

        recommendations = json.loads(recommendations)
    sites = sum(1 for row in recommendations if row.get("lon") is not None)
    with Session(migrated_engine) as session:
        write_register_geopackage(session=session, settings=settings, out=folder / "office.gpkg")
        write_register_geopackage(
            session=session, settings=settings, out=folder / "office-utm.gpkg", crs="utm"
        )
    yield Exported(
        wgs84=folder / "office.gpkg",
        utm=folder / "office-utm.gpkg",
        villages=villages,
        bins=int(bins),
        inspections=int(inspections),
        inspections_with_inspector=int(with_inspector),
        plan_sites=sites,
        plan_id=int(plan_id),
    )
    empty_all_tables(migrated_engine)
