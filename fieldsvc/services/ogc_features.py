"""OGC API – Features (Part 1 Core, GeoJSON, OpenAPI 3.0) at ``/ogc``: the documents a client
such as QGIS, GDAL's OAPIF driver or OWSLib reads — landing page, conformance, collections,
items pages and single features — with links built from the public address.

Access: the public collections answer anyone; the staff collections need a staff token
(401 without one, 403 for a village head), and a caller is only shown the collections it may
read. Links are absolute, from ``FIELDSVC_PUBLIC_BASE_URL`` when set (never a request's Host
header then), else from the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Forbidden, NotFound, Unauthorized
from fieldsvc.models import Role, User
from fieldsvc.services import ogc_collections
from fieldsvc.services.ogc_collections import COLLECTIONS, Collection
from fieldsvc.services.ogc_query import ItemsQuery, check_format, parse_items_query
from fieldsvc.storage.tenancy import subdistrict_ids_of

OGC_PATH = "/ogc"
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
HTML = "text/html"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


def base_url(settings: Settings, request_base: str) -> str:
    """``…/ogc`` from the public address (or the request's, when none is set)."""
    return (settings.public_base_url or request_base).rstrip("/") + OGC_PATH


@dataclass(frozen=True)
class OgcRequest:
    """What every collection document is built from: the database, the settings, the caller
    (None: anonymous), the ``…/ogc`` address and the query string's pairs."""

    session: Session
    settings: Settings
    user: User | None
    base: str
    query: Sequence[tuple[str, str]]


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def may_read(collection: Collection, user: User | None) -> bool:
    return not collection.staff_only or (user is not None and user.role != Role.village_head)


def visible(user: User | None) -> list[Collection]:
    """The collections ``user`` (None: anonymous) may read, in a fixed order."""
    return [c for c in COLLECTIONS.values() if may_read(c, user)]


def require_collection(collection_id: str, user: User | None) -> Collection:
    """The collection, or 404 (unknown), 401 (staff collection, not signed in), 403 (a head)."""
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        expected = [c.id for c in visible(user)]
        raise NotFound.of(
            "ogc_collection_not_found",
            field="collectionId",
            details={"expected": expected},
            collection=collection_id,
            expected=", ".join(expected),
        )
    if collection.staff_only and user is None:
        raise Unauthorized.of("not_signed_in")
    if not may_read(collection, user):
        raise Forbidden.of("staff_only")
    return collection


# --- landing page and conformance --------------------------------------------------------------
def landing_page(*, settings: Settings, base: str, query: Sequence[tuple[str, str]]) -> dict:
    check_format(query)
    return {
        "title": f"{settings.office_name} · OGC API – Features",
        "description": (
            "ทะเบียนถังขยะ หมู่บ้านและความครอบคลุม และจุดวางถังตามแผนที่เผยแพร่ · "
            "Waste-bin register, village coverage and the published plan's sites "
            "(WGS 84 lon/lat, GeoJSON)."
        ),
        "links": [
            _link(base, "self", JSON, "This document"),
            _link(f"{base}/openapi", "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
            _link(f"{base}/api.html", "service-doc", HTML, "The API documentation"),
            _link(f"{base}/conformance", "conformance", JSON, "Conformance classes"),
            _link(f"{base}/collections", "data", JSON, "The collections"),
        ],
    }


def conformance(*, query: Sequence[tuple[str, str]]) -> dict:
    check_format(query)
    return {"conformsTo": CONFORMANCE}


# --- collections -------------------------------------------------------------------------------
def _collection_doc(collection: Collection, request: OgcRequest) -> dict[str, Any]:
    here = f"{request.base}/collections/{collection.id}"
    box, times = ogc_collections.extent(
        collection, session=request.session, settings=request.settings
    )
    extent: dict[str, Any] = {
        "spatial": {"bbox": [list(box) if box else [-180.0, -90.0, 180.0, 90.0]], "crs": CRS84}
    }
    if collection.temporal:
        interval = [_instant(t) for t in times] if times else [None, None]
        extent["temporal"] = {"interval": [interval], "trs": GREGORIAN}
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            _link(here, "self", JSON, "This collection"),
            _link(f"{here}/items", "items", GEOJSON, "Its features (GeoJSON)"),
        ],
    }


def collections(*, request: OgcRequest) -> dict:
    """Every collection the caller may read."""
    check_format(request.query)
    return {
        "links": [_link(f"{request.base}/collections", "self", JSON, "The collections")],
        "collections": [_collection_doc(c, request) for c in visible(request.user)],
    }


def collection(collection_id: str, *, request: OgcRequest) -> dict:
    check_format(request.query)
    return _collection_doc(require_collection(collection_id, request.user), request)


# --- features ----------------------------------------------------------------------------------
def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _page_href(items_url: str, query: ItemsQuery, offset: int) -> str:
    pairs = [*query.raw, ("limit", str(query.limit)), ("offset", str(offset))]
    return f"{items_url}?{urlencode(pairs)}"


def _staff_scope(collection: Collection, request: OgcRequest) -> list[int] | None:
    """The subdistricts whose rows a staff collection shows the caller (None: every one)."""
    if not collection.staff_only or request.user is None:
        return None
    return subdistrict_ids_of(session=request.session, user=request.user)


def items(collection_id: str, *, request: OgcRequest) -> dict:
    """A page of features with ``numberMatched``, ``numberReturned``, ``timeStamp`` and
    ``self`` / ``next`` / ``prev`` links typed ``application/geo+json``."""
    found = require_collection(collection_id, request.user)
    asked = parse_items_query(request.query, queryables=found.queryables, temporal=found.temporal)
    stamp = _instant(datetime.now(UTC))
    features, matched = ogc_collections.items_page(
        found,
        session=request.session,
        settings=request.settings,
        query=asked,
        subdistrict_ids=_staff_scope(found, request),
    )
    here = f"{request.base}/collections/{found.id}"
    url = f"{here}/items"
    links = [
        _link(_page_href(url, asked, asked.offset), "self", GEOJSON, "This page"),
        _link(here, "collection", JSON, "The collection"),
    ]
    if asked.offset + len(features) < matched:
        following = asked.offset + asked.limit
        links.append(_link(_page_href(url, asked, following), "next", GEOJSON, "Next page"))
    if asked.offset > 0:
        earlier = max(asked.offset - asked.limit, 0)
        links.append(_link(_page_href(url, asked, earlier), "prev", GEOJSON, "Previous page"))
    return {
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": stamp,
        "links": links,
    }


def item(collection_id: str, feature_id: str, *, request: OgcRequest) -> dict:
    """One feature with ``self`` and ``collection`` links (404 when there is none)."""
    check_format(request.query)
    found = require_collection(collection_id, request.user)
    feature = ogc_collections.one_feature(
        found,
        feature_id,
        session=request.session,
        settings=request.settings,
        subdistrict_ids=_staff_scope(found, request),
    )
    if feature is None:
        raise NotFound.of(
            "ogc_feature_not_found",
            field="featureId",
            details={"value": feature_id},
            collection=found.id,
            feature=feature_id,
        )
    here = f"{request.base}/collections/{found.id}"
    feature["links"] = [
        _link(f"{here}/items/{quote(str(feature['id']), safe='')}", "self", GEOJSON, "This"),
        _link(here, "collection", JSON, "The collection"),
    ]
    return feature
