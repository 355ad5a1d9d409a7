"""National runs and their per-subdistrict results: keyword-only reads and writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select as rows_select  # an entity with plain columns
from sqlmodel import Session, col, select

from fieldsvc.models import NationalResult, NationalRun, Subdistrict
from fieldsvc.models.types import utc_now


def subdistricts_in_order(*, session: Session) -> Sequence[Subdistrict]:
    """Every subdistrict, by DOPA code (the national table's order)."""
    return session.exec(select(Subdistrict).order_by(col(Subdistrict.code))).all()


def create_run(
    *, session: Session, kind: str, parameters: dict[str, Any], cluster: str, subdistricts: int
) -> NationalRun:
    run = NationalRun(kind=kind, parameters=parameters, cluster=cluster, subdistricts=subdistricts)
    session.add(run)
    session.flush()
    return run


def save_result(*, session: Session, result: NationalResult) -> NationalResult:
    """Store a subdistrict's result, replacing one stored before for the same run (a task
    retried after it had written keeps one row). Written through the ORM flush only, so on
    SQLite it queues with the other writers (``storage.sqlite_writers``)."""
    stored = session.exec(
        select(NationalResult).where(
            NationalResult.run_id == result.run_id,
            NationalResult.subdistrict_id == result.subdistrict_id,
        )
    ).first()
    if stored is None:
        session.add(result)
        session.flush()
        return result
    for name in ("status", "error", "summary", "villages", "recommendations", "seconds"):
        setattr(stored, name, getattr(result, name))
    stored.worker, stored.computed_at = result.worker, result.computed_at
    session.add(stored)
    session.flush()
    return stored


def results_of_run(
    *, session: Session, run_id: int
) -> list[tuple[NationalResult | None, Subdistrict]]:
    """Each subdistrict (by code) with its result in run ``run_id`` (None: none stored)."""
    stored = {
        r.subdistrict_id: r
        for r in session.exec(select(NationalResult).where(NationalResult.run_id == run_id))
    }
    return [(stored.get(s.id or 0), s) for s in subdistricts_in_order(session=session)]


def summaries_of_run(
    *, session: Session, run_id: int
) -> list[tuple[Subdistrict, str, str | None, dict[str, Any] | None, float | None]]:
    """Each subdistrict with a result in run ``run_id`` (by code): the subdistrict and its
    result's status, error, summary and seconds. The national table needs no more; the
    per-village and recommendation tables (most of a result's bytes) stay unread."""
    query = (
        rows_select(
            Subdistrict,
            col(NationalResult.status),
            col(NationalResult.error),
            col(NationalResult.summary),
            col(NationalResult.seconds),
        )
        .join(NationalResult, col(NationalResult.subdistrict_id) == col(Subdistrict.id))
        .where(col(NationalResult.run_id) == run_id)
        .order_by(col(Subdistrict.code))
    )
    return [
        (subdistrict, status, error, summary, seconds)
        for subdistrict, status, error, summary, seconds in session.execute(query)
    ]


def finish_run(*, session: Session, run: NationalRun, finished: int, failed: int) -> NationalRun:
    run.finished, run.failed = finished, failed
    run.status = "done" if failed == 0 else "partial"
    run.ended_at = utc_now()
    session.add(run)
    session.flush()
    return run


def get_run(*, session: Session, run_id: int) -> NationalRun | None:
    return session.get(NationalRun, run_id)
