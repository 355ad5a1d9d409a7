"""OGC API – Features at ``/ogc`` (QGIS, GDAL/OGR, OWSLib): GET only, JSON and GeoJSON.

The public collections answer anyone; staff collections read the caller's token
(``Authorization: Bearer``). The documents are built in ``services.ogc_features``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response

from fieldsvc.api.deps import OptionalUser, SessionDep, SettingsDep
from fieldsvc.api.geojson import GeoJSONResponse
from fieldsvc.services import ogc_features as ogc
from fieldsvc.services.ogc_openapi import openapi_document

router = APIRouter(prefix=ogc.OGC_PATH, include_in_schema=False)


def _base(request: Request, settings: Any) -> str:
    return ogc.base_url(settings, str(request.base_url))


def _query(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


def _ogc_request(
    request: Request, session: SessionDep, settings: SettingsDep, user: OptionalUser
) -> ogc.OgcRequest:
    return ogc.OgcRequest(
        session=session,
        settings=settings,
        user=user,
        base=_base(request, settings),
        query=_query(request),
    )


# What the collection routes share: database, settings, caller, address and query string.
OgcRequestDep = Annotated[ogc.OgcRequest, Depends(_ogc_request)]


@router.get("")
def landing_page(request: Request, settings: SettingsDep) -> Any:
    return ogc.landing_page(settings=settings, base=_base(request, settings), query=_query(request))


@router.get("/conformance")
def conformance(request: Request) -> Any:
    return ogc.conformance(query=_query(request))


@router.get("/openapi")
def openapi(request: Request, settings: SettingsDep, user: OptionalUser) -> Response:
    document = openapi_document(settings=settings, user=user, base=_base(request, settings))
    return JSONResponse(document, media_type=ogc.OPENAPI)


@router.get("/api.html", response_class=HTMLResponse)
def api_page() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=f"{ogc.OGC_PATH}/openapi",
        title="fieldsvc OGC API – Features",
        swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/vendor/swagger-ui/favicon-32x32.png",
    )


@router.get("/collections")
def collections(ogc_request: OgcRequestDep) -> Any:
    return ogc.collections(request=ogc_request)


@router.get("/collections/{collection_id}")
def collection(collection_id: str, ogc_request: OgcRequestDep) -> Any:
    return ogc.collection(collection_id, request=ogc_request)


@router.get("/collections/{collection_id}/items", response_class=GeoJSONResponse)
def items(collection_id: str, ogc_request: OgcRequestDep) -> Any:
    return GeoJSONResponse(ogc.items(collection_id, request=ogc_request))


@router.get("/collections/{collection_id}/items/{feature_id:path}", response_class=GeoJSONResponse)
def item(collection_id: str, feature_id: str, ogc_request: OgcRequestDep) -> Any:
    return GeoJSONResponse(ogc.item(collection_id, feature_id, request=ogc_request))
