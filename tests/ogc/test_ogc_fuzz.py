"""Schemathesis over the /ogc OpenAPI document (the one QGIS and GDAL read): the document
loads as OpenAPI 3.0, and whatever the generated query, the server answers 2xx/4xx, never 5xx."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from tests.ogc.conftest import seed_bins

EXAMPLES_PER_OPERATION = 25


@pytest.mark.slow
def test_no_server_error_for_any_ogc_operation(engine: Engine, settings: Settings) -> None:
    with Session(engine, expire_on_commit=False) as session:
        place, _ = seed_bins(session, 50)
    app = create_app(settings, engine=engine)
    staff = {"Authorization": f"Bearer {place.staff_token}"}
    schema = schemathesis.openapi.from_asgi("/ogc/openapi", app, headers=staff)
    failures: list[str] = []
    paths: set[str] = set()
    answered: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        paths.add(operation.path)

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: Any) -> None:
            for headers in ({}, staff):
                try:
                    answer = case.call(headers=headers)
                except Exception as crash:  # the test client re-raises the server's exception
                    where = traceback.extract_tb(crash.__traceback__)[-1]
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.query}: {crash!r} "
                        f"at {where.filename}:{where.lineno}"
                    )
                    continue
                answered.append(answer.status_code)
                if answer.status_code >= 500:
                    failures.append(f"{case.formatted_path} {case.query} -> {answer.status_code}")

        no_server_error()
    # every collection's three paths, as the staff token sees the document (the walk leaves
    # out /openapi, the document itself)
    collections = (
        "villages",
        "bins",
        "recommended-sites",
        "traffy-tickets",
        "inspections",
        "held-surveys",
    )
    tails = ("", "/items", "/items/{featureId}")
    expected = {"/", "/conformance", "/collections"} | {
        f"/collections/{c}{tail}" for c in collections for tail in tails
    }
    assert paths == expected
    assert len(answered) >= 2 * len(paths) and {200, 400, 401, 404} <= set(answered)
    assert not failures, "\n".join(sorted(set(failures)))
