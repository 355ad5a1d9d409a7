"""One error shape for every failure: {"error": {code, message, message_th, field, details}}.

API clients get it as JSON. A person's browser opening a page (``Accept: text/html``, not an
API path) gets the same error as a page in their language, with a way on (sign in, go home).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from fieldsvc.errors import FieldsvcError, InvalidInput
from fieldsvc.problems import CATALOGUE, http_statuses

#: Error code -> HTTP status: the one place the API maps domain errors to HTTP (from the
#: problem catalogue; every exception of every layer derives from ``FieldsvcError``).
HTTP_STATUS: dict[str, int] = http_statuses()


def http_status(error: FieldsvcError) -> int:
    """The HTTP status of a domain error (400 for a code the catalogue does not map)."""
    return HTTP_STATUS.get(error.code, 400)


#: Paths that always answer errors as JSON (machines: API, OpenRosa, files, the phone app's data).
_MACHINE_PATHS = ("/api/", "/openrosa", "/vendor/", "/static/", "/tiles/", "/openapi", "/healthz")


def _wants_page(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith(_MACHINE_PATHS)


def _respond(
    request: Request,
    body: dict[str, Any],
    status_code: int,
    headers: dict[str, str] | None = None,
) -> Response:
    if not _wants_page(request):
        return JSONResponse(body, status_code=status_code, headers=headers)
    from fieldsvc.api.pages import render  # pages import the database layer; keep this lazy

    page = render(request, "error.html", status_code=status_code, error=body["error"])
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            page.headers[name] = value
    return page


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FieldsvcError)
    return _respond(request, {"error": exc.as_dict()}, http_status(exc))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {
            "field": _field_name(e.get("loc", ())),
            "message": e.get("msg", ""),
            "value": e.get("input") if isinstance(e.get("input"), str | int | float) else None,
        }
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"field": "body", "message": "invalid"}
    error = InvalidInput.of(
        "request_invalid",
        field=str(first["field"]),
        details={"problems": problems},
        field_name=first["field"],
        reason=first["message"],
    )
    return _respond(request, {"error": error.as_dict()}, http_status(error))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = f"http_{exc.status_code}"
    # The framework's own answers (404 of an unknown path, 405 ...): Thai from the catalogue
    # when it has the status, else the framework's English.
    error = (
        FieldsvcError.of(code, detail=exc.detail)
        if code in CATALOGUE
        else FieldsvcError(str(exc.detail), code=code)
    )
    return _respond(
        request, {"error": error.as_dict()}, exc.status_code, getattr(exc, "headers", None)
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FieldsvcError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
