"""Logs and readiness: one access line per request with a request id, tokens never in a log.

* :class:`AccessLog` (pure ASGI middleware) gives every request an id — the caller's
  ``X-Request-ID`` when it looks like one, else a new one — echoes it in the response and writes
  one ``fieldsvc.access`` line: method, path (tokens redacted), status, bytes, milliseconds.
  No address, no user agent, no query values but redacted ones: nothing that names a person.
* :class:`RedactTokens` rewrites ``/login/<token>``, ``/openrosa/<token>/…``, ``token=…`` and
  ``Bearer …`` in every record of our loggers and uvicorn's.
* ``FIELDSVC_LOG_FORMAT=json`` writes each line as one JSON object.
* ``/readyz``: the database answers and is at the newest migration, and the vendored front-end
  files are there (``/healthz`` only says the process is alive).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldsvc.config import Settings
from fieldsvc.services.readiness import readiness_checks

REQUEST_ID_HEADER = "x-request-id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REDACTED = "[redacted]"
_PATTERNS = (
    (re.compile(r"(/login/)[^/?#\s\"']+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(/openrosa/)[^/?#\s\"']+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"([?&#;](?:access_)?token=)[^&#\s\"']+", re.I), rf"\g<1>{REDACTED}"),
    (re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.I), rf"\g<1>{REDACTED}"),
)
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_logger = logging.getLogger("fieldsvc.access")


def redact(text: str) -> str:
    """``text`` with every token replaced by ``[redacted]``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactTokens(logging.Filter):
    """Redact tokens from a record's message and from each of its string arguments (uvicorn
    passes the request path as one, and its access formatter unpacks them again), and stamp the
    request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        entry.update(getattr(record, "http", {}))
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_OUR_HANDLER = "fieldsvc-log-handler"


def configure_logging(settings: Settings) -> None:
    """Install the redaction filter and the chosen format on our loggers and uvicorn's
    (idempotent: an app built twice in one process does not double its lines)."""
    formatter: logging.Formatter = (
        JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    for name in ("fieldsvc", "uvicorn", "uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
        for handler in logger.handlers:
            if not any(isinstance(f, RedactTokens) for f in handler.filters):
                handler.addFilter(RedactTokens())  # records propagated from child loggers
            if settings.log_format == "json":
                handler.setFormatter(formatter)
    ours = logging.getLogger("fieldsvc")
    if not any(h.get_name() == _OUR_HANDLER for h in ours.handlers):
        handler = logging.StreamHandler()
        handler.set_name(_OUR_HANDLER)
        handler.addFilter(RedactTokens())
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
    for handler in ours.handlers:
        if handler.get_name() == _OUR_HANDLER:
            handler.setFormatter(formatter)


class AccessLog:
    """ASGI middleware: request id in and out, one access line when the response is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = (
            dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        )
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        sent = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = redact(scope.get("path", ""))
            if scope.get("query_string"):
                query = redact("?" + scope["query_string"].decode("latin-1"))
                # Query values may hold search words about people: keep the keys only.
                path += re.sub(r"=(?!\[redacted\])[^&]*", "=…", query)
            elapsed_ms = (time.perf_counter() - started) * 1000
            access_logger.info(
                "%s %s %d %dB %.1fms",
                scope.get("method", "-"),
                path,
                status,
                sent,
                elapsed_ms,
                extra={
                    "request_id": request_id,
                    "http": {
                        "method": scope.get("method"),
                        "path": path,
                        "status": status,
                        "bytes": sent,
                        "duration_ms": round(elapsed_ms, 1),
                    },
                },
            )
            request_id_var.reset(token)


router = APIRouter(include_in_schema=False)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """200 when the database is reachable and migrated and the front-end files are there."""
    checks = readiness_checks(engine=request.app.state.engine)
    ready = all(check["ok"] for check in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )
