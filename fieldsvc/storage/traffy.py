"""Traffy Fondue tickets: the ones already stored (by ticket id) and the layer as a frame."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from sqlmodel import Session, col, select

from fieldsvc.models import TraffyTicket, Village

WGS84 = "EPSG:4326"

#: The columns of :func:`traffy_frame`, besides the point.
TRAFFY_COLUMNS = (
    "id",
    "ticket_id",
    "types",
    "comment",
    "state",
    "reported_at",
    "last_activity",
    "photo_url",
    "photo_after_url",
    "address",
    "village_id",
)


def stored_tickets(*, session: Session) -> dict[str, TraffyTicket]:
    """Every stored ticket by its Traffy ticket id (a subdistrict holds a few thousand)."""
    return {t.ticket_id: t for t in session.exec(select(TraffyTicket))}


def village_shapes(*, session: Session, subdistrict_id: int) -> list[tuple[int, shapely.Geometry]]:
    """``(village id, boundary)`` of the subdistrict's villages with a boundary, by number."""
    query = (
        select(Village)
        .where(Village.subdistrict_id == subdistrict_id)
        .order_by(col(Village.number))
    )
    return [(v.id, v.boundary) for v in session.exec(query) if v.id and v.boundary is not None]


def traffy_frame(*, session: Session, subdistrict_id: int | None = None) -> gpd.GeoDataFrame:
    """The stored tickets as WGS 84 points, newest report first; only subdistrict
    ``subdistrict_id``'s when given (None: every subdistrict)."""
    query = select(TraffyTicket).order_by(
        col(TraffyTicket.reported_at).desc(), col(TraffyTicket.id)
    )
    if subdistrict_id is not None:
        query = query.where(TraffyTicket.subdistrict_id == subdistrict_id)
    rows = session.exec(query).all()
    frame = pd.DataFrame.from_records(
        [{c: getattr(t, c) for c in TRAFFY_COLUMNS} for t in rows], columns=list(TRAFFY_COLUMNS)
    )
    points = shapely.points([t.lon for t in rows], [t.lat for t in rows]) if rows else []
    return gpd.GeoDataFrame(frame, geometry=list(points), crs=WGS84)
