"""The OpenAPI 3.0 document of ``/ogc`` (the landing page's ``service-desc``).

Paths are relative to the server URL ``…/ogc`` and written per collection
(``/collections/bins/items``), as GDAL looks them up; each items path lists the collection's
filterable properties. ``components.parameters.limit`` carries ``default`` and ``maximum``:
QGIS takes its page size from there.
"""

from __future__ import annotations

from typing import Any

from fieldsvc import __version__
from fieldsvc.config import Settings
from fieldsvc.models import User
from fieldsvc.services.ogc_collections import Collection
from fieldsvc.services.ogc_features import GEOJSON, JSON, OPENAPI, visible
from fieldsvc.services.ogc_query import DEFAULT_LIMIT, MAX_LIMIT, Queryable

_REF = "#/components/parameters/"


def _answer(media_type: str, description: str) -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "content": {media_type: {"schema": {"type": "object"}}},
        },
        "400": {"description": "A query parameter is invalid (named in the answer)"},
        "401": {"description": "A staff collection asked for without a token"},
        "403": {"description": "A staff collection asked for by a village head"},
        "404": {"description": "No such collection or feature"},
    }


def _get(operation_id: str, summary: str, media_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["OGC API – Features"],
            "responses": _answer(media_type, summary),
            **extra,
        }
    }


def _queryable(name: str, queryable: Queryable) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer" if queryable.kind == "integer" else "string"}
    if queryable.kind == "enum":
        schema["enum"] = list(queryable.values)
    if queryable.kind == "integer":
        schema.update(minimum=queryable.minimum, maximum=queryable.maximum)
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": queryable.description or f"only features whose {name} equals this",
        "schema": schema,
        "style": "form",
        "explode": False,
    }


def _collection_paths(collection: Collection) -> dict[str, Any]:
    here = f"/collections/{collection.id}"
    key = collection.id.replace("-", "_")
    parameters: list[dict[str, Any]] = [
        {"$ref": _REF + name} for name in ("bbox", "limit", "offset", "f")
    ]
    if collection.temporal:
        parameters.append({"$ref": _REF + "datetime"})
    parameters += [_queryable(n, q) for n, q in collection.queryables.items()]
    return {
        here: _get(f"describe_{key}", f"The {collection.id} collection", JSON),
        f"{here}/items": _get(
            f"get_{key}_features",
            f"Features of {collection.id} (GeoJSON, paged)",
            GEOJSON,
            parameters=parameters,
        ),
        f"{here}/items/{{featureId}}": _get(
            f"get_{key}_feature",
            f"One feature of {collection.id}",
            GEOJSON,
            parameters=[{"$ref": _REF + "featureId"}, {"$ref": _REF + "f"}],
        ),
    }


COMPONENT_PARAMETERS: dict[str, Any] = {
    "limit": {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": (
            f"How many features one page holds: {DEFAULT_LIMIT} when not given; a larger "
            f"value than {MAX_LIMIT:,} is served as {MAX_LIMIT:,}."
        ),
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_LIMIT,
            "default": DEFAULT_LIMIT,
        },
        "style": "form",
        "explode": False,
    },
    "offset": {
        "name": "offset",
        "in": "query",
        "required": False,
        "description": "How many matching features to skip (the next link carries it).",
        "schema": {"type": "integer", "minimum": 0, "default": 0},
        "style": "form",
        "explode": False,
    },
    "bbox": {
        "name": "bbox",
        "in": "query",
        "required": False,
        "description": "minLon,minLat,maxLon,maxLat in WGS 84 degrees (CRS84).",
        "schema": {
            "type": "array",
            "minItems": 4,
            "maxItems": 6,
            "items": {"type": "number"},
        },
        "style": "form",
        "explode": False,
    },
    "datetime": {
        "name": "datetime",
        "in": "query",
        "required": False,
        "description": (
            "An RFC 3339 date-time, or an interval start/end where either end may be '..' "
            "(open). A date alone means that whole day in Thai time (UTC+7)."
        ),
        "schema": {"type": "string"},
        "style": "form",
        "explode": False,
    },
    "featureId": {
        "name": "featureId",
        "in": "path",
        "required": True,
        "description": "The feature's id (a bin's code; a number elsewhere).",
        "schema": {"type": "string"},
    },
    "f": {
        "name": "f",
        "in": "query",
        "required": False,
        "description": "The encoding: json (GeoJSON for features).",
        "schema": {"type": "string", "enum": ["json"], "default": "json"},
        "style": "form",
        "explode": False,
    },
}


def openapi_document(*, settings: Settings, user: User | None, base: str) -> dict[str, Any]:
    """The OpenAPI 3.0 description of what ``user`` may read at ``base`` (``…/ogc``)."""
    paths: dict[str, Any] = {
        "/": _get("getLandingPage", "Landing page", JSON),
        "/conformance": _get("getConformance", "Conformance classes", JSON),
        "/openapi": _get("getOpenAPI", "This document", OPENAPI),
        "/collections": _get("getCollections", "The collections", JSON),
    }
    for found in visible(user):
        paths.update(_collection_paths(found))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{settings.office_name_en} · OGC API – Features",
            "version": __version__,
            "description": (
                "Waste-bin register, village coverage and the published plan's sites as "
                "OGC API – Features (Part 1 Core, GeoJSON). Staff collections need "
                "'Authorization: Bearer <token>'."
            ),
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "parameters": COMPONENT_PARAMETERS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
