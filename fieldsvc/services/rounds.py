"""Inspection rounds: each bin's due date and state for the phone form, Collect's entity list
and the staff dashboard, and the policy overrides staff set (``fieldsvc rounds policy``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd
from sqlmodel import Session

from fieldsvc.analysis.rounds import RoundPolicy, inspection_due, round_counts
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models import InspectionPolicy, Role, Stream, User
from fieldsvc.services.phone_scope import phone_village_ids
from fieldsvc.storage.frames import bins_frame
from fieldsvc.storage.register import (
    bin_ids_in_subdistrict,
    get_village_by_number,
    list_villages,
)
from fieldsvc.storage.rounds import delete_policy, policy_overrides_frame, put_policy
from fieldsvc.storage.tenancy import village_ids_in
from fieldsvc.thai import local_date, thai_now

#: What a phone and Collect get per bin, besides the bin itself.
DUE_COLUMNS = ("due_on", "due_state", "days_overdue")
STATE_ORDER = {"overdue": 0, "due": 1, "done": 2, "not_due": 3}


def round_policy(settings: Settings) -> RoundPolicy:
    """The default intervals of this deployment."""
    return RoundPolicy(
        usable_days=settings.rounds_usable_days,
        attention_days=settings.rounds_attention_days,
        missing_days=settings.rounds_missing_days,
        due_soon_days=settings.rounds_due_soon_days,
    )


def today() -> date:
    """Today in Thailand."""
    return thai_now().date()


def bins_due(
    *,
    session: Session,
    settings: Settings,
    village_ids: list[int] | None,
    as_of: date | None = None,
) -> gpd.GeoDataFrame:
    """The bins of ``village_ids`` (None: all) with their due date and state as of ``as_of``
    (default today, Thai time), in code order."""
    frame = bins_frame(session=session, village_ids=village_ids)
    frame["last_inspected_on"] = [
        local_date(v) if v is not None and not pd.isna(v) else None
        for v in frame["last_inspected_at"]
    ]
    due = inspection_due(
        frame,
        as_of=as_of or today(),
        defaults=round_policy(settings),
        overrides=policy_overrides_frame(session=session),
    )
    return gpd.GeoDataFrame(due, geometry="geometry", crs=frame.crs)


def phone_bins(
    *, session: Session, settings: Settings, user: User, subdistrict_id: int | None = None
) -> gpd.GeoDataFrame:
    """The bins ``user`` may see (a head: their villages; others: their subdistricts', only
    subdistrict ``subdistrict_id``'s when given) with ``due_on``, ``due_state`` and
    ``days_overdue`` as of today; the columns of the register's bins frame otherwise."""
    village_ids = phone_village_ids(session=session, user=user)
    due = bins_due(session=session, settings=settings, village_ids=village_ids)
    if user.role != Role.village_head and subdistrict_id is not None:
        ids = bin_ids_in_subdistrict(session=session, subdistrict_id=subdistrict_id)
        due = due[due["bin_id"].isin(ids)].reset_index(drop=True)
    due["due_state"] = due["due_state"].astype(str)
    return due.drop(columns=["last_inspected_on", "interval_days", "round_days"])


def village_round_counts(
    *,
    session: Session,
    settings: Settings,
    as_of: date | None = None,
    subdistrict_id: int | None = None,
) -> pd.DataFrame:
    """Per village id: overdue, due, done (this round), not_due and bins (of one
    subdistrict's villages when ``subdistrict_id`` is given)."""
    village_ids = (
        None
        if subdistrict_id is None
        else village_ids_in(session=session, subdistrict_ids=[subdistrict_id])
    )
    due = bins_due(session=session, settings=settings, village_ids=village_ids, as_of=as_of)
    due = due.dropna(subset=["village_id"])
    return round_counts(due)


def village_rounds(
    *,
    session: Session,
    settings: Settings,
    as_of: date | None = None,
    subdistrict_id: int | None = None,
) -> pd.DataFrame:
    """The dashboard's table: every village (``number``, ``name``; of one subdistrict when
    ``subdistrict_id`` is given) with its counts of bins overdue, due, done this round and not
    yet due, by village number."""
    counts = village_round_counts(
        session=session, settings=settings, as_of=as_of, subdistrict_id=subdistrict_id
    )
    villages = pd.DataFrame(
        [
            {"village_id": v.id, "number": v.number, "name": v.name}
            for v in list_villages(session=session, subdistrict_id=subdistrict_id)
        ],
        columns=["village_id", "number", "name"],
    )
    counts["village_id"] = counts["village_id"].astype(int)
    table = villages.merge(counts, on="village_id", how="left")
    for column in ("overdue", "due", "done", "not_due", "bins"):
        table[column] = table[column].fillna(0).astype(int)
    return table.sort_values("number").reset_index(drop=True)


@dataclass(frozen=True)
class PolicyChange:
    village_number: int | None
    stream: str | None
    row: InspectionPolicy | None  # None: removed


def set_policy(
    *,
    session: Session,
    village_number: int | None,
    stream: str | None,
    usable_days: int | None,
    attention_days: int | None,
    missing_days: int | None,
    updated_by: str | None,
    remove: bool = False,
    subdistrict_id: int | None = None,
) -> PolicyChange:
    """Set (or, with ``remove``, drop) the override of a village and/or stream; committed.

    The village is number ``village_number`` of subdistrict ``subdistrict_id`` (None: of the
    one subdistrict that has that number; ``village_number_ambiguous`` when several have).
    """
    village_id = None
    if village_number is not None:
        village = get_village_by_number(
            session=session, number=village_number, subdistrict_id=subdistrict_id
        )
        if village is None:
            raise InvalidInput.of(
                "rounds_village_not_found", field="village", number=village_number
            )
        village_id = village.id
    if stream is not None and stream not in {s.value for s in Stream}:
        raise InvalidInput.of("rounds_stream_unknown", field="stream", value=stream)
    for name, value, low in (
        ("usable_days", usable_days, 1),
        ("attention_days", attention_days, 1),
        ("missing_days", missing_days, 0),
    ):
        if value is not None and not low <= value <= 366:
            raise InvalidInput.of("rounds_days_out_of_range", field=name, value=value, low=low)
    if remove:
        delete_policy(session=session, village_id=village_id, stream=stream)
        session.commit()
        return PolicyChange(village_number=village_number, stream=stream, row=None)
    row = put_policy(
        session=session,
        village_id=village_id,
        stream=stream,
        usable_days=usable_days,
        attention_days=attention_days,
        missing_days=missing_days,
        updated_by=updated_by,
    )
    session.commit()
    session.refresh(row)
    return PolicyChange(village_number=village_number, stream=stream, row=row)
