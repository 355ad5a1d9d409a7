"""What a bin survey says about a bin, as the register keeps it — pure rules on plain values.

A survey reaches the register one of two ways: the intake's hot path writes clean first surveys
with a few Core statements (``storage.submissions.core_writes``), everything else goes through
the ORM apply (``storage.submissions.apply`` and ``storage.register.record_inspection``). Both
build their rows with the functions here, so only the way they write differs:

* ``good_fix`` — may the survey's point move a bin that is already registered?
* ``observation_of`` — the inspection row's values (cleaned: no negative counts, short notes);
* ``is_newest`` and ``newest_state`` — the bin shows its most recent *observation*: a survey
  made last week and sent today does not override yesterday's state;
* ``bin_from_survey`` — the bin a first survey of an unregistered code registers;
* ``installed_on_after`` — a bin's installation date once a survey of it is applied.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from pydantic import ValidationError

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.checks import coordinates_usable
from fieldsvc.ingest.survey import SurveyRecord
from fieldsvc.models.bin import BinCreate, new_entity_id
from fieldsvc.models.enums import Condition, Stream
from fieldsvc.models.types import utc_now

NOTE_MAX_CHARS = 2000  # the inspection's ``note`` column


def good_fix(record: SurveyRecord, *, max_gps_accuracy_m: float) -> bool:
    """True when the survey's point may move a registered bin: usable coordinates and a fix no
    worse than ``max_gps_accuracy_m`` metres (an unknown accuracy counts as good).

    A poor fix must not drag a known bin across the village: its inspection keeps no point.
    """
    return (
        record.accuracy_m is None or record.accuracy_m <= max_gps_accuracy_m
    ) and coordinates_usable(record)


@dataclass(frozen=True, slots=True)
class Observation:
    """One inspection's observed values (the columns of ``InspectionBase``), as stored."""

    observed_at: datetime
    condition: Condition
    capacity_l: int | None
    stream: Stream | None
    lon: float | None
    lat: float | None
    accuracy_m: float | None
    households_served: int | None
    note: str | None

    def columns(self) -> dict[str, Any]:
        """The values by inspection column name."""
        return {
            "observed_at": self.observed_at,
            "condition": self.condition,
            "capacity_l": self.capacity_l,
            "stream": self.stream,
            "lon": self.lon,
            "lat": self.lat,
            "accuracy_m": self.accuracy_m,
            "households_served": self.households_served,
            "note": self.note,
        }


def observed_at_of(record: SurveyRecord, *, received_at: datetime | None) -> datetime:
    """When the survey was made; a survey without a time counts as made when it arrived."""
    return record.observed_at or received_at or utc_now()


def observation_of(
    record: SurveyRecord, *, received_at: datetime | None, with_point: bool
) -> Observation:
    """The inspection a survey adds to its bin's history.

    ``with_point``: keep the survey's point (False for a poor fix of a registered bin). A
    capacity that is not positive and a negative household count are left unknown rather than
    stored; a missing condition counts as ``usable``.
    """
    households = record.households_served
    capacity = record.capacity_l
    return Observation(
        observed_at=observed_at_of(record, received_at=received_at),
        condition=record.condition or Condition.usable,
        capacity_l=capacity if capacity and capacity > 0 else None,
        stream=record.stream,
        lon=record.lon if with_point else None,
        lat=record.lat if with_point else None,
        accuracy_m=record.accuracy_m if with_point else None,
        households_served=households if households is not None and households >= 0 else None,
        note=(record.note or None) and (record.note or "")[:NOTE_MAX_CHARS],
    )


class Observed(Protocol):
    """What ``newest_state`` reads: an ``Observation`` or an ``Inspection`` row."""

    @property
    def observed_at(self) -> datetime: ...
    @property
    def condition(self) -> Condition: ...
    @property
    def capacity_l(self) -> int | None: ...
    @property
    def stream(self) -> Stream | None: ...
    @property
    def households_served(self) -> int | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def lat(self) -> float | None: ...


def is_newest(observed_at: datetime, last_inspected_at: datetime | None) -> bool:
    """True when an observation made at ``observed_at`` is the bin's latest (ties: the one
    applied last wins), so the bin's current state follows it."""
    return last_inspected_at is None or observed_at >= last_inspected_at


def newest_state(observation: Observed, *, point_village_id: int | None) -> dict[str, Any]:
    """The bin columns its latest observation sets, by name.

    Unknown values (capacity, stream, households, point) keep the bin's own. A point moves the
    bin, and into ``point_village_id`` — the village whose boundary holds the point — when known.
    """
    state: dict[str, Any] = {
        "condition": Condition(observation.condition),
        "last_inspected_at": observation.observed_at,
    }
    if observation.capacity_l is not None:
        state["capacity_l"] = observation.capacity_l
    if observation.stream is not None:
        state["stream"] = Stream(observation.stream)
    if observation.households_served is not None:
        state["households_served"] = observation.households_served
    if observation.lon is not None and observation.lat is not None:
        state["lon"], state["lat"] = observation.lon, observation.lat
        if point_village_id is not None:
            state["village_id"] = point_village_id
    return state


def missing_value(field_name: str, th: str) -> InvalidInput:
    """The refusal of a survey that lacks a value the register needs (``th``: its Thai name)."""
    return InvalidInput.of("needed_to_apply", field=field_name, field_name=field_name, what_th=th)


def is_new_entity_id(record: SurveyRecord) -> bool:
    """True when the survey creates an ODK entity whose id is a UUID (what Collect makes)."""
    if record.entity_action != "create" or not record.entity_id:
        return False
    try:
        return str(uuid.UUID(record.entity_id)) == record.entity_id
    except ValueError:
        return False


def bin_from_survey(record: SurveyRecord, *, village_id: int | None) -> BinCreate:
    """The bin a survey of a code not yet registered registers, in ``village_id``.

    A survey without its own stream or size registers the import's stated default
    (``record.default_stream`` / ``default_capacity_l``), if it carries one.

    Raises ``InvalidInput`` naming the field when a value is missing or would not make a valid
    bin (the survey is then held for staff rather than registered).
    """
    if record.lat is None or record.lon is None:
        raise missing_value("location", "ตำแหน่ง")
    capacity_l, stream = record.capacity_for_new_bin_l, record.stream_for_new_bin
    if capacity_l is None:
        raise missing_value("capacity_l", "ขนาดถัง")
    if stream is None:
        raise missing_value("stream", "ประเภทขยะ")
    if record.condition is None:
        raise missing_value("condition", "สภาพถัง")
    try:
        return BinCreate(
            code=record.bin_code or "",
            lon=record.lon,
            lat=record.lat,
            capacity_l=capacity_l,
            stream=stream,
            condition=record.condition,
            households_served=record.households_served,
            installed_on=record.installed_on,
            village_id=village_id,
            # a bin created from Collect keeps the entity id the phone gave it, so the phone's
            # own copy of the list and the next download name the same bin
            entity_id=(record.entity_id or "") if is_new_entity_id(record) else new_entity_id(),
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = ".".join(str(p) for p in problem["loc"])
        raise InvalidInput.of(
            "bin_values_invalid",
            field=name,
            field_name=name,
            what_th=_BIN_FIELD_TH.get(name, "ข้อมูลถัง"),
            reason=problem["msg"],
        ) from exc


#: The Thai a village head and staff read for a bin's field (never the English field name).
_BIN_FIELD_TH = {
    "code": "รหัสถัง",
    "lon": "ตำแหน่ง",
    "lat": "ตำแหน่ง",
    "capacity_l": "ขนาดถัง",
    "stream": "ประเภทขยะ",
    "condition": "สภาพถัง",
    "households_served": "จำนวนครัวเรือนที่ใช้ถัง",
    "installed_on": "วันที่ติดตั้ง",
}


def installed_on_after(known: date | None, given: date | None, *, newest: bool) -> date | None:
    """A registered bin's installation date after a survey of it that gives ``given``.

    A survey that does not say keeps the known date (an empty cell is not "never installed");
    a bin without one takes the survey's; between two dates the newest observation wins, like
    the bin's other state.
    """
    if given is None:
        return known
    if known is None or newest:
        return given
    return known
