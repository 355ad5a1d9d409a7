"""Answers with an ETag, and ``304 Not Modified`` to a client that already holds them.

Public pages are sent with ``Cache-Control: no-cache``: a browser may keep a copy but asks each
time whether it is still current, and an unchanged page costs a 304 with no body.
"""

from __future__ import annotations

import hashlib

from fastapi import Request
from fastapi.responses import Response

from fieldsvc.services.public_data import PublicFile

REVALIDATE = "no-cache"


def _matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 §13.1.2): a W/ prefix does not matter for If-None-Match.
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag.removeprefix("W/") in offered


def etag_response(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    etag: str,
    filename: str | None = None,
) -> Response:
    """``body`` with its ETag, or a bodiless 304."""
    headers = {"ETag": etag, "Cache-Control": REVALIDATE}
    if _matches(request, etag):
        return Response(status_code=304, headers=headers)
    if filename is not None:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, media_type=media_type, headers=headers)


def page_with_etag(request: Request, page: Response) -> Response:
    """A rendered page with an ETag of its bytes (the page differs by language and by who is
    signed in, so the digest of what was rendered is its version), or a 304 keeping its
    cookies."""
    etag = '"' + hashlib.sha256(bytes(page.body)).hexdigest()[:20] + '"'
    page.headers["ETag"] = etag
    page.headers["Cache-Control"] = REVALIDATE
    if not _matches(request, etag):
        return page
    unchanged = Response(status_code=304, headers={"ETag": etag, "Cache-Control": REVALIDATE})
    for name, value in page.raw_headers:
        if name == b"set-cookie":
            unchanged.raw_headers.append((name, value))
    return unchanged


def public_file_response(request: Request, item: PublicFile) -> Response:
    """A built public file as an answer (see :func:`etag_response`)."""
    return etag_response(
        request, item.body, item.media_type, etag=item.etag, filename=item.filename
    )
