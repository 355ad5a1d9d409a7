"""Following a published allocation plan to the ground.

Each funded row of a published plan is an item (``PlanItem``) that moves, one step at a time,
approved → ordered → delivered → installed. Who moved it and when is kept as append-only
events; the price actually paid for a row may be recorded (the planned cost until it is).

*Installed* is not typed in: a bin of the item's stream and size that a survey registers after
the plan was approved, within ``Settings.plan_install_match_m`` of the planned site, is
suggested automatically (whatever path registered it: phone form, Collect, sheet or layer
import — the register is read, see ``storage.plan_items.new_bin_candidates``), and health staff
confirm it. An item of *n* bins is installed when *n* bins are confirmed.

Money: an item counts as *committed* once ordered and as *spent* once delivered (Thai
procurement pays after the delivery is inspected, ตรวจรับ), at the price paid or else the
planned cost.

For the year's ITA report, :func:`plan_follow_through` gives bins installed against the plan of
a fiscal year (planned, installed, spent, budget), rebuilt from the events as of the year's end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, Forbidden, InvalidInput, NotFound
from fieldsvc.models import (
    AllocationPlanRecord,
    Bin,
    PlanItem,
    PlanItemEvent,
    PlanItemStage,
    Role,
    User,
)
from fieldsvc.models.enums import STREAM_EN, STREAM_TH
from fieldsvc.models.plan import PLAN_ITEM_STAGE_EN, PLAN_ITEM_STAGE_TH, PLAN_ITEM_STAGES
from fieldsvc.models.types import utc_now
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage import plan_items as store
from fieldsvc.storage.register import get_bin_by_code
from fieldsvc.thai import BE_OFFSET, THAI_TZ

#: Stages at which an item's money counts as committed (ordered) and as spent (delivered).
COMMITTED_STAGES = frozenset(
    {PlanItemStage.ordered, PlanItemStage.delivered, PlanItemStage.installed}
)
SPENT_STAGES = frozenset({PlanItemStage.delivered, PlanItemStage.installed})


@dataclass(frozen=True)
class InstalledBin:
    """A bin staff confirmed for an item."""

    code: str
    distance_m: float | None
    confirmed_at: datetime
    confirmed_by_id: int | None


@dataclass(frozen=True)
class ItemProgress:
    """One item with its confirmed bins, its suggested bins and its history."""

    item: PlanItem
    installed: list[InstalledBin] = field(default_factory=list)
    suggestions: list[store.Candidate] = field(default_factory=list)
    events: list[PlanItemEvent] = field(default_factory=list)

    @property
    def installed_bins(self) -> int:
        return min(len(self.installed), self.item.count)

    @property
    def cost_baht(self) -> float:
        """The price paid for the row, else its planned cost."""
        paid = self.item.paid_baht
        return float(self.item.planned_baht if paid is None else paid)

    @property
    def next_stage(self) -> PlanItemStage | None:
        return next_stage(self.item.stage)


@dataclass(frozen=True)
class PlanProgress:
    """A published plan's items and the totals the plan page and the public page show."""

    plan: AllocationPlanRecord
    items: list[ItemProgress]
    tolerance_m: float
    #: Display names of the staff in the histories (user id → name); empty on the public page.
    actors: dict[int, str] = field(default_factory=dict)
    #: Codes of the bins named in the histories (bin id → code); empty on the public page.
    bin_codes: dict[int, str] = field(default_factory=dict)

    @property
    def village_labels(self) -> dict[int, str]:
        """Village id → "number name", as the plan recorded them."""
        labels: dict[int, str] = {}
        for row in [*self.plan.villages, *self.plan.recommendations]:
            village, number = row.get("village_id"), row.get("village_number")
            if village is not None and number is not None:
                labels[int(village)] = f"{number} {row.get('village_name') or ''}".strip()
        return labels

    @property
    def planned_bins(self) -> int:
        return sum(p.item.count for p in self.items)

    @property
    def installed_bins(self) -> int:
        return sum(p.installed_bins for p in self.items)

    @property
    def planned_baht(self) -> float:
        return float(sum(p.item.planned_baht for p in self.items))

    @property
    def committed_baht(self) -> float:
        return float(sum(p.cost_baht for p in self.items if p.item.stage in COMMITTED_STAGES))

    @property
    def spent_baht(self) -> float:
        return float(sum(p.cost_baht for p in self.items if p.item.stage in SPENT_STAGES))

    @property
    def budget_baht(self) -> float | None:
        return self.plan.budget_baht

    @property
    def stage_counts(self) -> dict[str, int]:
        """Items per stage, every stage listed."""
        return {s.value: sum(p.item.stage == s for p in self.items) for s in PLAN_ITEM_STAGES}

    @property
    def suggestion_count(self) -> int:
        return sum(len(p.suggestions) for p in self.items)


@dataclass(frozen=True)
class PlanYearFollowThrough:
    """Bins installed against the plan of a fiscal year, as of ``until`` (for the ITA report).

    ``plan_id`` is None (and every figure 0) when no plan of the year was published by then.
    Money in baht; ``budget_baht`` None when the plan was made for a number of bins.
    """

    fiscal_year_be: int
    until: datetime
    plan_id: int | None
    plan_version: int | None
    planned_bins: int
    installed_bins: int
    planned_baht: float
    spent_baht: float
    budget_baht: float | None


def next_stage(stage: PlanItemStage) -> PlanItemStage | None:
    """The one stage an item at ``stage`` may move to (None once installed)."""
    index = PLAN_ITEM_STAGES.index(PlanItemStage(stage))
    return PLAN_ITEM_STAGES[index + 1] if index + 1 < len(PLAN_ITEM_STAGES) else None


# --- starting -----------------------------------------------------------------------------------


def start_following(
    *, session: Session, plan: AllocationPlanRecord, approved_by: User | None = None
) -> Sequence[PlanItem]:
    """Make a just-published plan's items (once), approved by whoever published it; flushed."""
    return store.create_plan_items(
        session=session, plan=plan, actor_id=approved_by.id if approved_by else None
    )


# --- reading ------------------------------------------------------------------------------------


def plan_progress(
    *,
    session: Session,
    settings: Settings,
    plan: AllocationPlanRecord,
    with_suggestions: bool = True,
) -> PlanProgress:
    """The plan's items with their confirmed bins, history and (for staff) suggested bins.

    A plan that was never published has no items (an empty list)."""
    assert plan.id is not None
    items = list(store.items_of_plan(session=session, plan_id=plan.id))
    ids = [i.id for i in items if i.id is not None]
    confirmed = store.confirmed_bins(session=session, item_ids=ids)
    events = store.events_of_items(session=session, item_ids=ids) if with_suggestions else {}
    tolerance = settings.plan_install_match_m
    wanting = [i for i in items if i.id is not None and len(confirmed.get(i.id, [])) < i.count]
    suggested: dict[int, list[store.Candidate]] = {}
    if with_suggestions:
        for candidate in store.new_bin_candidates(
            session=session,
            items=wanting,
            tolerance_m=tolerance,
            subdistrict_id=plan.subdistrict_id,
        ):
            suggested.setdefault(candidate.item_id, []).append(candidate)
    rows = []
    for item in items:
        assert item.id is not None
        installed = [
            InstalledBin(b.code, link.distance_m, link.confirmed_at, link.confirmed_by_id)
            for link, b in confirmed.get(item.id, [])
        ]
        rows.append(
            ItemProgress(item, installed, suggested.get(item.id, []), events.get(item.id, []))
        )
    if not with_suggestions:
        return PlanProgress(plan=plan, items=rows, tolerance_m=tolerance)
    return PlanProgress(
        plan=plan,
        items=rows,
        tolerance_m=tolerance,
        actors=_actor_names(session=session, items=rows),
        bin_codes=_bin_codes(session=session, items=rows),
    )


def staff_plan_progress(
    *, session: Session, settings: Settings, plan_id: int, place: Workplace | None = None
) -> PlanProgress:
    """Plan ``plan_id`` (404 when there is none, or it is of a subdistrict the user of
    ``place`` does not work for) with everything staff see of its items."""
    plan = session.get(AllocationPlanRecord, plan_id)
    if plan is None or (place is not None and not place.may_see(plan.subdistrict_id)):
        raise NotFound.of("plan_not_found", field="plan_id", plan_id=plan_id)
    return plan_progress(session=session, settings=settings, plan=plan)


def published_plan_progress(
    *, session: Session, settings: Settings, plan: AllocationPlanRecord | None
) -> PlanProgress | None:
    """Progress of the published plan for the public page: stages, installed bins and money
    only (no suggestions, no history: who did what stays with staff)."""
    if plan is None:
        return None
    return plan_progress(session=session, settings=settings, plan=plan, with_suggestions=False)


def _bin_codes(*, session: Session, items: Sequence[ItemProgress]) -> dict[int, str]:
    ids = {e.bin_id for p in items for e in p.events if e.bin_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(Bin.id, Bin.code).where(col(Bin.id).in_(ids))).all()
    return {bin_id: code for bin_id, code in rows if bin_id is not None}


def _actor_names(*, session: Session, items: Sequence[ItemProgress]) -> dict[int, str]:
    ids = {e.actor_id for p in items for e in p.events if e.actor_id is not None}
    ids |= {b.confirmed_by_id for p in items for b in p.installed if b.confirmed_by_id}
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {u.id: u.display_name for u in users if u.id is not None}


# --- changing -----------------------------------------------------------------------------------


def _require_editor(user: User) -> None:
    if user.role == Role.viewer:
        raise Forbidden.of("read_only_user")
    if user.role not in (Role.health_staff, Role.admin):
        raise Forbidden.of("staff_only")


def _require_item(
    *, session: Session, plan_id: int, item_id: int, place: Workplace | None
) -> PlanItem:
    """Item ``item_id`` of plan ``plan_id``; not found also when the plan is of a subdistrict
    the user of ``place`` does not work for."""
    item = store.get_plan_item(session=session, plan_id=plan_id, item_id=item_id)
    if item is not None and place is not None:
        plan = session.get(AllocationPlanRecord, plan_id)
        if plan is None or not place.may_see(plan.subdistrict_id):
            item = None
    if item is None:
        raise NotFound.of("plan_item_not_found", field="item_id", plan_id=plan_id, item_id=item_id)
    return item


def _same_subdistrict(plan: AllocationPlanRecord, bin_: Bin) -> bool:
    return (
        plan.subdistrict_id is None
        or bin_.subdistrict_id is None
        or plan.subdistrict_id == bin_.subdistrict_id
    )


def _checked_price(paid_baht: float | None) -> float | None:
    if paid_baht is None:
        return None
    if not math.isfinite(paid_baht) or paid_baht < 0:
        raise InvalidInput.of(
            "plan_item_bad_price",
            field="paid_baht",
            details={"value": paid_baht, "expected": ">= 0"},
            value=paid_baht,
        )
    return float(paid_baht)


def move_item(
    *,
    session: Session,
    user: User,
    plan_id: int,
    item_id: int,
    stage: PlanItemStage,
    paid_baht: float | None = None,
    note: str | None = None,
    place: Workplace | None = None,
) -> PlanItem:
    """Move an item one stage on (ordered, then delivered), optionally with the price paid for
    the row; committed. A skipped, repeated or backward move is a 409 naming ``stage``;
    *installed* is reached only by confirming bins (:func:`decide_item_bin`)."""
    _require_editor(user)
    item = _require_item(session=session, plan_id=plan_id, item_id=item_id, place=place)
    price = _checked_price(paid_baht)
    stage = PlanItemStage(stage)
    expected = next_stage(item.stage)
    if stage == PlanItemStage.installed and expected == PlanItemStage.installed:
        confirmed = store.confirmed_bins(session=session, item_ids=[item_id])
        raise Conflict.of(
            "plan_item_installed_by_bins",
            field="stage",
            details={"value": stage.value, "confirmed": len(confirmed.get(item_id, []))},
            confirmed=len(confirmed.get(item_id, [])),
            count=item.count,
        )
    if stage != expected:
        current = PlanItemStage(item.stage)
        raise Conflict.of(
            "plan_item_stage_out_of_order",
            field="stage",
            details={
                "value": stage.value,
                "current": current.value,
                "expected": expected.value if expected else None,
            },
            current=PLAN_ITEM_STAGE_EN[current],
            current_th=PLAN_ITEM_STAGE_TH[current],
            expected=PLAN_ITEM_STAGE_EN[expected] if expected else "none (installed)",
            expected_th=PLAN_ITEM_STAGE_TH[expected] if expected else "ไม่มี (ติดตั้งครบแล้ว)",
            got=PLAN_ITEM_STAGE_EN[stage],
            got_th=PLAN_ITEM_STAGE_TH[stage],
        )
    item.stage = stage
    return _save_item_change(
        session=session, item=item, action=stage.value, user=user, price=price, note=note
    )


def record_price(
    *,
    session: Session,
    user: User,
    plan_id: int,
    item_id: int,
    paid_baht: float,
    note: str | None = None,
    place: Workplace | None = None,
) -> PlanItem:
    """Record (or correct) the price actually paid for an item's row, at any stage; committed."""
    _require_editor(user)
    item = _require_item(session=session, plan_id=plan_id, item_id=item_id, place=place)
    price = _checked_price(paid_baht)
    return _save_item_change(
        session=session,
        item=item,
        action=store.PRICE_RECORDED,
        user=user,
        price=price,
        note=note,
    )


def _save_item_change(
    *,
    session: Session,
    item: PlanItem,
    action: str,
    user: User,
    price: float | None,
    note: str | None,
) -> PlanItem:
    """Write an item's change with its event (same moment, who, price, note); committed."""
    assert item.id is not None
    now = utc_now()
    if price is not None:
        item.paid_baht = price
    item.updated_at = now
    session.add(item)
    store.add_item_event(
        session=session,
        item_id=item.id,
        action=action,
        actor_id=user.id,
        paid_baht=price,
        note=note or None,
        at=now,
    )
    session.commit()
    return item


def decide_item_bin(
    *,
    session: Session,
    settings: Settings,
    user: User,
    plan_id: int,
    item_id: int,
    bin_code: str,
    confirm: bool,
    note: str | None = None,
    place: Workplace | None = None,
) -> PlanItem:
    """Confirm a suggested bin as one of the item's installed bins, or turn it down (it is not
    suggested for that item again); committed. The item becomes *installed* with its last bin.

    The bin must still be a match (registered after approval, the item's stream and size,
    within the tolerance of the site, counted for no item); confirming needs the item
    delivered."""
    _require_editor(user)
    item = _require_item(session=session, plan_id=plan_id, item_id=item_id, place=place)
    confirmed = len(store.confirmed_bins(session=session, item_ids=[item_id]).get(item_id, []))
    stage = PlanItemStage(item.stage)
    if confirm and (stage == PlanItemStage.installed or confirmed >= item.count):
        raise Conflict.of("plan_item_complete", field="bin_code", count=item.count)
    if confirm and stage != PlanItemStage.delivered:
        raise Conflict.of(
            "plan_item_not_delivered",
            field="stage",
            details={"current": stage.value, "expected": PlanItemStage.delivered.value},
            current=PLAN_ITEM_STAGE_EN[stage],
            current_th=PLAN_ITEM_STAGE_TH[stage],
        )
    bin_ = get_bin_by_code(session=session, code=bin_code.strip())
    plan = session.get(AllocationPlanRecord, plan_id)
    if bin_ is not None and plan is not None and not _same_subdistrict(plan, bin_):
        bin_ = None  # a bin of another subdistrict is not told to exist
    if bin_ is None or bin_.id is None:
        raise NotFound.of("bin_not_found", field="bin_code", bin_code=bin_code)
    if store.confirmed_bins_of(session=session, bin_ids=[bin_.id]):
        raise Conflict.of("plan_item_bin_taken", field="bin_code", bin_code=bin_.code)
    tolerance = settings.plan_install_match_m
    matches, distance = store.is_candidate(item, bin_, tolerance_m=tolerance)
    if not matches:
        raise Conflict.of(
            "plan_item_bin_not_a_match",
            field="bin_code",
            details={
                "value": bin_.code,
                "stream": bin_.stream,
                "capacity_l": bin_.capacity_l,
                "distance_m": None if distance is None else round(distance, 1),
                "expected": {
                    "stream": item.stream,
                    "capacity_l": item.capacity_l,
                    "within_m": tolerance,
                    "registered_after": item.approved_at.isoformat(),
                },
            },
            bin_code=bin_.code,
            stream=STREAM_EN[item.stream],
            stream_th=STREAM_TH[item.stream],
            capacity_l=item.capacity_l,
            tolerance_m=f"{tolerance:g}",
        )
    now = utc_now()
    if not confirm:
        store.add_item_event(
            session=session,
            item_id=item_id,
            action=store.BIN_REJECTED,
            actor_id=user.id,
            bin_id=bin_.id,
            note=note or None,
            at=now,
        )
        session.commit()
        return item
    assert user.id is not None
    try:
        store.confirm_item_bin(
            session=session,
            item_id=item_id,
            bin_id=bin_.id,
            distance_m=distance,
            actor_id=user.id,
            at=now,
        )
    except IntegrityError:  # another confirmation of the same bin got there first
        session.rollback()
        raise Conflict.of("plan_item_bin_taken", field="bin_code", bin_code=bin_code) from None
    store.add_item_event(
        session=session,
        item_id=item_id,
        action=store.BIN_CONFIRMED,
        actor_id=user.id,
        bin_id=bin_.id,
        note=note or None,
        at=now,
    )
    if confirmed + 1 >= item.count:
        item.stage = PlanItemStage.installed
        store.add_item_event(
            session=session,
            item_id=item_id,
            action=PlanItemStage.installed.value,
            actor_id=user.id,
            at=now,
        )
    item.updated_at = now
    session.add(item)
    session.commit()
    return item


# --- the year, for the ITA report ---------------------------------------------------------------


def fiscal_year_end(fiscal_year_be: int) -> datetime:
    """The first moment after a fiscal year: 1 October, 00:00 Thai time, of its CE year."""
    return datetime.combine(date(fiscal_year_be - BE_OFFSET, 10, 1), time(0, 0), tzinfo=THAI_TZ)


def plan_follow_through(
    *,
    session: Session,
    fiscal_year_be: int,
    until: datetime | None = None,
    subdistrict_id: int | None = None,
) -> PlanYearFollowThrough:
    """Bins installed against the plan of fiscal year ``fiscal_year_be`` — for the ITA report.

    The plan of the year is the one of that fiscal year published last before ``until``
    (default: the end of the fiscal year, 30 September 24:00 Thai time), whether still
    published or since superseded. Every figure is rebuilt from the items' events and the
    confirmations dated before ``until``, so a report made later gives the same answer.
    With ``subdistrict_id`` only that subdistrict's plans count:

    - ``planned_bins``, ``planned_baht``: the plan's funded rows (bins, planned cost);
    - ``installed_bins``: bins confirmed installed, at most the planned count per row;
    - ``spent_baht``: rows delivered by then, at the price paid by then, else the plan's;
    - ``budget_baht``: the plan's budget.

    Example: a plan of 2570 with rows of 2 and 1 bins (5,000 and 1,200 baht, budget 10,000),
    the first delivered at 4,600 baht and one of its bins confirmed before 1 Oct 2027 gives
    planned 3, installed 1, planned 6,200, spent 4,600, budget 10,000.
    """
    end = until or fiscal_year_end(fiscal_year_be)
    plan = next(
        (
            p
            for p in store.published_plans_of_year(
                session=session, fiscal_year_be=fiscal_year_be, subdistrict_id=subdistrict_id
            )
            if p.published_at is not None and p.published_at < end
        ),
        None,
    )
    if plan is None or plan.id is None:
        return PlanYearFollowThrough(fiscal_year_be, end, None, None, 0, 0, 0.0, 0.0, None)
    items = list(store.items_of_plan(session=session, plan_id=plan.id))
    ids = [i.id for i in items if i.id is not None]
    events = store.events_of_items(session=session, item_ids=ids)
    confirmed = store.confirmed_bins(session=session, item_ids=ids)
    installed = 0
    spent = 0.0
    for item in items:
        assert item.id is not None
        before = [e for e in events.get(item.id, []) if e.at < end]
        reached = [PLAN_ITEM_STAGES.index(PlanItemStage(e.action)) for e in before if _is_stage(e)]
        stage = PLAN_ITEM_STAGES[max(reached)] if reached else None
        prices = [e.paid_baht for e in before if e.paid_baht is not None]
        if stage in SPENT_STAGES:
            spent += float(prices[-1] if prices else item.planned_baht)
        links = [link for link, _ in confirmed.get(item.id, []) if link.confirmed_at < end]
        installed += min(len(links), item.count)
    return PlanYearFollowThrough(
        fiscal_year_be=fiscal_year_be,
        until=end,
        plan_id=plan.id,
        plan_version=plan.version,
        planned_bins=sum(i.count for i in items),
        installed_bins=installed,
        planned_baht=float(sum(i.planned_baht for i in items)),
        spent_baht=spent,
        budget_baht=plan.budget_baht,
    )


def _is_stage(event: PlanItemEvent) -> bool:
    return event.action in PlanItemStage.__members__
