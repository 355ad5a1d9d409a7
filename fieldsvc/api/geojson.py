"""GeoJSON responses (RFC 7946, ``application/geo+json``) from GeoDataFrames."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from fieldsvc.reports.open_data import frame_to_geojson, json_bytes

__all__ = ["GEOJSON_MEDIA_TYPE", "GeoJSONResponse", "frame_to_geojson"]

GEOJSON_MEDIA_TYPE = "application/geo+json"


class GeoJSONResponse(Response):
    media_type = GEOJSON_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json_bytes(content)
