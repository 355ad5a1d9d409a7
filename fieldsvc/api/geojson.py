"""GeoJSON responses (RFC 7946, ``application/geo+json``) from GeoDataFrames."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
from fastapi.responses import Response

GEOJSON_MEDIA_TYPE = "application/geo+json"


def frame_to_geojson(frame: gpd.GeoDataFrame, *, drop_empty: bool = False) -> dict[str, Any]:
    if drop_empty:
        frame = frame[frame.geometry.notna()]
    data: dict[str, Any] = json.loads(frame.to_json(na="null", drop_id=True, to_wgs84=True))
    return data


class GeoJSONResponse(Response):
    media_type = GEOJSON_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
