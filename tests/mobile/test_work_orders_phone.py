"""The service unit's work-order page on a phone (360×640): the open orders with the overdue
one flagged, "done" marked with no signal and sent once the signal is back, and a mark whose
answer was lost sent again without a second "done"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from fieldsvc.models import Bin, Condition, Inspection, InspectionSource, WorkOrder
from fieldsvc.models.types import utc_now
from fieldsvc.models.work_order import WorkOrderEvent
from fieldsvc.services import work_orders
from fieldsvc.storage.register import record_inspection
from tests.mobile.conftest import ARTIFACTS, Live, PhoneMaker


def _found(live: Live, code: str, condition: Condition, when: datetime) -> int:
    with Session(live.engine, expire_on_commit=False) as session:
        bin_row = session.exec(select(Bin).where(Bin.code == code)).one()
        record_inspection(
            session=session,
            bin_row=bin_row,
            inspection=Inspection(
                bin_id=bin_row.id or 0,
                observed_at=when,
                condition=condition,
                source=InspectionSource.survey,
            ),
        )
        session.commit()
        order = session.exec(select(WorkOrder).where(WorkOrder.bin_id == bin_row.id)).one()
        return order.id or 0


def _done_events(live: Live) -> list[tuple[int, str | None]]:
    with Session(live.engine) as session:
        rows = session.exec(
            select(WorkOrderEvent)
            .where(WorkOrderEvent.action == "done")
            .order_by(col(WorkOrderEvent.id))
        )
        return [(e.order_id, e.mark_id) for e in rows]


def _statuses(live: Live) -> dict[int, str]:
    with Session(live.engine) as session:
        return {o.id or 0: str(o.status) for o in session.exec(select(WorkOrder))}


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_unit_marks_done_offline_and_each_mark_arrives_once(
    make_phone: PhoneMaker, live: Live
) -> None:
    # NB-0001 found damaged 10 days ago (repair: 7 days, overdue) and given to the nurse;
    # NB-0002 found overflowing an hour ago (extra collection: 24 h, not overdue).
    late = _found(live, "NB-0001", Condition.damaged, utc_now() - timedelta(days=10))
    fresh = _found(live, "NB-0002", Condition.overflowing, utc_now() - timedelta(hours=1))
    with Session(live.engine) as session:
        work_orders.assign_order(
            session=session,
            user=live.place.staff,
            order_id=late,
            assignee_id=live.place.staff.id or 0,
        )
    phone = make_phone()
    page = phone.page
    page.goto(f"{live.base}/m/orders.html#token={live.place.staff_token}")
    page.locator("html[data-ready='yes']").wait_for(state="attached")
    page.locator("html[data-sw='ready']").wait_for(state="attached")
    assert live.place.staff_token not in page.url
    assert page.locator("#orders-list li").count() == 2
    first = page.locator("#orders-list li").first  # the nurse's own order first
    assert first.get_attribute("data-order") == str(late)
    assert "เกินกำหนด" in first.inner_text() and "ซ่อมถัง" in first.inner_text()
    assert page.locator(f"li[data-order='{fresh}'] .badge-overdue").count() == 0
    assert page.locator("#orders-summary").inner_text() == "ใบงานค้าง 2 ใบ · เกินกำหนด 1 ใบ"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, "orders-01-list")

    # No signal: the page opens from the phone, and "done" waits in the phone's queue.
    phone.context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.locator("html[data-ready='yes']").wait_for(state="attached")
    assert page.locator("#orders-list li").count() == 2
    page.click(f"button[data-done='{late}']")
    page.locator("html[data-marks-waiting='1']").wait_for(state="attached")
    assert page.locator(f"li[data-order='{late}']").get_attribute("data-state") == "queued"
    assert page.locator("#net").is_visible()
    _shot(page, "orders-02-done-offline")
    page.reload()
    page.locator("html[data-marks-waiting='1']").wait_for(state="attached")
    assert _done_events(live) == []

    # Signal back: the mark is sent, once.
    phone.context.set_offline(False)
    page.locator("html[data-marks-waiting='0']").wait_for(state="attached")
    assert _statuses(live)[late] == "done"
    ((order_id, mark_id),) = _done_events(live)
    assert order_id == late and mark_id is not None and mark_id.startswith("wo:")

    # The answer to the next mark is lost on the way back: the phone keeps the mark and sends
    # the same one again; the server recognises it.
    calls: list[str] = []

    def lose_first_answer(route: Any) -> None:
        calls.append(route.request.post_data or "")
        if len(calls) == 1:
            route.fetch()  # the server receives it and answers …
            route.abort()  # … but the phone never hears
        else:
            route.continue_()

    page.route("**/api/v1/work-orders/*/done", lose_first_answer)
    with page.expect_event("requestfailed"):  # after the server's answer was dropped
        page.click(f"button[data-done='{fresh}']")
    page.locator("html[data-marks-waiting='1']").wait_for(state="attached")
    assert _statuses(live)[fresh] == "done"
    page.reload()  # or the next retry: the page sends waiting marks when it opens
    page.locator("html[data-marks-waiting='0']").wait_for(state="attached")
    assert len(calls) == 2 and calls[0] == calls[1]  # the same bytes, the same mark id
    assert [o for o, _ in _done_events(live)] == [late, fresh]
    assert page.locator(f"li[data-order='{fresh}']").get_attribute("data-state") == "done"
    _shot(page, "orders-03-sent")
    assert phone.foreign_requests() == []
    assert [e for e in phone.errors if "ERR_FAILED" not in e] == []


def test_village_head_sees_no_orders(make_phone: PhoneMaker, live: Live) -> None:
    _found(live, "NB-0001", Condition.damaged, datetime(2026, 11, 1, tzinfo=UTC))
    phone = make_phone()
    page = phone.page
    page.goto(f"{live.base}/m/orders.html#token={live.place.head_token}")
    page.locator("html[data-ready='yes']").wait_for(state="attached")
    assert page.locator("#orders-list li").count() == 0
    assert "เจ้าหน้าที่" in page.locator("#orders-problem").inner_text()
