"""Public pages are built once per state of the data they show, and answer 304 when unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import Channel, Condition, User, Village
from fieldsvc.services import public_data
from fieldsvc.storage.submissions import receive_submission
from tests.api.test_staff_public import LAT0, LON0, seeded  # noqa: F401  (fixture)

PUBLIC_FILES = [
    ("map", "/public/map.html"),
    ("villages.csv", "/public/data/villages.csv"),
    ("bins.csv", "/public/data/bins.csv"),
    ("plan.csv", "/public/data/plan.csv"),
    ("villages.geojson", "/public/data/villages.geojson"),
    ("bins.geojson", "/public/data/bins.geojson"),
    ("metadata.json", "/public/data/metadata.json"),
    ("page", "/public"),
]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    public_data.clear_cache()
    yield
    public_data.clear_cache()


def _apply_survey(engine: Engine, settings: Settings, condition: Condition) -> None:
    """The village head of หมู่ 1 reports bin B-1 again; the survey is applied at once."""
    with Session(engine) as session:
        head = session.exec(select(User).where(User.username == "head1")).one()
        outcome = receive_submission(
            session=session,
            record=SurveyRecord(
                instance_id=f"uuid:7d7e2b8e-0000-4000-8000-00000000010{len(condition.value)}",
                form_id=BIN_SURVEY_FORM,
                channel=Channel.web,
                bin_code="B-1",
                village_number=1,
                lat=LAT0 + 0.005,
                lon=LON0 + 0.0051,
                accuracy_m=5.0,
                condition=condition,
                observed_at=datetime.now(UTC),
            ),
            raw_payload="{}",
            content_type="application/json",
            submitter=head,
            settings=settings,
        )
        session.commit()
        assert outcome.submission.applied


def test_each_public_answer_is_built_once_for_repeated_requests(
    client: TestClient,
    seeded: dict[str, str],  # noqa: F811
) -> None:
    before = public_data.BUILDS.copy()
    for kind, url in PUBLIC_FILES:
        first = client.get(url)
        second = client.get(url)
        assert first.status_code == second.status_code == 200, url
        assert first.content == second.content, url
        assert public_data.BUILDS[kind] - before[kind] == 1, kind


def test_a_new_survey_rebuilds_the_public_files(
    client: TestClient,
    seeded: dict[str, str],  # noqa: F811
    engine: Engine,
    settings: Settings,
) -> None:
    assert "B-1,1,general,usable" in client.get("/public/data/bins.csv").text
    client.get("/public/map.html")
    builds = public_data.BUILDS.copy()
    _apply_survey(engine, settings, Condition.missing)
    assert "B-1,1,general,missing" in client.get("/public/data/bins.csv").text
    assert "missing" in client.get("/public/data/bins.geojson").text
    client.get("/public/map.html")
    client.get("/public/map.html")
    assert public_data.BUILDS["bins.csv"] - builds["bins.csv"] == 1
    assert public_data.BUILDS["map"] - builds["map"] == 1


def test_a_village_renamed_in_place_rebuilds_the_page(
    client: TestClient,
    seeded: dict[str, str],  # noqa: F811
    engine: Engine,
) -> None:
    assert "บ้านหนึ่ง" in client.get("/public").text
    with Session(engine) as session:
        village = session.exec(select(Village).where(Village.number == 1)).one()
        village.name = "บ้านหนึ้ง"  # as long as before: only the rename itself tells
        session.add(village)
        session.commit()
    page = client.get("/public").text
    assert "บ้านหนึ้ง" in page and "บ้านหนึ่ง" not in page
    assert "บ้านหนึ้ง" in client.get("/public/data/villages.csv").text


def test_an_office_rename_of_the_same_length_by_another_process_is_seen(
    seeded: dict[str, str],  # noqa: F811
    engine: Engine,
) -> None:
    """``fieldsvc subdistrict set-office`` run while the server runs: this process's
    generation does not move, the names themselves are in the version."""

    def rename(name: str) -> str:
        with Session(engine) as session:
            session.connection().execute(
                text("UPDATE subdistrict SET office_name = :n"), {"n": name}
            )
            session.commit()
            return public_data.data_version(session=session)

    first, second = rename("อบต.หนองก"), rename("อบต.หนองข")
    assert first != second


def test_unchanged_files_answer_304_to_their_etag_and_changed_ones_200(
    client: TestClient,
    seeded: dict[str, str],  # noqa: F811
    engine: Engine,
    settings: Settings,
) -> None:
    tags = {}
    for _, url in PUBLIC_FILES:
        first = client.get(url)
        tags[url] = first.headers["etag"]
        assert first.headers["cache-control"] == "no-cache", url
        again = client.get(url, headers={"If-None-Match": tags[url]})
        assert again.status_code == 304, url
        assert again.content == b"" and again.headers["etag"] == tags[url]
        weak = client.get(url, headers={"If-None-Match": f'"other", W/{tags[url]}'})
        assert weak.status_code == 304, url
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    _apply_survey(engine, settings, Condition.overflowing)
    for _, url in PUBLIC_FILES:
        changed = client.get(url, headers={"If-None-Match": tags[url]})
        assert changed.status_code == 200, url
        assert changed.headers["etag"] != tags[url], url


def test_downloads_keep_their_file_names(
    client: TestClient,
    seeded: dict[str, str],  # noqa: F811
) -> None:
    bins = client.get("/public/data/bins.csv")
    assert bins.headers["content-disposition"] == 'attachment; filename="bins.csv"'
    assert bins.headers["content-type"] == "text/csv; charset=utf-8"
    geojson = client.get("/public/data/villages.geojson")
    assert geojson.headers["content-type"] == "application/geo+json"
    assert geojson.json()["metadata"]["datasets"][0]["name"] == "villages"
