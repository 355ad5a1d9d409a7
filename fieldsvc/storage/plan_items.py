"""The items of a published plan: made from its recommendations, their append-only events,
the bins confirmed for them, and the newly registered bins that could be theirs.

Nothing here decides who may do what or whether a move is allowed: that is
``fieldsvc.services.plan_progress``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from fieldsvc.models import (
    AllocationPlanRecord,
    Bin,
    Condition,
    PlanItem,
    PlanItemBin,
    PlanItemEvent,
    PlanItemStage,
    Stream,
    Subdistrict,
)
from fieldsvc.models.types import utc_now
from fieldsvc.storage.register import haversine_m

#: ``PlanItemEvent.action`` of a bin confirmed as installed for an item, and of one turned down.
BIN_CONFIRMED = "bin_confirmed"
BIN_REJECTED = "bin_rejected"
#: ``PlanItemEvent.action`` of a price paid recorded without a stage move.
PRICE_RECORDED = "price"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def item_from_recommendation(
    row: Mapping[str, Any], *, plan_id: int, line: int, approved_at: datetime
) -> PlanItem | None:
    """The item for one recommendation row (None for a row of no bins)."""
    count = int(_number(row.get("count")) or 0)
    if count < 1:
        return None
    lon, lat = _number(row.get("lon")), _number(row.get("lat"))
    located = lon is not None and lat is not None
    rank, village, replaces = (_number(row.get(k)) for k in ("rank", "village_id", "bin_id"))
    return PlanItem(
        plan_id=plan_id,
        line=line,
        rank=None if rank is None else int(rank),
        reason=str(row.get("reason") or ""),
        village_id=None if village is None else int(village),
        stream=Stream(str(row.get("stream"))),
        capacity_l=int(round(_number(row.get("capacity_l")) or 0)),
        count=count,
        replaces_bin_id=None if replaces is None else int(replaces),
        lon=lon if located else None,
        lat=lat if located else None,
        planned_baht=_number(row.get("cost_baht")) or 0.0,
        approved_at=approved_at,
        updated_at=approved_at,
    )


def items_of_plan(*, session: Session, plan_id: int) -> Sequence[PlanItem]:
    """A plan's items in the plan's order."""
    return session.exec(
        select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(col(PlanItem.line))
    ).all()


def create_plan_items(
    *,
    session: Session,
    plan: AllocationPlanRecord,
    actor_id: int | None = None,
    at: datetime | None = None,
) -> Sequence[PlanItem]:
    """The items of ``plan`` at stage ``approved`` with their ``approved`` events, made once
    (a plan published again keeps the items it has); flushed, not committed."""
    assert plan.id is not None
    existing = items_of_plan(session=session, plan_id=plan.id)
    if existing:
        return existing
    when = at or plan.published_at or utc_now()
    made = [
        item
        for line, row in enumerate(plan.recommendations)
        if (item := item_from_recommendation(row, plan_id=plan.id, line=line, approved_at=when))
    ]
    session.add_all(made)
    session.flush()
    for item in made:
        assert item.id is not None
        add_item_event(
            session=session,
            item_id=item.id,
            action=PlanItemStage.approved.value,
            actor_id=actor_id,
            at=when,
        )
    return made


def get_plan_item(*, session: Session, plan_id: int, item_id: int) -> PlanItem | None:
    item = session.get(PlanItem, item_id)
    return item if item is not None and item.plan_id == plan_id else None


def add_item_event(
    *,
    session: Session,
    item_id: int,
    action: str,
    actor_id: int | None,
    bin_id: int | None = None,
    paid_baht: float | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> PlanItemEvent:
    """Append one event to an item's history; flushed, not committed."""
    event = PlanItemEvent(
        item_id=item_id,
        action=action,
        actor_id=actor_id,
        bin_id=bin_id,
        paid_baht=paid_baht,
        note=note,
        at=at or utc_now(),
    )
    session.add(event)
    session.flush()
    return event


def events_of_items(*, session: Session, item_ids: Iterable[int]) -> dict[int, list[PlanItemEvent]]:
    """Each item's events, oldest first."""
    ids = list(item_ids)
    found: dict[int, list[PlanItemEvent]] = defaultdict(list)
    if not ids:
        return found
    query = (
        select(PlanItemEvent)
        .where(col(PlanItemEvent.item_id).in_(ids))
        .order_by(col(PlanItemEvent.at), col(PlanItemEvent.id))
    )
    for event in session.exec(query):
        found[event.item_id].append(event)
    return found


def confirmed_bins(
    *, session: Session, item_ids: Iterable[int]
) -> dict[int, list[tuple[PlanItemBin, Bin]]]:
    """The bins confirmed for each item, in the order they were confirmed."""
    ids = list(item_ids)
    found: dict[int, list[tuple[PlanItemBin, Bin]]] = defaultdict(list)
    if not ids:
        return found
    query = (
        select(PlanItemBin, Bin)
        .join(Bin, col(Bin.id) == col(PlanItemBin.bin_id))
        .where(col(PlanItemBin.item_id).in_(ids))
        .order_by(col(PlanItemBin.confirmed_at), col(PlanItemBin.id))
    )
    for link, bin_ in session.exec(query):
        found[link.item_id].append((link, bin_))
    return found


def confirmed_bins_of(*, session: Session, bin_ids: Iterable[int]) -> Sequence[PlanItemBin]:
    """The confirmations of these bins (a bin counts for at most one item)."""
    ids = list(bin_ids)
    if not ids:
        return []
    return session.exec(select(PlanItemBin).where(col(PlanItemBin.bin_id).in_(ids))).all()


def confirm_item_bin(
    *,
    session: Session,
    item_id: int,
    bin_id: int,
    distance_m: float | None,
    actor_id: int,
    at: datetime | None = None,
) -> PlanItemBin:
    """Count ``bin_id`` as one of the item's installed bins at ``at`` (default now, the same
    moment as the confirmation's event); flushed, not committed (a bin already counted for an
    item fails the unique index)."""
    link = PlanItemBin(
        item_id=item_id,
        bin_id=bin_id,
        distance_m=distance_m,
        confirmed_by_id=actor_id,
        confirmed_at=at or utc_now(),
    )
    session.add(link)
    session.flush()
    return link


def rejected_pairs(*, session: Session, item_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(item, bin) pairs staff turned down: not suggested again."""
    ids = list(item_ids)
    if not ids:
        return set()
    query = select(PlanItemEvent.item_id, PlanItemEvent.bin_id).where(
        col(PlanItemEvent.item_id).in_(ids), PlanItemEvent.action == BIN_REJECTED
    )
    return {(item, bin_id) for item, bin_id in session.exec(query) if bin_id is not None}


@dataclass(frozen=True)
class Candidate:
    """A newly registered bin that could be one of an item's bins."""

    item_id: int
    bin: Bin
    distance_m: float | None  # None: the item has no site; matched by its village


def is_candidate(item: PlanItem, bin_: Bin, *, tolerance_m: float) -> tuple[bool, float | None]:
    """Whether ``bin_`` could be one of ``item``'s bins, and its distance from the site (m).

    A candidate is registered after the item was approved, of the item's stream and size, not
    reported missing, and within ``tolerance_m`` of the planned site (an item without a site:
    in the item's village).
    """
    if bin_.stream != item.stream or int(bin_.capacity_l) != int(item.capacity_l):
        return False, None
    if bin_.condition == Condition.missing or bin_.created_at < item.approved_at:
        return False, None
    if item.lon is None or item.lat is None:
        return (item.village_id is not None and bin_.village_id == item.village_id), None
    distance = haversine_m(item.lon, item.lat, bin_.lon, bin_.lat)
    return distance <= tolerance_m, distance


def only_subdistrict_id(*, session: Session) -> int | None:
    """The id of the install's subdistrict when it holds exactly one (None otherwise)."""
    ids = session.exec(select(Subdistrict.id).limit(2)).all()
    return int(ids[0]) if len(ids) == 1 and ids[0] is not None else None


def plans_of_subdistrict(*, session: Session, subdistrict_id: int) -> Any:
    """The condition "a plan of subdistrict ``subdistrict_id``". A plan of no subdistrict
    (made before the install had one) is the subdistrict's when the install holds only it."""
    mine = col(AllocationPlanRecord.subdistrict_id) == subdistrict_id
    if only_subdistrict_id(session=session) == subdistrict_id:
        return mine | col(AllocationPlanRecord.subdistrict_id).is_(None)
    return mine


def new_bin_candidates(
    *,
    session: Session,
    items: Sequence[PlanItem],
    tolerance_m: float,
    subdistrict_id: int | None = None,
) -> list[Candidate]:
    """Bins registered since the items were approved, by any path, that could be theirs —
    not yet counted for any item and not turned down for that item — nearest first per item.

    The register is read, not a queue of intake events: a bin from the phone form, Collect, a
    sheet or a layer import is found the same way, as soon as it is in the register."""
    open_items = [i for i in items if i.id is not None]
    if not open_items:
        return []
    since = min(i.approved_at for i in open_items)
    query = (
        select(Bin)
        .where(col(Bin.created_at) >= since)
        .where(col(Bin.stream).in_({i.stream for i in open_items}))
        .where(col(Bin.capacity_l).in_({int(i.capacity_l) for i in open_items}))
        .where(col(Bin.id).not_in(select(PlanItemBin.bin_id)))
    )
    if subdistrict_id is not None:  # the plan's subdistrict's bins (and bins of none)
        query = query.where(
            (col(Bin.subdistrict_id) == subdistrict_id) | col(Bin.subdistrict_id).is_(None)
        )
    sited = [i for i in open_items if i.lon is not None and i.lat is not None]
    if len(sited) == len(open_items):
        # every item has a site: read only the bins near one (a box around all of them)
        margin_lat = tolerance_m / 111_000.0
        lats = [float(i.lat) for i in sited if i.lat is not None]
        lons = [float(i.lon) for i in sited if i.lon is not None]
        margin_lon = tolerance_m / (111_000.0 * max(math.cos(math.radians(max(lats))), 0.01))
        query = query.where(
            col(Bin.lat).between(min(lats) - margin_lat, max(lats) + margin_lat),
            col(Bin.lon).between(min(lons) - margin_lon, max(lons) + margin_lon),
        )
    bins = session.exec(query).all()
    turned_down = rejected_pairs(session=session, item_ids=[i.id for i in open_items if i.id])
    found: list[Candidate] = []
    for item in open_items:
        assert item.id is not None
        mine = []
        for bin_ in bins:
            ok, distance = is_candidate(item, bin_, tolerance_m=tolerance_m)
            if ok and (item.id, bin_.id) not in turned_down:
                mine.append(Candidate(item.id, bin_, distance))
        mine.sort(key=lambda c: (c.distance_m or 0.0, c.bin.created_at, c.bin.code))
        found.extend(mine)
    return found


def published_plans_of_year(
    *, session: Session, fiscal_year_be: int, subdistrict_id: int | None = None
) -> Sequence[AllocationPlanRecord]:
    """Plans of a fiscal year that were published (still, or since superseded), newest
    publication first; of one subdistrict when ``subdistrict_id`` is given."""
    query = select(AllocationPlanRecord)
    if subdistrict_id is not None:
        query = query.where(plans_of_subdistrict(session=session, subdistrict_id=subdistrict_id))
    return session.exec(
        query.where(AllocationPlanRecord.fiscal_year_be == fiscal_year_be)
        .where(col(AllocationPlanRecord.published_at).is_not(None))
        .where(col(AllocationPlanRecord.status).in_(["published", "superseded"]))
        .order_by(col(AllocationPlanRecord.published_at).desc(), col(AllocationPlanRecord.id))
    ).all()
