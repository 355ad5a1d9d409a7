"""Open-data files as bytes: CSV (UTF-8 with BOM, formula-safe cells) and GeoJSON (RFC 7946)."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from fieldsvc.reports.cells import csv_safe_frame


def frame_to_geojson(frame: gpd.GeoDataFrame, *, drop_empty: bool = False) -> dict[str, Any]:
    """A FeatureCollection of ``frame`` in WGS 84; NaN and ±inf become ``null``."""
    if drop_empty:
        frame = frame[frame.geometry.notna()]
    numeric = frame.select_dtypes("number").columns
    if len(numeric):  # JSON has no infinity: ±inf is written as null, like NaN
        frame = frame.copy()
        frame[numeric] = frame[numeric].replace([np.inf, -np.inf], np.nan)
    text = frame.to_json(na="null", drop_id=True, to_wgs84=True)
    data: dict[str, Any] = json.loads(
        text, parse_float=finite_or_none, parse_constant=lambda _name: None
    )
    return data


def finite_or_none(text: str) -> float | None:
    """A JSON number as a float, or None where it does not fit one (JSON has no infinity;
    pandas rounds to 10 significant digits, so a value near the float limit can round past it)."""
    value = float(text)
    return value if math.isfinite(value) else None


def json_bytes(content: Any) -> bytes:
    """Compact UTF-8 JSON with Thai left readable (no ``\\u`` escapes)."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` without its geometry as CSV, UTF-8 with a BOM so Excel reads the Thai."""
    buffer = io.StringIO()
    table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    csv_safe_frame(table).to_csv(buffer, index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
