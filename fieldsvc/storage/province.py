"""The provincial overview's reads: per-subdistrict register counts, this month's surveys and
each subdistrict's latest finished national result. Keyword-only, grouped in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from fieldsvc.models import (
    Bin,
    Household,
    Inspection,
    InspectionSource,
    NationalResult,
    NationalRun,
    Subdistrict,
    Village,
)
from fieldsvc.models.enums import Condition

#: National runs whose results are final (a ``running`` run may still be writing).
FINISHED_RUN_STATES = ("done", "partial")


def subdistricts_with_prefix(*, session: Session, prefix: str | None) -> Sequence[Subdistrict]:
    """Subdistricts whose DOPA code starts with ``prefix`` (all when None), by code."""
    query = select(Subdistrict).order_by(col(Subdistrict.code))
    if prefix:
        query = query.where(col(Subdistrict.code).startswith(prefix))
    return session.exec(query).all()


def province_counts(
    *, session: Session, subdistrict_ids: Sequence[int] | None = None
) -> list[tuple[str, int]]:
    """(two-digit province code, number of subdistricts) of every province with a subdistrict
    (of ``subdistrict_ids`` only when given), by code."""
    province = func.substr(col(Subdistrict.code), 1, 2)
    query = select(province, func.count(col(Subdistrict.id))).group_by(province).order_by(province)
    if subdistrict_ids is not None:
        query = query.where(col(Subdistrict.id).in_(list(subdistrict_ids)))
    return [(str(code), int(n)) for code, n in session.exec(query)]


def village_households(
    *, session: Session, subdistrict_ids: Sequence[int]
) -> list[tuple[int, int, int | None, float]]:
    """(subdistrict id, village id, registered households or None, household points' weight)
    for every village of the subdistricts."""
    if not subdistrict_ids:
        return []
    points = (
        select(col(Household.village_id), func.sum(col(Household.weight)))
        .join(Village, col(Village.id) == col(Household.village_id))
        .where(col(Village.subdistrict_id).in_(list(subdistrict_ids)))
        .group_by(col(Household.village_id))
    )
    weights = {vid: float(w or 0) for vid, w in session.exec(points) if vid is not None}
    villages = session.exec(
        select(Village.subdistrict_id, Village.id, Village.households).where(
            col(Village.subdistrict_id).in_(list(subdistrict_ids))
        )
    )
    return [(sid, vid or 0, hh, weights.get(vid or 0, 0.0)) for sid, vid, hh in villages]


def bin_counts(*, session: Session, subdistrict_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """subdistrict id → (bins registered, bins usable now) of the bins in its villages."""
    if not subdistrict_ids:
        return {}
    query = (
        select(
            col(Village.subdistrict_id),
            func.count(col(Bin.id)),
            func.sum(case((col(Bin.condition) == Condition.usable.value, 1), else_=0)),
        )
        .join(Village, col(Village.id) == col(Bin.village_id))
        .where(col(Village.subdistrict_id).in_(list(subdistrict_ids)))
        .group_by(col(Village.subdistrict_id))
    )
    return {sid: (int(total), int(ok or 0)) for sid, total, ok in session.exec(query)}


def surveys_between(
    *, session: Session, subdistrict_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, tuple[int, int]]:
    """subdistrict id → (survey inspections, distinct bins surveyed) observed in
    ``[start, end)`` (aware datetimes) in its villages."""
    if not subdistrict_ids:
        return {}
    query = (
        select(
            col(Village.subdistrict_id),
            func.count(col(Inspection.id)),
            func.count(func.distinct(col(Inspection.bin_id))),
        )
        .join(Bin, col(Bin.id) == col(Inspection.bin_id))
        .join(Village, col(Village.id) == col(Bin.village_id))
        .where(
            col(Inspection.source) == InspectionSource.survey.value,
            col(Inspection.observed_at) >= start.astimezone(UTC),
            col(Inspection.observed_at) < end.astimezone(UTC),
            col(Village.subdistrict_id).in_(list(subdistrict_ids)),
        )
        .group_by(col(Village.subdistrict_id))
    )
    return {sid: (int(n), int(bins)) for sid, n, bins in session.exec(query)}


def latest_results(
    *, session: Session, subdistrict_ids: Sequence[int]
) -> dict[int, tuple[dict[str, Any], int, datetime | None]]:
    """subdistrict id → (summary, run id, when the run ended) of its most recent successful
    result in a finished national run (of either kind: both carry the coverage columns).

    The latest run is found per subdistrict in the database, so only one summary each is read
    (not the per-village tables, nor older runs).
    """
    if not subdistrict_ids:
        return {}
    ids = list(subdistrict_ids)
    latest = (
        select(
            col(NationalResult.subdistrict_id).label("subdistrict_id"),
            func.max(col(NationalResult.run_id)).label("run_id"),
        )
        .join(NationalRun, col(NationalRun.id) == col(NationalResult.run_id))
        .where(
            col(NationalRun.status).in_(FINISHED_RUN_STATES),
            col(NationalResult.status) == "done",
            col(NationalResult.subdistrict_id).in_(ids),
        )
        .group_by(col(NationalResult.subdistrict_id))
        .subquery()
    )
    query = (
        select(
            col(NationalResult.subdistrict_id),
            col(NationalResult.summary),
            col(NationalRun.id),
            col(NationalRun.ended_at),
        )
        .join(
            latest,
            (latest.c.subdistrict_id == col(NationalResult.subdistrict_id))
            & (latest.c.run_id == col(NationalResult.run_id)),
        )
        .join(NationalRun, col(NationalRun.id) == col(NationalResult.run_id))
    )
    return {
        sid: (dict(summary or {}), run_id or 0, ended)
        for sid, summary, run_id, ended in session.exec(query)
    }
