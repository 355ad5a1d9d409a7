"""A register of three subdistricts (two in province 34, one in 30), national runs stored, and
the overview's every figure counted by hand (``EXPECTED``).

Thai time is UTC+7: the Thai month of December 2569 (2026) starts at 2026-11-30 17:00 UTC, so
the surveys at 17:30 and 18:00 UTC on 30 November count in December, the one at 16:30 UTC in
November.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.models import (
    Bin,
    Condition,
    Household,
    Inspection,
    InspectionSource,
    NationalResult,
    NationalRun,
    Stream,
    Subdistrict,
    Village,
)

#: 2026-12-01 03:00 in Thailand: "this month" is December 2569.
NOW_DECEMBER = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
#: 2026-11-30 23:59 in Thailand: "this month" is still November.
NOW_NOVEMBER = datetime(2026, 11, 30, 16, 59, tzinfo=UTC)

#: By hand, for NOW_DECEMBER. Households: A's หมู่ 1 has 10 registered, หมู่ 2 no count and
#: household points weighing 1 + 1 + 2 = 4 → 14. Coverage: A from run 1 (run 2 is still
#: running), C from run 3 (the latest finished with C done; ended 2026-11-25 18:00 UTC, the
#: 26th in Thailand); B failed in run 1 and is in no other run. Surveys: A's survey
#: inspections at 17:30, 18:00, 19:00 UTC on 30 Nov (bins A1, A2, A1 → 3 surveys of 2 bins);
#: not the 16:30 one (November in Thailand) nor A3's inventory import; B's only survey was in
#: October.
EXPECTED: dict[str, dict[str, Any]] = {
    "340101": {
        "name": "ตำบลหนึ่ง",
        "district": "อำเภอเมือง",
        "villages": 2,
        "households": 14.0,
        "covered_share": 0.8,
        "capacity_ratio": 1.25,
        "computed": True,
        "run_id": "run1",
        "computed_on": date(2026, 11, 20),
        "bins_total": 4,
        "bins_usable": 2,
        "surveys_this_month": 3,
        "bins_surveyed_this_month": 2,
    },
    "340102": {
        "name": "ตำบลสอง",
        "district": "อำเภอเมือง",
        "villages": 1,
        "households": 20.0,
        "covered_share": None,
        "capacity_ratio": None,
        "computed": False,
        "run_id": None,
        "computed_on": None,
        "bins_total": 1,
        "bins_usable": 1,
        "surveys_this_month": 0,
        "bins_surveyed_this_month": 0,
    },
    "300101": {
        "name": "ตำบลสาม",
        "district": "อำเภอเมืองนครราชสีมา",
        "villages": 1,
        "households": 5.0,
        "covered_share": 0.6,
        "capacity_ratio": 1.1,
        "computed": True,
        "run_id": "run3",
        "computed_on": date(2026, 11, 26),
        "bins_total": 0,
        "bins_usable": 0,
        "surveys_this_month": 0,
        "bins_surveyed_this_month": 0,
    },
}


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def build_province(session: Session) -> dict[str, int]:
    """The three subdistricts, their villages, bins, surveys and runs; returns the ids of the
    subdistricts (by code) and of the runs (``run1``…``run3``)."""
    a = Subdistrict(code="340101", name="ตำบลหนึ่ง", district="อำเภอเมือง", province="อุบลราชธานี")
    b = Subdistrict(code="340102", name="ตำบลสอง", district="อำเภอเมือง", province="อุบลราชธานี")
    c = Subdistrict(
        code="300101", name="ตำบลสาม", district="อำเภอเมืองนครราชสีมา", province="นครราชสีมา"
    )
    session.add_all([a, b, c])
    session.flush()
    assert a.id and b.id and c.id
    a1 = Village(subdistrict_id=a.id, number=1, name="บ้านหนึ่ง", households=10)
    a2 = Village(subdistrict_id=a.id, number=2, name="บ้านสอง", households=None)
    b1 = Village(subdistrict_id=b.id, number=1, name="บ้านบี", households=20)
    c1 = Village(subdistrict_id=c.id, number=1, name="บ้านซี", households=5)
    session.add_all([a1, a2, b1, c1])
    session.flush()
    for i, weight in enumerate((1.0, 1.0, 2.0)):
        session.add(Household(ref=f"HH-{i}", village_id=a2.id, lon=104.8, lat=15.2, weight=weight))
    # a household point in a village with a registered count does not add to it
    session.add(Household(ref="HH-a1", village_id=a1.id, lon=104.8, lat=15.2))

    def bin_(code: str, village: Village | None, condition: Condition) -> Bin:
        item = Bin(
            code=code,
            lon=104.8,
            lat=15.2,
            capacity_l=200,
            stream=Stream.general,
            condition=condition,
            village_id=village.id if village else None,
        )
        session.add(item)
        session.flush()
        return item

    bin_a1 = bin_("A1", a1, Condition.usable)
    bin_a2 = bin_("A2", a1, Condition.damaged)
    bin_a3 = bin_("A3", a2, Condition.usable)
    bin_("A4", a2, Condition.missing)
    bin_b1 = bin_("B1", b1, Condition.usable)
    bin_("LOOSE", None, Condition.usable)  # in no village: in no subdistrict's row

    def inspect(item: Bin, at: datetime, source: InspectionSource) -> None:
        assert item.id is not None
        session.add(
            Inspection(bin_id=item.id, observed_at=at, condition=item.condition, source=source)
        )

    survey = InspectionSource.survey
    inspect(bin_a1, _utc(2026, 11, 30, 16, 30), survey)  # 23:30 on 30 Nov in Thailand
    inspect(bin_a1, _utc(2026, 11, 30, 17, 30), survey)  # 00:30 on 1 Dec in Thailand
    inspect(bin_a2, _utc(2026, 11, 30, 18, 0), survey)
    inspect(bin_a1, _utc(2026, 11, 30, 19, 0), survey)
    inspect(bin_a3, _utc(2026, 11, 30, 18, 0), InspectionSource.inventory_import)
    inspect(bin_b1, _utc(2026, 10, 31, 9, 0), survey)

    run1 = NationalRun(
        kind="coverage",
        status="partial",
        subdistricts=3,
        finished=2,
        failed=1,
        started_at=_utc(2026, 11, 20, 2, 0),
        ended_at=_utc(2026, 11, 20, 3, 0),
    )
    run2 = NationalRun(kind="coverage", status="running", started_at=_utc(2026, 11, 29, 2, 0))
    run3 = NationalRun(
        kind="allocate",
        status="done",
        subdistricts=1,
        finished=1,
        started_at=_utc(2026, 11, 25, 17, 0),
        ended_at=_utc(2026, 11, 25, 18, 0),
    )
    session.add_all([run1, run2, run3])
    session.flush()

    def result(run: NationalRun, sid: int, status: str, **summary: float) -> None:
        assert run.id is not None
        error = "ValueError: no villages" if status == "failed" else None
        session.add(
            NationalResult(
                run_id=run.id, subdistrict_id=sid, status=status, error=error, summary=summary
            )
        )

    result(run1, a.id, "done", covered_share=0.8, capacity_ratio=1.25)
    result(run1, b.id, "failed")
    result(run1, c.id, "done", covered_share=0.5, capacity_ratio=0.9)
    result(run2, a.id, "done", covered_share=0.1, capacity_ratio=0.1)  # run not finished
    result(run3, c.id, "done", covered_share=0.6, capacity_ratio=1.1, budget_baht=20000.0)
    session.commit()
    return {"340101": a.id, "340102": b.id, "300101": c.id, "run1": run1.id or 0,
            "run2": run2.id or 0, "run3": run3.id or 0}  # fmt: skip


@pytest.fixture
def province(engine: Engine) -> dict[str, int]:
    """The register of ``EXPECTED`` in the test database; the ids it was given."""
    with Session(engine, expire_on_commit=False) as session:
        return build_province(session)
