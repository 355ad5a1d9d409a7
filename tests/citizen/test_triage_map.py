"""Villages with many open reports stand out on the staff map and the dashboard counts them;
the public map shows no report."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from fieldsvc.maps.report_layers import MANY_COLOR, REPORT_LAYER_NAMES
from tests.citizen.test_triage import NAME, PHONE, Triage, triage  # noqa: F401


def _plain(text: str) -> str:
    """The map document with its script strings' escapes undone (\\uXXXX and \\")."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)
    return text.replace('\\"', '"')


def _badges(text: str) -> list[int]:
    return sorted(int(n) for n in re.findall(r'class="report-count"[^>]*>(\d+)<', text))


def test_the_staff_map_counts_open_reports_per_village_and_marks_each_report(
    triage: Triage,  # noqa: F811
) -> None:
    client: TestClient = triage.client
    text = _plain(client.get("/staff/map.html", headers=triage.headers("staff")).text)
    assert REPORT_LAYER_NAMES["counts"] in text and REPORT_LAYER_NAMES["reports"] in text
    assert _badges(text) == [1, 3]  # หมู่ 1: three open reports, หมู่ 2: one, หมู่ 3: none
    for ticket in triage.tickets.values():
        assert f"/staff/reports/{ticket}" in text
    assert NAME not in text and PHONE not in text
    # below the default threshold (5): no village is outlined red
    assert f"background:{MANY_COLOR}" not in text.split('class="report-legend"')[0]
    # a closed report leaves the map and the count
    triage.act(triage.tickets["dump2"], action="status", status="done")
    text = _plain(client.get("/staff/map.html", headers=triage.headers("staff")).text)
    assert _badges(text) == [3]
    assert f"/staff/reports/{triage.tickets['dump2']}" not in text


def test_a_village_with_many_open_reports_is_outlined_red(app_for, triage: Triage) -> None:  # noqa: F811
    client = app_for(citizen_many_open_reports=3)
    text = _plain(client.get("/staff/map.html", headers=triage.headers("staff")).text)
    # the badge of หมู่ 1 (3 reports) is red, หมู่ 2's (1 report) orange
    assert re.search(rf"background:{MANY_COLOR}[^>]*>3<", text)
    assert re.search(r"background:#ef6c00[^>]*>1<", text)


def test_the_dashboard_and_the_queue_show_open_reports_per_village(triage: Triage) -> None:  # noqa: F811
    page = triage.client.get("/staff", headers=triage.headers("staff")).text
    table = page.split('id="open-reports"')[1].split("</table>")[0]
    rows = re.findall(
        r'<td class="num">(\d*)</td><td>.*?</td>\s*<td class="num[^"]*">(\d+)</td>', table, re.S
    )
    assert rows == [("1", "3"), ("2", "1"), ("3", "0")]
    queue = triage.client.get("/staff/reports", headers=triage.headers("staff")).text
    assert "เรื่องที่ประชาชนแจ้ง" in queue
    for ticket in triage.tickets.values():
        assert ticket in queue


def test_the_public_map_shows_accepted_reports_only(triage: Triage) -> None:  # noqa: F811
    text = _plain(triage.client.get("/public/map.html").text)
    # the staff layers (counts per village, every open report) stay off the public map …
    assert REPORT_LAYER_NAMES["counts"] not in text
    assert triage.tickets["pending"] not in text
    assert NAME not in text and PHONE not in text
    # … which shows the reports staff accepted, from their public fields
    assert triage.tickets["full"] in text
