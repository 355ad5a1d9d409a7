"""Schemathesis over the whole OpenAPI document, as every kind of caller: whatever the
generated input, the server answers with a 2xx/3xx/4xx and never with a server error."""

from __future__ import annotations

import json
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
from fieldsvc.models import Role
from fieldsvc.storage.users import create_user
from tests.api.test_staff_public import seeded  # noqa: F401  (fixture)

#: Examples per operation and role: bounded so the whole run stays under a minute.
EXAMPLES_PER_OPERATION = 12


def _sendable(case: Any) -> bool:
    """JSON has no NaN or infinity: a generated body holding one is not a request any client
    could send (httpx refuses to encode it), so it is not sent."""
    try:
        json.dumps(case.body, allow_nan=False, default=str)
    except ValueError:
        return False
    return True


@pytest.mark.slow
def test_no_server_error_for_any_operation_and_role(
    engine: Engine,
    settings: Settings,
    seeded: dict[str, str],  # noqa: F811
) -> None:
    with Session(engine) as session:
        _, viewer = create_user(
            session=session, username="viewer1", display_name="ผู้ชม", role=Role.viewer
        )
        _, admin = create_user(
            session=session, username="admin1", display_name="ผู้ดูแล", role=Role.admin
        )
        session.commit()
    tokens = {"anonymous": None, "viewer": viewer, "admin": admin, **seeded}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings, engine=engine))
    failures: list[str] = []
    operations = 0
    calls = [0]
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: Any) -> None:
            if not _sendable(case):
                return
            for role, token in tokens.items():
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                try:
                    answer = case.call(headers=headers)
                except Exception as crash:  # the test client re-raises the server's exception
                    where = traceback.extract_tb(crash.__traceback__)[-1]
                    failures.append(
                        f"{role} {case.method} {case.formatted_path} {case.query}: {crash!r} "
                        f"at {where.filename}:{where.lineno}"
                    )
                    continue
                calls[0] += 1
                if answer.status_code >= 500:
                    failures.append(
                        f"{role} {case.method} {case.formatted_path} {case.query} "
                        f"-> {answer.status_code}"
                    )

        no_server_error()
    assert operations >= 20  # the whole API was walked
    assert calls[0] >= operations * len(tokens)
    assert not failures, "\n".join(sorted(set(failures)))
