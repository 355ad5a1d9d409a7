"""Applying a stored survey to the register: a bin inspection, a new bin, or village counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.checks import Flag, coordinates_usable
from fieldsvc.ingest.observations import (
    bin_from_survey,
    good_fix,
    installed_on_after,
    is_newest,
    missing_value,
    observation_of,
)
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import Bin, Inspection, InspectionSource, Submission, Village
from fieldsvc.models.types import utc_now
from fieldsvc.storage.issued_codes import mark_code_used
from fieldsvc.storage.places import Whereabouts, locate
from fieldsvc.storage.register import record_inspection
from fieldsvc.storage.submissions.queries import get_submission_by_instance
from fieldsvc.storage.submissions.records import add_flags, record_from_parsed


@dataclass(frozen=True)
class LookedUp:
    """What receiving already looked up, so applying does not ask again: the version an edit
    replaces, the id of the registered bin with the survey's code, and the survey's places."""

    previous: Submission | None
    bin_id: int | None
    places: Whereabouts


def _point_village_id(places: Whereabouts) -> int | None:
    return places.at_point.id if places.at_point else None


def _register_new_bin(
    *,
    session: Session,
    record: SurveyRecord,
    submission: Submission,
    source: InspectionSource,
    places: Whereabouts,
) -> Bin:
    bin_in = bin_from_survey(record, village_id=_point_village_id(places) or submission.village_id)
    bin_row = Bin.model_validate(bin_in)
    bin_row.subdistrict_id = submission.subdistrict_id
    session.add(bin_row)
    session.flush()
    mark_code_used(session=session, code=bin_row.code, bin_id=bin_row.id or 0)
    record_inspection(
        session=session,
        bin_row=bin_row,
        inspection=_inspection(record, submission, source, True),
        point_village_id=_point_village_id(places),
    )
    return bin_row


def _inspection(
    record: SurveyRecord, submission: Submission, source: InspectionSource, with_point: bool
) -> Inspection:
    observation = observation_of(record, received_at=submission.received_at, with_point=with_point)
    return Inspection(bin_id=0, submission_id=submission.id, source=source, **observation.columns())


def _renamed_bin(
    *, session: Session, record: SurveyRecord, previous: Submission | None
) -> Bin | None:
    """An edit that only fixes the code of the bin its earlier version registered."""
    if previous is None or previous.bin_id is None or not record.bin_code:
        return None
    bin_row = session.get(Bin, previous.bin_id)
    if bin_row is None or bin_row.code != (previous.parsed or {}).get("bin_code"):
        return None
    root_ids = set(
        session.exec(select(Submission.id).where(Submission.root_id == previous.root_id)).all()
    )
    sources = set(
        session.exec(select(Inspection.submission_id).where(Inspection.bin_id == bin_row.id)).all()
    )
    if not sources <= root_ids:
        return None  # the bin has its own history: a code change is a different bin
    bin_row.code = record.bin_code
    session.add(bin_row)
    return bin_row


def _current_bin(*, session: Session, record: SurveyRecord, looked_up: LookedUp) -> Bin | None:
    """The registered bin with the survey's code, as it is *now*: read again and locked
    (``FOR UPDATE`` on PostgreSQL; on SQLite this transaction already holds the write lock),
    so that two surveys of one bin applied at once cannot undo each other's newer state."""
    query = select(Bin).with_for_update().execution_options(populate_existing=True)
    if looked_up.bin_id is not None:
        return session.exec(query.where(Bin.id == looked_up.bin_id)).first()
    return session.exec(query.where(Bin.code == record.bin_code)).first()


def _apply_bin_survey(
    *,
    session: Session,
    record: SurveyRecord,
    submission: Submission,
    settings: Settings,
    looked_up: LookedUp,
    source: InspectionSource,
) -> None:
    if not record.bin_code:
        raise missing_value("bin_code", "รหัสถัง")
    bin_row = _current_bin(session=session, record=record, looked_up=looked_up)
    if bin_row is None:
        bin_row = _renamed_bin(session=session, record=record, previous=looked_up.previous)
    if bin_row is None:
        bin_row = _register_new_bin(
            session=session,
            record=record,
            submission=submission,
            source=source,
            places=looked_up.places,
        )
    else:
        if record.condition is None:
            raise missing_value("condition", "สภาพถัง")
        with_point = good_fix(record, max_gps_accuracy_m=settings.max_gps_accuracy_m)
        inspection = _inspection(record, submission, source, with_point)
        bin_row.installed_on = installed_on_after(
            bin_row.installed_on,
            record.installed_on,
            newest=is_newest(inspection.observed_at, bin_row.last_inspected_at),
        )
        bin_row.entity_version += 1  # each applied inspection is one entity update
        record_inspection(
            session=session,
            bin_row=bin_row,
            inspection=inspection,
            point_village_id=_point_village_id(looked_up.places),
        )
    submission.bin_id = bin_row.id
    submission.village_id = bin_row.village_id or submission.village_id


def _apply_village_counts(
    *, session: Session, record: SurveyRecord, submission: Submission, looked_up: LookedUp
) -> None:
    claimed = looked_up.places.claimed
    village = session.get(Village, claimed.id) if claimed else None
    if village is None:
        raise missing_value("village", "หมู่ที่ที่มีอยู่ในทะเบียน")
    submission.village_id = village.id
    newer = session.exec(
        select(Submission.id).where(
            Submission.form_id == record.form_id,
            Submission.village_id == village.id,
            col(Submission.applied).is_(True),
            col(Submission.is_current).is_(True),
            Submission.root_id != submission.root_id,
            col(Submission.observed_at) > (record.observed_at or utc_now()),
        )
    ).first()
    if newer is None:  # a late-arriving older count does not override a newer one
        if record.village_households is not None and record.village_households >= 0:
            village.households = record.village_households
        if record.village_population is not None and record.village_population >= 0:
            village.population = record.village_population
        session.add(village)


def _look_up(*, session: Session, record: SurveyRecord, submission: Submission) -> LookedUp:
    previous = None
    if submission.deprecated_id:
        previous = get_submission_by_instance(session=session, instance_id=submission.deprecated_id)
    point = (record.lon or 0, record.lat or 0) if coordinates_usable(record) else None
    within = [submission.subdistrict_id] if submission.subdistrict_id is not None else None
    places = locate(session=session, number=record.village_number, point=point, within=within)
    return LookedUp(previous=previous, bin_id=None, places=places)


def apply_submission(
    *,
    session: Session,
    submission: Submission,
    settings: Settings,
    looked_up: LookedUp | None = None,
) -> None:
    """Apply a stored survey to the register (bins or village counts). Runs in the caller's
    transaction; raises ``InvalidInput`` naming the field when the survey cannot be applied.
    ``looked_up``: what the caller already looked up in this transaction (else looked up here)."""
    record = record_from_parsed(submission.parsed)
    looked_up = looked_up or _look_up(session=session, record=record, submission=submission)
    edit = looked_up.previous is not None and looked_up.previous.applied
    source = InspectionSource.correction if edit else InspectionSource.survey
    if record.form_id == BIN_SURVEY_FORM:
        _apply_bin_survey(
            session=session,
            record=record,
            submission=submission,
            settings=settings,
            looked_up=looked_up,
            source=source,
        )
    else:
        _apply_village_counts(
            session=session, record=record, submission=submission, looked_up=looked_up
        )
    submission.applied = True
    session.add(submission)
    session.flush()


def apply_or_hold(
    *,
    session: Session,
    submission: Submission,
    settings: Settings,
    looked_up: LookedUp | None = None,
) -> None:
    """Apply; if the register refuses (a case no rule foresaw), keep the survey, undo the
    partial apply (savepoint) and hold it with a ``cannot_apply`` flag instead of failing."""
    try:
        with session.begin_nested():
            apply_submission(
                session=session, submission=submission, settings=settings, looked_up=looked_up
            )
    except InvalidInput as exc:
        submission.applied = False
        add_flags(
            session=session,
            submission=submission,
            flags=[
                Flag.of(
                    "cannot_apply",
                    exc.field or "",
                    {"value": exc.details.get("value")},
                    reason_th=exc.message_th,
                    reason_en=exc.message_en,
                )
            ],
        )
