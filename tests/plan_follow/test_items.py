"""Items of a published plan: made at publication, moved in order only, bins matched by stream,
size and distance, confirmed by staff; money and the fiscal year's figures for the ITA report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, Forbidden, NotFound
from fieldsvc.models import PlanItem, PlanItemEvent, PlanItemStage, Stream
from fieldsvc.models.types import utc_now
from fieldsvc.services import plan_progress, planning
from fieldsvc.services.plan_progress import plan_follow_through
from fieldsvc.storage.users import user_for_token
from tests.plan_follow.conftest import (
    FAR_DLAT,
    NEAR_DLAT,
    SITE_1,
    SITE_2,
    Followed,
    add_bin,
    new_plan,
)


def _progress(
    session: Session, settings: Settings, followed: Followed
) -> plan_progress.PlanProgress:
    return plan_progress.staff_plan_progress(
        session=session, settings=settings, plan_id=followed.plan_id
    )


def _suggested(session: Session, settings: Settings, followed: Followed) -> list[list[str]]:
    progress = _progress(session, settings, followed)
    return [[c.bin.code for c in row.suggestions] for row in progress.items]


def _move(session: Session, followed: Followed, row: int, stage: str, **kw: object) -> PlanItem:
    return plan_progress.move_item(
        session=session,
        user=followed.place.staff,
        plan_id=followed.plan_id,
        item_id=followed.item_ids[row],
        stage=PlanItemStage(stage),
        **kw,  # type: ignore[arg-type]
    )


def _decide(
    session: Session,
    settings: Settings,
    followed: Followed,
    row: int,
    code: str,
    confirm: bool = True,
) -> PlanItem:
    return plan_progress.decide_item_bin(
        session=session,
        settings=settings,
        user=followed.place.staff,
        plan_id=followed.plan_id,
        item_id=followed.item_ids[row],
        bin_code=code,
        confirm=confirm,
    )


def test_publishing_makes_one_item_per_row_approved_by_the_publisher(
    session: Session, followed: Followed
) -> None:
    items = session.exec(select(PlanItem).order_by(PlanItem.line)).all()
    assert [(i.line, i.reason, i.stream, i.capacity_l, i.count, i.planned_baht) for i in items] == [
        (0, "coverage", "general", 240, 2, 5000.0),
        (1, "replacement", "general", 200, 1, 1200.0),
        (2, "capacity", "recyclable", 120, 1, 2500.0),
    ]
    assert all(i.stage == PlanItemStage.approved for i in items)
    assert (items[2].lon, items[2].lat) == (None, None)
    events = session.exec(select(PlanItemEvent)).all()
    assert [(e.action, e.actor_id) for e in events] == [("approved", followed.place.staff.id)] * 3
    # publishing again (or a superseded plan published back) keeps the items it has
    plan = planning.get_plan(session=session, plan_id=followed.plan_id)
    planning.publish_plan(session=session, plan=plan)
    session.commit()
    assert len(session.exec(select(PlanItem)).all()) == 3


def test_a_draft_plan_has_no_items(
    session: Session, settings: Settings, followed: Followed
) -> None:
    draft = new_plan(session, followed.place, version=2)
    session.commit()
    assert draft.id is not None
    progress = plan_progress.staff_plan_progress(
        session=session, settings=settings, plan_id=draft.id
    )
    assert progress.items == [] and progress.planned_bins == 0


def test_a_new_bin_within_the_tolerance_is_suggested_and_one_outside_is_not(
    session: Session, settings: Settings, followed: Followed
) -> None:
    assert settings.plan_install_match_m == 30.0
    lon, lat = SITE_1
    add_bin(session, "NEAR-20M", lon, lat + NEAR_DLAT)
    add_bin(session, "FAR-45M", lon, lat + FAR_DLAT)
    progress = _progress(session, settings, followed)
    first = progress.items[0].suggestions
    assert [c.bin.code for c in first] == ["NEAR-20M"]
    assert first[0].distance_m == pytest.approx(20.02, abs=0.05)
    # a wider tolerance (Settings) takes the 45 m bin too, nearest first
    wide = settings.model_copy(update={"plan_install_match_m": 50.0})
    assert _suggested(session, wide, followed)[0] == ["NEAR-20M", "FAR-45M"]


def test_wrong_stream_wrong_size_old_and_missing_bins_are_not_suggested(
    session: Session, settings: Settings, followed: Followed
) -> None:
    lon, lat = SITE_1
    # a bin registered before the plan was published is not new
    plan = planning.get_plan(session=session, plan_id=followed.plan_id)
    before = add_bin(session, "BEFORE", lon, lat)
    before.created_at = plan.published_at.replace(year=2025) if plan.published_at else utc_now()
    session.add(before)
    session.commit()
    add_bin(session, "ORGANIC", lon, lat, stream=Stream.organic)
    add_bin(session, "SIZE-200", lon, lat, capacity_l=200)
    from fieldsvc.models import Condition

    add_bin(session, "MISSING", lon, lat, condition=Condition.missing)
    assert _suggested(session, settings, followed) == [[], [], []]
    add_bin(session, "RIGHT", lon, lat)
    assert _suggested(session, settings, followed) == [["RIGHT"], [], []]


def test_an_item_without_a_site_is_matched_in_its_village(
    session: Session, settings: Settings, followed: Followed
) -> None:
    v = followed.place.village_ids
    add_bin(
        session, "R-M3", 103.325, 16.305, stream=Stream.recyclable, capacity_l=120, village_id=v[3]
    )
    add_bin(
        session, "R-M2", 103.315, 16.305, stream=Stream.recyclable, capacity_l=120, village_id=v[2]
    )
    progress = _progress(session, settings, followed)
    assert [c.bin.code for c in progress.items[2].suggestions] == ["R-M3"]
    assert progress.items[2].suggestions[0].distance_m is None


def test_items_move_in_order_only_and_a_bad_move_names_the_stage(
    session: Session, followed: Followed
) -> None:
    with pytest.raises(Conflict) as skipped:
        _move(session, followed, 0, "delivered")
    assert skipped.value.field == "stage"
    assert skipped.value.details == {
        "value": "delivered",
        "current": "approved",
        "expected": "ordered",
    }
    assert "สั่งซื้อแล้ว" in skipped.value.message_th
    with pytest.raises(Conflict) as early:
        _move(session, followed, 0, "installed")
    assert early.value.field == "stage"
    assert _move(session, followed, 0, "ordered").stage == PlanItemStage.ordered
    for again in ("ordered", "approved"):
        with pytest.raises(Conflict) as repeated:
            _move(session, followed, 0, again)
        assert repeated.value.field == "stage"
        assert repeated.value.details["expected"] == "delivered"
    assert _move(session, followed, 0, "delivered").stage == PlanItemStage.delivered
    with pytest.raises(Conflict) as by_hand:
        _move(session, followed, 0, "installed")
    assert by_hand.value.code == "conflict" and by_hand.value.field == "stage"
    assert "0/2" in by_hand.value.message_th
    actions = [
        e.action
        for e in session.exec(
            select(PlanItemEvent).where(PlanItemEvent.item_id == followed.item_ids[0])
        )
    ]
    assert actions == ["approved", "ordered", "delivered"]


def test_staff_confirm_bins_and_the_item_is_installed_with_its_last_bin(
    session: Session, settings: Settings, followed: Followed
) -> None:
    lon, lat = SITE_1
    add_bin(session, "N-1", lon, lat + NEAR_DLAT)
    add_bin(session, "N-2", lon + 0.0001, lat)
    with pytest.raises(Conflict) as not_yet:
        _decide(session, settings, followed, 0, "N-1")
    assert not_yet.value.field == "stage"
    _move(session, followed, 0, "ordered")
    _move(session, followed, 0, "delivered")
    first = _decide(session, settings, followed, 0, "N-1")
    assert first.stage == PlanItemStage.delivered
    progress = _progress(session, settings, followed)
    assert progress.items[0].installed_bins == 1
    assert [c.bin.code for c in progress.items[0].suggestions] == ["N-2"]
    second = _decide(session, settings, followed, 0, "N-2")
    assert second.stage == PlanItemStage.installed
    progress = _progress(session, settings, followed)
    assert (progress.installed_bins, progress.planned_bins) == (2, 4)
    assert [b.code for b in progress.items[0].installed] == ["N-1", "N-2"]
    assert progress.items[0].suggestions == []
    events = progress.items[0].events
    assert [e.action for e in events] == [
        "approved",
        "ordered",
        "delivered",
        "bin_confirmed",
        "bin_confirmed",
        "installed",
    ]
    assert {e.actor_id for e in events} == {followed.place.staff.id}
    assert progress.bin_codes[events[3].bin_id or 0] == "N-1"
    with pytest.raises(Conflict) as full:
        _decide(session, settings, followed, 0, "N-2")
    assert full.value.field == "bin_code"


def test_a_bin_that_does_not_match_is_refused_and_a_turned_down_one_is_not_suggested_again(
    session: Session, settings: Settings, followed: Followed
) -> None:
    lon, lat = SITE_2
    _move(session, followed, 1, "ordered")
    _move(session, followed, 1, "delivered")
    add_bin(session, "FAR", lon, lat + FAR_DLAT, capacity_l=200)
    add_bin(session, "BIG", lon, lat, capacity_l=240)
    for code in ("FAR", "BIG"):
        with pytest.raises(Conflict) as refused:
            _decide(session, settings, followed, 1, code)
        assert refused.value.field == "bin_code"
        assert refused.value.details["expected"]["capacity_l"] == 200
    with pytest.raises(NotFound) as unknown:
        _decide(session, settings, followed, 1, "NO-SUCH-BIN")
    assert unknown.value.field == "bin_code"
    add_bin(session, "WRONG-ONE", lon, lat + NEAR_DLAT, capacity_l=200)
    assert _suggested(session, settings, followed)[1] == ["WRONG-ONE"]
    _decide(session, settings, followed, 1, "WRONG-ONE", confirm=False)
    assert _suggested(session, settings, followed)[1] == []


def test_a_bin_counts_for_one_item_only(
    session: Session, settings: Settings, followed: Followed
) -> None:
    lon, lat = SITE_2
    _move(session, followed, 1, "ordered")
    _move(session, followed, 1, "delivered")
    add_bin(session, "ONE", lon, lat, capacity_l=200)
    _decide(session, settings, followed, 1, "ONE")
    # the next plan version, published, has the same row; the bin is already counted
    second = new_plan(session, followed.place, version=2)
    planning.publish_plan(session=session, plan=second, published_by=followed.place.staff)
    session.commit()
    assert second.id is not None
    progress = plan_progress.staff_plan_progress(
        session=session, settings=settings, plan_id=second.id
    )
    row = progress.items[1].item
    assert progress.items[1].suggestions == []
    for stage in ("ordered", "delivered"):
        plan_progress.move_item(
            session=session,
            user=followed.place.staff,
            plan_id=second.id,
            item_id=row.id or 0,
            stage=PlanItemStage(stage),
        )
    with pytest.raises(Conflict) as taken:
        plan_progress.decide_item_bin(
            session=session,
            settings=settings,
            user=followed.place.staff,
            plan_id=second.id,
            item_id=row.id or 0,
            bin_code="ONE",
            confirm=True,
        )
    assert taken.value.field == "bin_code" and "ONE" in taken.value.message_th
    assert planning.get_plan(session=session, plan_id=followed.plan_id).status == "superseded"


def test_money_committed_once_ordered_and_spent_once_delivered_at_the_price_paid(
    session: Session, settings: Settings, followed: Followed
) -> None:
    _move(session, followed, 0, "ordered", paid_baht=4600.0)
    _move(session, followed, 0, "delivered")
    _move(session, followed, 1, "ordered")
    progress = _progress(session, settings, followed)
    assert progress.planned_baht == 8700.0
    assert progress.committed_baht == 4600.0 + 1200.0
    assert progress.spent_baht == 4600.0
    assert progress.budget_baht == 10_000.0
    assert progress.stage_counts == {"approved": 1, "ordered": 1, "delivered": 1, "installed": 0}
    plan_progress.record_price(
        session=session,
        user=followed.place.staff,
        plan_id=followed.plan_id,
        item_id=followed.item_ids[0],
        paid_baht=4800.0,
    )
    assert _progress(session, settings, followed).spent_baht == 4800.0
    with pytest.raises(Exception) as bad:
        plan_progress.record_price(
            session=session,
            user=followed.place.staff,
            plan_id=followed.plan_id,
            item_id=followed.item_ids[0],
            paid_baht=-1.0,
        )
    assert getattr(bad.value, "field", None) == "paid_baht"


def test_viewers_and_village_heads_cannot_move_items_or_confirm_bins(
    session: Session, settings: Settings, followed: Followed
) -> None:
    viewer = user_for_token(session=session, token=followed.place.viewer_token)
    for user in (viewer, followed.place.head):
        assert user is not None
        with pytest.raises(Forbidden):
            plan_progress.move_item(
                session=session,
                user=user,
                plan_id=followed.plan_id,
                item_id=followed.item_ids[0],
                stage=PlanItemStage.ordered,
            )
        with pytest.raises(Forbidden):
            plan_progress.decide_item_bin(
                session=session,
                settings=settings,
                user=user,
                plan_id=followed.plan_id,
                item_id=followed.item_ids[0],
                bin_code="X",
                confirm=True,
            )
    assert {i.stage for i in session.exec(select(PlanItem))} == {PlanItemStage.approved}


def test_an_item_of_another_plan_is_not_found(session: Session, followed: Followed) -> None:
    with pytest.raises(NotFound) as missing:
        plan_progress.move_item(
            session=session,
            user=followed.place.staff,
            plan_id=followed.plan_id + 1,
            item_id=followed.item_ids[0],
            stage=PlanItemStage.ordered,
        )
    assert missing.value.field == "item_id"


def test_the_fiscal_year_figures_for_the_ita_report(
    session: Session, settings: Settings, followed: Followed
) -> None:
    lon, lat = SITE_1
    _move(session, followed, 0, "ordered", paid_baht=4600.0)
    _move(session, followed, 0, "delivered")
    add_bin(session, "N-1", lon, lat + NEAR_DLAT)
    _decide(session, settings, followed, 0, "N-1")
    middle = utc_now()
    _move(session, followed, 1, "ordered")
    _move(session, followed, 1, "delivered", paid_baht=1000.0)
    add_bin(session, "N-2", lon, lat)
    _decide(session, settings, followed, 0, "N-2")

    year = plan_follow_through(session=session, fiscal_year_be=2570)
    assert year.until == datetime(2027, 9, 30, 17, 0, tzinfo=UTC)
    assert (year.plan_id, year.planned_bins, year.installed_bins) == (followed.plan_id, 4, 2)
    assert (year.planned_baht, year.spent_baht, year.budget_baht) == (8700.0, 5600.0, 10_000.0)
    then = plan_follow_through(session=session, fiscal_year_be=2570, until=middle)
    assert (then.installed_bins, then.spent_baht) == (1, 4600.0)
    none = plan_follow_through(session=session, fiscal_year_be=2569)
    assert (none.plan_id, none.planned_bins, none.installed_bins, none.spent_baht) == (
        None,
        0,
        0,
        0.0,
    )
    before_publication = plan_follow_through(
        session=session, fiscal_year_be=2570, until=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert before_publication.plan_id is None
