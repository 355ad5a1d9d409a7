"""The test register's make, shared by the fixtures and the checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench.national_register import subdistrict_code

SUBDISTRICTS = 3
SIZE = 0.12  # ≈ 380 households and 11 bins per subdistrict
BUDGET_BAHT = 20_000.0
CODES = [subdistrict_code(i) for i in range(SUBDISTRICTS)]
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Alone:
    """One subdistrict analysed by today's commands in an install holding only it."""

    coverage: pd.DataFrame  # `fieldsvc coverage --out …csv`
    recommendations: pd.DataFrame  # `fieldsvc allocate --budget-baht … --out …csv`
