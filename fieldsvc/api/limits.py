"""Limits before work: a request that writes is answered about its caller and its size before
a byte of its body is read.

For ``POST``/``PUT``/``PATCH`` under ``/api/`` and ``/openrosa/`` this plain ASGI middleware

1. finds the caller the way the routes do (``Authorization: Bearer``, the sign-in cookie, or
   the token in an ``/openrosa/{token}/`` path) and answers **401** at once when there is none
   or it is wrong — an anonymous 60 MB POST is never read. The user found is left in
   ``scope["state"]`` and the route's dependencies reuse it: no second look-up;
2. caps every body that is not one of the photo uploads at ``FIELDSVC_MAX_JSON_BYTES``
   (64 KB): a larger ``Content-Length`` is **413** at once, and a body sent without one is
   read only up to the cap. The uploads (multipart surveys, photos, OpenRosa) keep their own,
   larger limits, checked by their routes as they stream.
"""

from __future__ import annotations

import re
from typing import Final

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldsvc.api.deps import RESOLVED_USER, Credentials, request_credentials, user_for_credentials
from fieldsvc.api.errors import http_status
from fieldsvc.api.routes.openrosa import openrosa_error_response, wrong_server_link
from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError, PayloadTooLarge, Unauthorized
from fieldsvc.models import User
from fieldsvc.services.sessions import open_session

WRITES: Final = frozenset({"POST", "PUT", "PATCH"})
GUARDED_PREFIXES: Final = ("/api/", "/openrosa/")
_OPENROSA_TOKEN: Final = re.compile(r"^/openrosa/([^/]+)/")
#: Bodies that stream past the JSON cap under their routes' own limits (the survey with its
#: photos, a photo on its own, an OpenRosa submission).
UPLOAD_PATHS: Final = (
    re.compile(r"^/api/v1/submissions/multipart$"),
    re.compile(r"^/api/v1/submissions/[^/]+/attachments/[^/]+$"),
    re.compile(r"^/openrosa/[^/]+/submission$"),
)


def is_upload(path: str) -> bool:
    """True for the routes whose bodies are photos or surveys with photos."""
    return any(pattern.match(path) for pattern in UPLOAD_PATHS)


def declared_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, when it sent a valid one."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge.of(
        "request_too_large", field="body", details={"max_bytes": limit}, max_bytes=limit
    )


class CallerFirst:
    """The middleware described above."""

    def __init__(self, app: ASGIApp, *, settings: Settings, engine: Engine) -> None:
        self.app = app
        self.engine = engine
        self.settings = settings
        self.max_json_bytes = settings.max_json_bytes

    def _find_user(self, credentials: Credentials) -> User | None:
        with open_session(self.engine) as session:
            return user_for_credentials(
                session=session, settings=self.settings, credentials=credentials
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") not in WRITES
            or not path.startswith(GUARDED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        openrosa = path.startswith("/openrosa/")
        if openrosa:
            found = _OPENROSA_TOKEN.match(path)
            credentials = Credentials(token=found.group(1) if found else None)
        else:
            credentials = request_credentials(Request(scope))
        known = credentials.token or credentials.session_id
        user = await run_in_threadpool(self._find_user, credentials) if known else None
        if user is None:
            error = wrong_server_link() if openrosa else Unauthorized.of("not_signed_in")
            await self._answer(error, openrosa, scope, receive, send)
            return
        scope.setdefault("state", {})[RESOLVED_USER] = user
        if is_upload(path):
            await self.app(scope, receive, send)
            return
        limit = self.max_json_bytes
        size = declared_length(scope)
        if size is not None:
            if size > limit:
                await self._answer(too_large(limit), openrosa, scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        # No Content-Length (chunked): read up to the cap here, then hand the body on.
        messages: list[Message] = []
        total = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            total += len(message.get("body", b""))
            if total > limit:
                await self._answer(too_large(limit), openrosa, scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _answer(
        error: FieldsvcError, openrosa: bool, scope: Scope, receive: Receive, send: Send
    ) -> None:
        response: Response
        if openrosa:
            response = openrosa_error_response(error)
        else:
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else None
            response = JSONResponse(
                {"error": error.as_dict()}, status_code=http_status(error), headers=headers
            )
        # The body is not read: tell the client the connection will not be reused for it.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
