"""The fiscal year's charts on the staff dashboard and the public page, and the series download.

The register is the one of ``tests/test_coverage_history_service.py``: bin B1 serves village 1
from 5 Oct 2026 and is found damaged on 15 Nov; village 2 has no bin before 1 Dec.
"""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from tests.signin import sign_in
from tests.test_coverage_history_service import _seed


def test_dashboard_and_public_page_show_the_year_charts_and_staff_download_the_series(
    client: TestClient, engine: Engine, staff_token: str
) -> None:
    with Session(engine) as session:
        _seed(session)
    public = client.get("/public")
    assert public.status_code == 200
    assert public.text.count("<svg") == 4  # the area's coverage and capacity, each village
    assert "ความครอบคลุม ปีงบประมาณ 25" in public.text  # this fiscal year's
    assert "ต.ค." in public.text and "ก.ย." in public.text

    sign_in(client, staff_token)
    dashboard = client.get("/staff?fiscal_year=2570")
    assert dashboard.status_code == 200
    assert dashboard.text.count("<svg") == 4  # area ×2, then one per village
    assert "หมู่ที่ 2 บ้านสอง" in dashboard.text

    answer = client.get("/staff/export/coverage-series.csv?fiscal_year=2570")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    general = {
        (r["as_of"], r["number"]): float(r["households_covered"])
        for r in rows
        if r["stream"] == "general"
    }
    assert general[("2026-10-31", "1")] == 20
    assert general[("2026-10-31", "2")] == 0
    assert general[("2026-11-30", "1")] == 0  # B1 damaged on 15 Nov

    area = client.get("/staff/export/coverage-series.json?fiscal_year=2570&by=area").json()
    october = next(r for r in area if r["as_of"] == "2026-10-31" and r["stream"] == "general")
    assert october["households_covered"] == 20
    assert october["bins_usable"] == 1

    bad = client.get("/staff/export/coverage-series.json?fiscal_year=70")
    assert bad.status_code in (400, 422)
    assert "fiscal_year" in bad.text
