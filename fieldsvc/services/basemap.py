"""The base map a phone draws under its bins when no tile layer is set: the outlines of the
user's villages and the roads around them, from the office's OpenStreetMap extract."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
from sqlmodel import Session

from fieldsvc.analysis.roads import base_map_layers, roads_from_pbf
from fieldsvc.config import Settings
from fieldsvc.models import User
from fieldsvc.services.phone_scope import phone_village_ids
from fieldsvc.storage.frames import villages_frame


@lru_cache(maxsize=2)
def _roads(path: str, modified: float) -> gpd.GeoDataFrame:
    """The extract's roads, read once per file version (reading a .pbf takes seconds)."""
    return roads_from_pbf(path)


def office_roads(settings: Settings) -> gpd.GeoDataFrame | None:
    """Roads of the office's extract (``osm_pbf_path``), or None when it has none."""
    path = settings.osm_pbf_path
    if path is None or not Path(path).is_file():
        return None
    return _roads(str(path), Path(path).stat().st_mtime)


def phone_base_map(*, session: Session, settings: Settings, user: User) -> gpd.GeoDataFrame:
    """Outlines of the villages ``user`` may see (a head's, or their subdistricts') and the
    roads around them (lines, WGS 84)."""
    villages = villages_frame(session=session)
    allowed = phone_village_ids(session=session, user=user)
    if allowed is not None:
        villages = villages[villages["village_id"].isin(allowed)]
    return base_map_layers(villages, office_roads(settings))
