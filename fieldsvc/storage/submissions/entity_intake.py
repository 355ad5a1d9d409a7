"""A survey that creates or updates a bin as an ODK entity (``<meta><entity …>``, spec 2024.1).

* An **update** names the bin by its entity id: that bin is the one inspected, whatever code
  the form computed; an id no bin has is held (``entity_not_found``).
* ``baseVersion`` is the list version the phone built the update on. Equal to the bin's
  current version: applied, and the version goes up by one. **Older**: someone else's update
  reached the bin first (two heads, one bin, both offline): the survey is kept and held for
  review (``entity_version_conflict``), never applied over the newer state unseen. **Newer**:
  an earlier update from the same phone (same ``branchId``) has not arrived yet: held
  (``entity_update_waiting``) and applied as soon as that one is, so one phone's offline
  updates apply in the order they were made whatever order they arrive in.
* A **create** registers the bin as any new bin (every check), under the phone's entity id.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.ingest.checks import Flag, blocks_apply
from fieldsvc.ingest.survey import SurveyRecord
from fieldsvc.models import EntityUpdate, Submission
from fieldsvc.storage.entities import (
    EntityBin,
    add_entity_update,
    bin_for_entity,
    entity_update_of,
    entity_version_of,
    waiting_update,
)
from fieldsvc.storage.submissions.apply import apply_or_hold
from fieldsvc.storage.submissions.records import set_flags_of_code

ENTITY_FIELD = "meta/entity"
WAITING_FLAG = "entity_update_waiting"
DATASET = "bins"


def _version_flags(record: SurveyRecord, found: EntityBin) -> list[Flag]:
    base = record.entity_base_version
    if base is None or base == found.version:
        return []
    field = f"{ENTITY_FIELD}/@baseVersion"
    details = {"value": base, "current_version": found.version, "entity_id": record.entity_id}
    code, current = found.code, found.version
    if base < found.version:
        return [
            Flag.of(
                "entity_version_conflict",
                field,
                details,
                code=code,
                base_version=base,
                current_version=current,
            )
        ]
    return [
        Flag.of(
            "entity_update_waiting",
            field,
            details,
            code=code,
            base_version=base,
            current_version=current,
        )
    ]


def entity_target(
    *,
    session: Session,
    record: SurveyRecord,
    bin_id: int | None,
    bin_village_id: int | None,
) -> tuple[SurveyRecord, int | None, int | None, list[Flag]]:
    """The bin a survey's entity names: ``(record, bin id, its village id, flags)``. An update
    (or a create of an id a bin already has) takes that bin's code into the record."""
    if not record.entity_id:
        return record, bin_id, bin_village_id, []
    found = bin_for_entity(session=session, entity_id=record.entity_id)
    if found is None:
        if record.entity_action != "update":
            return record, bin_id, bin_village_id, []
        flag = Flag.of(
            "entity_not_found",
            f"{ENTITY_FIELD}/@id",
            {"value": record.entity_id},
            entity_id=record.entity_id,
        )
        return record, bin_id, bin_village_id, [flag]
    flags = _version_flags(record, found) if record.entity_action == "update" else []
    return replace(record, bin_code=found.code), found.id, found.village_id, flags


def record_entity_update(
    *, session: Session, settings: Settings, submission: Submission, record: SurveyRecord
) -> None:
    """Keep what the survey said about its entity beside it; when it was applied, apply the
    same phone's next update of the bin that arrived before it (and the next, …)."""
    if not record.entity_id or record.entity_action is None:
        return
    bin_id = submission.bin_id
    if bin_id is None and record.entity_action == "update":
        found = bin_for_entity(session=session, entity_id=record.entity_id)
        bin_id = found.id if found else None
    made = (
        entity_version_of(session=session, bin_id=bin_id)
        if submission.applied and bin_id is not None
        else None
    )
    add_entity_update(
        session=session,
        entity_update=EntityUpdate(
            submission_id=submission.id or 0,
            bin_id=bin_id,
            dataset=DATASET,
            entity_id=record.entity_id,
            action=record.entity_action,
            base_version=record.entity_base_version,
            trunk_version=record.entity_trunk_version,
            branch_id=record.entity_branch_id,
            made_version=made,
        ),
    )
    if made is not None and bin_id is not None and record.entity_branch_id:
        _apply_waiting(
            session=session,
            settings=settings,
            bin_id=bin_id,
            branch_id=record.entity_branch_id,
            version=made,
        )


def entity_applied_later(*, session: Session, settings: Settings, submission: Submission) -> None:
    """A survey applied after it was received (a split upload's last part, or staff approving
    a held update): note the version it made, and apply the same phone's next update waiting
    for it. Nothing happens for a survey without an entity."""
    found = entity_update_of(session=session, submission_id=submission.id or 0)
    if found is None or not submission.applied or found.made_version is not None:
        return
    bin_id = submission.bin_id or found.bin_id
    if bin_id is None:
        return
    found.bin_id = bin_id
    found.made_version = entity_version_of(session=session, bin_id=bin_id)
    session.add(found)
    session.flush()
    if found.branch_id:
        _apply_waiting(
            session=session,
            settings=settings,
            bin_id=bin_id,
            branch_id=found.branch_id,
            version=found.made_version,
        )


def _apply_waiting(
    *, session: Session, settings: Settings, bin_id: int, branch_id: str, version: int
) -> None:
    while True:
        found = waiting_update(
            session=session, bin_id=bin_id, branch_id=branch_id, base_version=version
        )
        if found is None:
            return
        submission, entity_update = found
        set_flags_of_code(session=session, submission=submission, code=WAITING_FLAG, flags=[])
        flags = [Flag.from_dict(f) for f in submission.flags or []]
        if not submission.complete or blocks_apply(flags):
            return  # held for another reason too: staff decide
        apply_or_hold(session=session, submission=submission, settings=settings)
        if not submission.applied:
            return
        version = entity_version_of(session=session, bin_id=bin_id)
        entity_update.made_version = version
        session.add(entity_update)
        session.flush()
