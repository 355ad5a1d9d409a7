"""GeoJSON responses (RFC 7946, ``application/geo+json``) from GeoDataFrames."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
from fastapi.responses import Response

from fieldsvc.services.planning import finite_or_none

GEOJSON_MEDIA_TYPE = "application/geo+json"


def frame_to_geojson(frame: gpd.GeoDataFrame, *, drop_empty: bool = False) -> dict[str, Any]:
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


class GeoJSONResponse(Response):
    media_type = GEOJSON_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
