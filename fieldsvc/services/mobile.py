"""What the phone form asks the server: who am I and how far along (``/api/v1/me``), and
"is this bin already registered?" (bins near a point)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.models import Condition, Role, Stream, Subdistrict, User, Village
from fieldsvc.services.phone_scope import phone_village_ids
from fieldsvc.storage.register import (
    bins_near,
    count_bins,
    count_bins_surveyed_since,
    villages_by_number,
)
from fieldsvc.storage.tenancy import subdistrict_ids_of
from fieldsvc.storage.users import village_ids_of
from fieldsvc.thai import THAI_TZ

#: Radius of the "is this bin already registered?" list on the phone, metres.
NEARBY_RADIUS_M: Final = 30.0


@dataclass(frozen=True)
class Progress:
    month_start: datetime  # start of this month, Thailand time
    bins_inspected: int  # bins in the villages surveyed this month
    bins_registered: int  # bins registered in the villages


@dataclass(frozen=True)
class FormSettings:
    max_gps_accuracy_m: float
    nearby_radius_m: float
    duplicate_radius_m: float
    due_soon_days: int


@dataclass(frozen=True)
class PhoneProfile:
    """The signed-in user as the phone form needs them."""

    username: str
    display_name: str
    role: Role
    villages: list[Village]
    all_villages: bool  # staff: every village of the subdistrict
    progress: Progress
    settings: FormSettings
    server_time: datetime
    #: The subdistrict the phone works in (None: an install with no subdistrict yet).
    subdistrict_code: str | None = None
    subdistrict_name: str | None = None


@dataclass(frozen=True)
class BinNearby:
    code: str
    stream: Stream
    condition: Condition
    capacity_l: int
    lat: float
    lon: float
    village_id: int | None
    distance_m: float  # rounded to 0.1 m


def month_start(now: datetime) -> datetime:
    """Midnight on the first of ``now``'s month in Thailand, as an aware datetime."""
    local = now.astimezone(THAI_TZ)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def progress_of(*, session: Session, village_ids: list[int] | None, now: datetime) -> Progress:
    """Bins surveyed since the start of the month out of the bins registered, in the villages."""
    start = month_start(now)
    return Progress(
        month_start=start,
        bins_inspected=count_bins_surveyed_since(
            session=session, since=start, village_ids=village_ids
        ),
        bins_registered=count_bins(session=session, village_ids=village_ids),
    )


def phone_profile(
    *, session: Session, settings: Settings, user: User, subdistrict: Subdistrict | None = None
) -> PhoneProfile:
    """The user, their subdistrict (the request's workplace) and its villages they survey,
    this month's progress and the form's limits."""
    subdistrict_id = subdistrict.id if subdistrict is not None else None
    ids = phone_village_ids(session=session, user=user, subdistrict_id=subdistrict_id)
    now = datetime.now(UTC)
    return PhoneProfile(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        villages=villages_by_number(session=session, ids=ids),
        all_villages=user.role != Role.village_head,
        progress=progress_of(session=session, village_ids=ids, now=now),
        settings=FormSettings(
            max_gps_accuracy_m=settings.max_gps_accuracy_m,
            nearby_radius_m=NEARBY_RADIUS_M,
            duplicate_radius_m=settings.duplicate_radius_m,
            due_soon_days=settings.rounds_due_soon_days,
        ),
        server_time=now,
        subdistrict_code=subdistrict.code if subdistrict is not None else None,
        subdistrict_name=subdistrict.name if subdistrict is not None else None,
    )


def bins_near_point(
    *,
    session: Session,
    user: User,
    lon: float,
    lat: float,
    radius_m: float,
    stream: Stream | None = None,
    subdistrict_id: int | None = None,
) -> list[BinNearby]:
    """Registered bins within ``radius_m`` metres, nearest first; a village head sees only
    their villages' bins; others those of subdistrict ``subdistrict_id`` (None: all of theirs),
    never outside the subdistricts they work for."""
    allowed = village_ids_of(session=session, user=user)
    mine = None if allowed is not None else subdistrict_ids_of(session=session, user=user)
    found = bins_near(
        session=session,
        lon=lon,
        lat=lat,
        radius_m=radius_m,
        stream=stream,
        subdistrict_id=subdistrict_id if allowed is None else None,
    )
    return [
        BinNearby(
            code=b.code,
            stream=b.stream,
            condition=b.condition,
            capacity_l=b.capacity_l,
            lat=b.lat,
            lon=b.lon,
            village_id=b.village_id,
            distance_m=round(d, 1),
        )
        for b, d in found
        if (allowed is None or b.village_id in allowed)
        and (mine is None or b.subdistrict_id in mine)
    ]
