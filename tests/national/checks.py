"""Comparisons of a national run with each subdistrict analysed alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.analysis.national import COVERAGE_COLUMNS, coverage_summary
from fieldsvc.models import NationalRun
from fieldsvc.services.national import national_table, recommendation_rows, village_rows
from tests.national.data import CODES, Alone

# Database ids differ between installs; the rows are matched by their order and codes.
IDS = ("village_id", "bin_id", "geometry")


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    plain = pd.DataFrame(frame).drop(columns=[c for c in IDS if c in frame.columns])
    return plain.replace([np.inf, -np.inf], np.nan).reset_index(drop=True)


def assert_same_rows(
    stored: list[dict[str, Any]], alone: pd.DataFrame, *, decimals: int | None = None
) -> None:
    """Row for row, column for column, numbers exactly (the database keeps rows as JSON with
    infinity as null; the single command's CSV writes every float in full) — or to
    ``decimals`` places where the single command's output was rounded so."""
    ours, theirs = _normalised(pd.DataFrame(stored)), _normalised(alone)
    assert list(ours.columns) == list(theirs.columns)
    assert len(ours) == len(theirs) > 0
    for column in theirs.columns:
        if pd.api.types.is_numeric_dtype(theirs[column]):
            np.testing.assert_allclose(
                pd.to_numeric(ours[column], errors="coerce").astype(float),
                theirs[column].astype(float),
                rtol=0,
                atol=0 if decimals is None else 0.5 * 10.0**-decimals,
                equal_nan=True,
                err_msg=column,
            )
        else:
            assert ours[column].fillna("").astype(str).tolist() == (
                theirs[column].fillna("").astype(str).tolist()
            ), column


def runs(engine: Engine) -> list[NationalRun]:
    with Session(engine) as session:
        return list(session.exec(select(NationalRun).order_by(col(NationalRun.id))).all())


def table_of(engine: Engine, run_id: int) -> pd.DataFrame:
    with Session(engine) as session:
        return national_table(session=session, run_id=run_id)


def assert_run_matches_alone(engine: Engine, run_id: int, alone: dict[str, Alone]) -> None:
    """Every subdistrict's stored rows and national-table row equal its single-install run."""
    with Session(engine) as session:
        run = session.get(NationalRun, run_id)
        assert run is not None and run.status == "done"
        villages = village_rows(session=session, run_id=run_id)
        recommendations = recommendation_rows(session=session, run_id=run_id)
        table = national_table(session=session, run_id=run_id).set_index("code")
    assert sorted(villages) == CODES
    for code in CODES:
        assert_same_rows(villages[code], alone[code].coverage)
        expected = coverage_summary(alone[code].coverage)
        row = table.loc[code]
        assert row["status"] == "done"
        for column in COVERAGE_COLUMNS:
            np.testing.assert_allclose(row[column], expected[column], rtol=1e-12, err_msg=column)
        if run.kind == "allocate":
            plan = alone[code].recommendations
            # today's `allocate --out` lists the saved plan, whose rows are stored rounded to
            # 10 decimals (``planning.json_rows``)
            assert_same_rows(recommendations[code], plan, decimals=10)
            assert row["recommended_bins"] == plan["count"].sum()
            np.testing.assert_allclose(row["cost_baht"], plan["cost_baht"].sum(), rtol=1e-12)
