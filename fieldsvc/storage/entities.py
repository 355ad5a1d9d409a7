"""Bins as ODK entities (list ``bins``): the rows of the list a phone downloads, which listed
bins are gone, and what each Collect submission said about the entity it creates or updates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from fieldsvc.models import Bin, EntityUpdate, Submission, Village


@dataclass(frozen=True)
class EntityBin:
    """A bin as its entity: row id, village, code and the current entity version."""

    id: int
    village_id: int | None
    code: str
    version: int


@dataclass(frozen=True)
class EntityRow:
    """One row of the entity list: the bin's entity, its label parts and its properties."""

    entity_id: str
    version: int
    code: str
    village_number: int | None
    village_name: str | None
    capacity_l: int
    stream: str
    condition: str
    lat: float
    lon: float
    last_inspected_on: str


def bin_for_entity(*, session: Session, entity_id: str) -> EntityBin | None:
    """The bin whose entity id is ``entity_id``, or None."""
    row = session.exec(
        select(Bin.id, Bin.village_id, Bin.code, Bin.entity_version).where(
            Bin.entity_id == entity_id
        )
    ).first()
    if row is None:
        return None
    return EntityBin(id=row[0] or 0, village_id=row[1], code=row[2], version=row[3])


def entity_version_of(*, session: Session, bin_id: int) -> int:
    """The bin's entity version as stored now (after this transaction's writes)."""
    return int(session.exec(select(Bin.entity_version).where(Bin.id == bin_id)).one())


def entity_rows(*, session: Session, village_ids: Sequence[int] | None) -> list[EntityRow]:
    """The bins of ``village_ids`` (None: every bin) as entity list rows, by code."""
    query = (
        select(Bin, Village.number, Village.name)
        .join(Village, col(Bin.village_id) == col(Village.id), isouter=True)
        .order_by(col(Bin.code))
    )
    if village_ids is not None:
        query = query.where(col(Bin.village_id).in_(list(village_ids)))
    rows = []
    for bin_row, number, name in session.exec(query):
        inspected = bin_row.last_inspected_at
        rows.append(
            EntityRow(
                entity_id=bin_row.entity_id,
                version=bin_row.entity_version,
                code=bin_row.code,
                village_number=number,
                village_name=name,
                capacity_l=bin_row.capacity_l,
                stream=str(bin_row.stream),
                condition=str(bin_row.condition),
                lat=bin_row.lat,
                lon=bin_row.lon,
                last_inspected_on=inspected.date().isoformat() if inspected else "",
            )
        )
    return rows


def listed_entity_ids(
    *, session: Session, entity_ids: Sequence[str], village_ids: Sequence[int] | None
) -> set[str]:
    """Those of ``entity_ids`` that are bins of ``village_ids`` (None: any village)."""
    if not entity_ids:
        return set()
    query = select(Bin.entity_id).where(col(Bin.entity_id).in_(list(entity_ids)))
    if village_ids is not None:
        query = query.where(col(Bin.village_id).in_(list(village_ids)))
    return set(session.exec(query))


def add_entity_update(*, session: Session, entity_update: EntityUpdate) -> EntityUpdate:
    session.add(entity_update)
    session.flush()
    return entity_update


def entity_update_of(*, session: Session, submission_id: int) -> EntityUpdate | None:
    """What the survey ``submission_id`` said about its entity, if anything."""
    return session.exec(
        select(EntityUpdate).where(EntityUpdate.submission_id == submission_id)
    ).first()


def waiting_update(
    *, session: Session, bin_id: int, branch_id: str, base_version: int
) -> tuple[Submission, EntityUpdate] | None:
    """The held update of ``bin_id`` that the offline branch ``branch_id`` built on
    ``base_version`` (the next one of that phone), if it arrived before its predecessor."""
    row = session.exec(
        select(Submission, EntityUpdate)
        .join(EntityUpdate, col(EntityUpdate.submission_id) == col(Submission.id))
        .where(
            EntityUpdate.bin_id == bin_id,
            EntityUpdate.branch_id == branch_id,
            EntityUpdate.base_version == base_version,
            col(EntityUpdate.made_version).is_(None),
            col(Submission.applied).is_(False),
            col(Submission.is_current).is_(True),
        )
        .order_by(col(Submission.id))
    ).first()
    return (row[0], row[1]) if row is not None else None
