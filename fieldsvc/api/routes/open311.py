"""Open311 GeoReport v2 at ``/open311/v2`` for partner apps (``fieldsvc.services.open311``).

Every answer — errors included — is in the format the path ends with (``.json`` or ``.xml``,
UTF-8, the XML with its declaration), and an error is the spec's list of errors:
``[{"code": 404, "description": "service_code: …"}]`` / ``<errors><error><code>…``. These
routes alone answer errors so; the rest of the app keeps its own error shape.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Coroutine, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from fieldsvc.api.deps import SessionDep, SettingsDep
from fieldsvc.api.errors import http_status
from fieldsvc.errors import FieldsvcError, InvalidInput, NotFound, PayloadTooLarge
from fieldsvc.services import open311

#: The public report page's own cap on fields (``routes.citizen``): every Open311 field fits.
MAX_FORM_FIELDS = 20
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
#: A list's XML element → the element of each of its items.
_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
}


# --- encoding -----------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, list):
        for item in value:
            _xml_value(element, _ITEM_TAGS[tag], item)
    elif isinstance(value, dict):
        for name, inner in value.items():
            _xml_value(element, name, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def encode(fmt: str, root: str, body: Any, status: int = 200) -> Response:
    """``body`` (a dict, or a list of dicts) as JSON, or as XML under ``root``."""
    if fmt == "json":
        text = json.dumps(body, ensure_ascii=False)
    else:
        tree = ET.Element(root)
        if isinstance(body, list):
            for item in body:
                _xml_value(tree, _ITEM_TAGS[root], item)
        else:
            for name, value in body.items():
                _xml_value(tree, name, value)
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode")
    return Response(text.encode("utf-8"), status_code=status, media_type=FORMATS[fmt])


def _error_body(status: int, description: str) -> list[dict[str, Any]]:
    return [{"code": status, "description": description}]


def error_response(fmt: str, exc: FieldsvcError) -> Response:
    """A domain error in the spec's error format, naming the field at fault. Input the app
    calls unprocessable (422) is the spec's 400."""
    status = 400 if http_status(exc) == 422 else http_status(exc)
    text = (
        exc.message_en
        if exc.message_th == exc.message_en
        else (f"{exc.message_th} / {exc.message_en}")
    )
    description = f"{exc.field}: {text}" if exc.field else text
    response = encode(fmt, "errors", _error_body(status, description), status)
    if status == 429:  # a busy key: by then its oldest counted request has left the window
        response.headers["Retry-After"] = str(int(open311.RATE_WINDOW.total_seconds()))
    return response


def _path_format(request: Request) -> str:
    fmt = str(request.path_params.get("fmt", "json"))
    return fmt if fmt in FORMATS else "json"


class Open311Route(APIRoute):
    """Routes whose every error is answered in Open311's error format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def open311_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except FieldsvcError as exc:
                return error_response(_path_format(request), exc)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
                where = str(list(first.get("loc", ()))[-1:] or ["request"])
                body = _error_body(400, f"{where}: {first.get('msg', 'invalid')}")
                return encode(_path_format(request), "errors", body, 400)

        return open311_handler


router = APIRouter(prefix=open311.PATH, tags=["open311"], route_class=Open311Route)


def response_format(fmt: str) -> str:
    """The format the path ends with; another is 404 (answered as JSON)."""
    if fmt not in FORMATS:
        raise NotFound.of("open311_format_unknown", field="format", value=fmt)
    return fmt


Format = Annotated[str, Depends(response_format)]


def query(request: Request) -> dict[str, str]:
    """The query string, one value per name (a repeated name: its values comma-joined, as the
    spec allows lists to be sent either way)."""
    values: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        values.setdefault(name, []).append(value)
    return {name: ",".join(v) for name, v in values.items()}


Query = Annotated[dict[str, str], Depends(query)]


async def form_fields(request: Request, settings: SettingsDep) -> dict[str, str]:
    """A POST's form fields (urlencoded or multipart), after the query string's: a partner may
    send ``api_key`` either way. Capped as the public report page caps its body: a declared
    size (a body of unknown length is refused before it is read), at most
    :data:`MAX_FORM_FIELDS` fields and no file (Open311 sends a photo as ``media_url``)."""
    cap = min(settings.max_json_bytes, settings.citizen_max_request_bytes)
    size = request.headers.get("content-length", "")
    if not size.isdigit() or int(size) > cap:
        raise PayloadTooLarge.of("open311_body_too_large", field="body", max_bytes=cap)
    fields = query(request)
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except HTTPException:  # starlette's answer to too many fields or a file
        raise InvalidInput.of(
            "open311_form_too_many", field="body", max_fields=MAX_FORM_FIELDS
        ) from None
    except (ValueError, AssertionError):
        raise InvalidInput.of(
            "request_invalid", field="body", field_name="body", reason="unreadable form"
        ) from None
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields[name] = value
    return fields


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def _jurisdiction(params: Mapping[str, str]) -> str | None:
    return params.get("jurisdiction_id") or None


# --- routes -------------------------------------------------------------------------------------


@router.get("/discovery.{fmt}")
def discovery(request: Request, fmt: Format, settings: SettingsDep) -> Response:
    base = settings.public_base_url or str(request.base_url)
    return encode(fmt, "discovery", open311.discovery(settings=settings, base=base))


@router.get("/services.{fmt}")
def services(fmt: Format, params: Query, session: SessionDep) -> Response:
    listed = open311.service_list(session=session, jurisdiction_id=_jurisdiction(params))
    return encode(fmt, "services", listed)


@router.get("/services/{service_code}.{fmt}")
def service_definition(
    service_code: str, fmt: Format, params: Query, session: SessionDep
) -> Response:
    definition = open311.service_definition(
        session=session, service_code=service_code, jurisdiction_id=_jurisdiction(params)
    )
    return encode(fmt, "service_definition", definition)


@router.post("/requests.{fmt}", status_code=201)
def post_request(
    fmt: Format, fields: FormFields, session: SessionDep, settings: SettingsDep
) -> Response:
    sent = open311.submit_request(session=session, settings=settings, params=fields)
    return encode(fmt, "service_requests", sent, 201)


@router.get("/requests.{fmt}")
def get_requests(
    fmt: Format, params: Query, session: SessionDep, settings: SettingsDep
) -> Response:
    found = open311.find_requests(session=session, settings=settings, params=params)
    return encode(fmt, "service_requests", found)


@router.get("/requests/{service_request_id}.{fmt}")
def get_request(
    service_request_id: str, fmt: Format, params: Query, session: SessionDep, settings: SettingsDep
) -> Response:
    found = open311.request_detail(
        session=session,
        settings=settings,
        service_request_id=service_request_id,
        jurisdiction_id=_jurisdiction(params),
    )
    return encode(fmt, "service_requests", found)
