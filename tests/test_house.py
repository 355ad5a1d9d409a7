"""The shape of the house: the web layer parses and answers; use cases query and commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsvc.api.schemas.corrections import CorrectionIn, correction_from_form
from fieldsvc.errors import InvalidInput
from fieldsvc.models import Condition

API_DIR = Path(__file__).resolve().parents[1] / "fieldsvc" / "api"
#: A route or web helper holding one of these runs SQL, opens sessions or commits itself.
FORBIDDEN_IN_API = ("select(", ".commit(", "Session(")


def test_no_sql_sessions_or_commits_in_the_api() -> None:
    files = sorted(API_DIR.rglob("*.py"))
    assert len(files) > 10  # the scan really sees the routes
    found = [
        f"{path.relative_to(API_DIR)}:{number}: {text.strip()}"
        for path in files
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(word in text for word in FORBIDDEN_IN_API)
    ]
    assert found == []


def test_route_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text().splitlines()) for p in (API_DIR / "routes").glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_review_page_form_reads_as_the_api_schema() -> None:
    form = {
        "bin_code": " SB-0101 ",
        "village_number": "3",
        "condition": "damaged",
        "capacity_l": "",
        "comment": " lid broken ",
    }
    assert correction_from_form(form) == CorrectionIn(
        bin_code="SB-0101", village=3, condition=Condition.damaged, comment="lid broken"
    )
    assert correction_from_form(form).changed_fields() == {
        "bin_code": "SB-0101",
        "village": 3,
        "condition": Condition.damaged,
    }


def test_review_page_form_names_a_bad_box() -> None:
    with pytest.raises(InvalidInput) as caught:
        correction_from_form({"capacity_l": "240 litres"})
    assert caught.value.field == "capacity_l"
    assert "'240 litres' is not a valid int" in str(caught.value)
