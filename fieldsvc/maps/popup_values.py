"""Values for a layer's popup table. folium writes popup values into innerHTML, so every stored
text is escaped here; a missing value shows as a dash."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import pandas as pd

from fieldsvc.thai import format_be_date

MISSING = "–"


def popup_text(value: Any) -> str:
    """``value`` as escaped text, or a dash when it is missing or empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return MISSING
    return html.escape(str(value))


def popup_date(value: Any) -> str:
    """A moment as a short Thai date (B.E.), or a dash."""
    if not isinstance(value, datetime):
        return MISSING
    return format_be_date(value, thai_digits=False, short=True)
