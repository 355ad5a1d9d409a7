"""The intake's hot-path writes as SQLAlchemy Core statements.

Why: a JSON survey is a handful of small statements, and the ORM's unit of work (flush
planning, attribute history, savepoints, re-validation of SQLModel rows) cost more CPU than
the statements themselves (~3.6 ms per survey on SQLite, measured). Here the submission row,
an inspection of an already registered bin and the bin's new state are written with plain
INSERT/UPDATE statements in the caller's transaction; the rest of the ORM session is kept in
step by hand (the new submission is attached as a clean persistent row, a bin the session
had loaded is expired), so callers and later ORM code in the same session see what is stored.
Each inspection is handed to ``work_orders.note_inspection`` like the ORM path's.

Everything here runs on both backends. On SQLite a Core statement does not pass through the
ORM flush, so the writers queue (``sqlite_writers``) is joined explicitly before the first write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, exists, insert, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.observations import (
    Observation,
    bin_from_survey,
    good_fix,
    installed_on_after,
    is_newest,
    newest_state,
    observation_of,
)
from fieldsvc.ingest.survey import SurveyRecord
from fieldsvc.models import Bin, Inspection, InspectionSource, Submission
from fieldsvc.models.types import utc_now
from fieldsvc.storage import sqlite_writers
from fieldsvc.storage.issued_codes import mark_code_used
from fieldsvc.storage.work_orders import OPEN_ORDER_STATUSES, WORK_ORDER, note_inspection

SUBMISSION = Submission.__table__  # type: ignore[attr-defined]
INSPECTION = Inspection.__table__  # type: ignore[attr-defined]
BIN = Bin.__table__  # type: ignore[attr-defined]
_SUBMISSION_COLUMNS = tuple(c.name for c in SUBMISSION.columns if c.name != "id")

# Statements built once, values passed as parameters: building a statement with its values
# (``.values({...})``, ``where(c == 5)``) coerces every value into a bound literal and hashes
# it into the cache key — most of the CPU of a small statement. These hit the compiled cache.
_INSERT_SUBMISSION = insert(SUBMISSION)
_INSERT_INSPECTION = insert(INSPECTION)
_SUPERSEDE = (
    update(SUBMISSION)
    .where(
        SUBMISSION.c.root_id == bindparam("s_root_id"),
        SUBMISSION.c.is_current.is_(True),
        SUBMISSION.c.id != bindparam("s_id"),
    )
    .values(is_current=False)
)
# ... and whether it has an open work order, in the same round trip (a usable inspection of a
# bin with none, the usual case, then needs no work-order statement at all).
_HAS_OPEN_ORDER = (
    exists()
    .where(WORK_ORDER.c.bin_id == BIN.c.id, WORK_ORDER.c.status.in_(OPEN_ORDER_STATUSES))
    .label("has_open_order")
)
_CURRENT_BIN = (
    select(BIN.c.id, BIN.c.village_id, BIN.c.last_inspected_at, BIN.c.installed_on, _HAS_OPEN_ORDER)
    .where(BIN.c.id == bindparam("b_id"))
    .with_for_update(of=BIN)
)
# SET: the keys passed, and one more entity version (each inspection is an entity update)
_UPDATE_BIN = (
    update(BIN).where(BIN.c.id == bindparam("b_id")).values(entity_version=BIN.c.entity_version + 1)
)
_MARK_APPLIED = (
    update(SUBMISSION)
    .where(SUBMISSION.c.id == bindparam("s_id"))
    .values(applied=True, bin_id=bindparam("s_bin_id"), village_id=bindparam("s_village_id"))
)
_INSERT_BIN = insert(BIN)
# The stored version with a survey's instance id and the registered bin with its code, in one
# round trip (both are almost always looked up; usually neither exists for the first).
STORED_AND_BIN_IDS = select(
    select(SUBMISSION.c.id)
    .where(SUBMISSION.c.instance_id == bindparam("instance_id"))
    .scalar_subquery(),
    select(BIN.c.id).where(BIN.c.code == bindparam("code")).scalar_subquery(),
    select(BIN.c.village_id).where(BIN.c.code == bindparam("code")).scalar_subquery(),
)


def insert_submission(*, session: Session, submission: Submission) -> None:
    """INSERT the new ``submission`` and make it a clean persistent row of ``session`` (its id
    set), as a flush would — without the unit of work. A concurrent twin with the same
    instance id fails here with ``IntegrityError``, as before (the caller retries)."""
    sqlite_writers.join_queue(session)
    values = {name: getattr(submission, name) for name in _SUBMISSION_COLUMNS}
    result = cast(CursorResult[Any], session.execute(_INSERT_SUBMISSION, values))
    submission.id = result.inserted_primary_key[0]  # type: ignore[index]
    _attach_clean(session, submission)


def _attach_clean(session: Session, row: Submission) -> None:
    key = session.identity_key(instance=row)
    stale = session.identity_map.get(key)
    if stale is not None:  # SQLite may reuse the id of a row rolled back in this session
        session.expunge(stale)
    make_transient_to_detached(row)
    session.add(row)


def supersede_older_versions(*, session: Session, submission: Submission) -> None:
    """Every other version of this survey is no longer current (one UPDATE; loaded versions
    are told so too)."""
    session.execute(_SUPERSEDE, {"s_root_id": submission.root_id, "s_id": submission.id})
    for loaded in list(session.identity_map.values()):
        if (
            isinstance(loaded, Submission)
            and loaded is not submission
            and loaded.root_id == submission.root_id
        ):
            session.expire(loaded, ["is_current"])


@dataclass(frozen=True)
class BinNow:
    """The registered bin's state, read with the write lock held (fresh)."""

    id: int
    village_id: int | None
    last_inspected_at: datetime | None
    installed_on: date | None = None
    has_open_order: bool = False


def current_bin(*, session: Session, bin_id: int) -> BinNow | None:
    """The bin as it is now, locked (``FOR UPDATE`` on PostgreSQL; on SQLite this transaction
    already holds the write lock), so two surveys of one bin cannot undo each other."""
    row = session.execute(_CURRENT_BIN, {"b_id": bin_id}).first()
    return BinNow(row[0], row[1], row[2], row[3], bool(row[4])) if row is not None else None


def inspect_registered_bin(
    *,
    session: Session,
    record: SurveyRecord,
    submission: Submission,
    bin_now: BinNow,
    point_village_id: int | None,
    max_gps_accuracy_m: float,
) -> None:
    """Apply a clean survey of a registered bin: append its inspection, bring the bin's state
    in step if this is its latest observation, and mark the submission applied — the same
    rules as ``apply._apply_bin_survey`` + ``register.record_inspection``, in three statements.
    ``record.condition`` must be set and ``point_village_id`` known (the caller checks)."""
    assert record.condition is not None and submission.id is not None
    with_point = good_fix(record, max_gps_accuracy_m=max_gps_accuracy_m)
    observation = observation_of(record, received_at=submission.received_at, with_point=with_point)
    inserted = cast(
        CursorResult[Any],
        session.execute(_INSERT_INSPECTION, _inspection_row(observation, submission, bin_now.id)),
    )
    changes: dict[str, Any] = {"updated_at": utc_now()}
    village_id = bin_now.village_id
    newest = is_newest(observation.observed_at, bin_now.last_inspected_at)
    if newest:
        changes.update(newest_state(observation, point_village_id=point_village_id))
        village_id = changes.get("village_id", village_id)
    installed_on = installed_on_after(bin_now.installed_on, record.installed_on, newest=newest)
    if installed_on != bin_now.installed_on:
        changes["installed_on"] = installed_on
    session.execute(_UPDATE_BIN, {**changes, "b_id": bin_now.id})
    _expire_loaded(session, Bin, bin_now.id)
    _mark_applied(session, submission, bin_id=bin_now.id, village_id=village_id)
    note_inspection(
        session=session,
        bin_id=bin_now.id,
        village_id=village_id,
        condition=observation.condition,
        observed_at=observation.observed_at,
        inspection_id=inserted.inserted_primary_key[0],  # type: ignore[index]
        has_open_order=bin_now.has_open_order,
    )


def register_new_bin(
    *,
    session: Session,
    record: SurveyRecord,
    submission: Submission,
    point_village_id: int,
) -> bool:
    """Apply a clean survey of a bin not yet registered, at a usable point inside village
    ``point_village_id``: the bin (already in the state its first inspection gives it), that
    inspection, and the submission marked applied — three statements, the same rows as
    ``apply._register_new_bin`` + ``record_inspection``. False, with nothing written, when a
    value would not make a valid bin (the general apply then holds the survey with a flag).
    A concurrent survey registering the same code fails with ``IntegrityError`` and is retried
    by the caller, as before."""
    try:
        bin_in = bin_from_survey(record, village_id=point_village_id)
    except InvalidInput:
        return False  # the general apply names the field in its flag
    # The bin is inserted already in the state its first inspection gives it (the ORM apply
    # inserts, then brings it in step): one statement fewer, the same row.
    observation = observation_of(record, received_at=submission.received_at, with_point=True)
    now = utc_now()
    values = {
        **bin_in.model_dump(),
        **newest_state(observation, point_village_id=point_village_id),
        "subdistrict_id": submission.subdistrict_id,
        "created_at": now,
        "updated_at": now,
    }
    result = cast(CursorResult[Any], session.execute(_INSERT_BIN, values))
    bin_id = result.inserted_primary_key[0]  # type: ignore[index]
    inserted = cast(
        CursorResult[Any],
        session.execute(_INSERT_INSPECTION, _inspection_row(observation, submission, bin_id)),
    )
    mark_code_used(session=session, code=bin_in.code, bin_id=bin_id)
    _mark_applied(session, submission, bin_id=bin_id, village_id=point_village_id)
    note_inspection(
        session=session,
        bin_id=bin_id,
        village_id=point_village_id,
        condition=observation.condition,
        observed_at=observation.observed_at,
        inspection_id=inserted.inserted_primary_key[0],  # type: ignore[index]
        has_open_order=False,  # a bin registered just now
    )
    return True


def _mark_applied(
    session: Session, submission: Submission, *, bin_id: int, village_id: int | None
) -> None:
    village_id = village_id or submission.village_id
    session.execute(
        _MARK_APPLIED, {"s_id": submission.id, "s_bin_id": bin_id, "s_village_id": village_id}
    )
    # Set as the stored values, not as changes: a changed attribute would make the session
    # flush the row again (an ORM UPDATE) before its next statement.
    set_committed_value(submission, "bin_id", bin_id)
    set_committed_value(submission, "village_id", village_id)
    set_committed_value(submission, "applied", True)


def _inspection_row(
    observation: Observation, submission: Submission, bin_id: int
) -> dict[str, Any]:
    """The inspection row of a first survey (source ``survey``), as an INSERT's parameters."""
    return {
        **observation.columns(),
        "bin_id": bin_id,
        "submission_id": submission.id,
        "source": InspectionSource.survey,
        "recorded_at": utc_now(),
    }


def _expire_loaded(session: Session, model: type[Any], row_id: int) -> None:
    """A row this session had loaded was changed behind the ORM's back: reload it on next use."""
    loaded = session.identity_map.get(session.identity_key(model, row_id))
    if loaded is not None:
        session.expire(loaded)
