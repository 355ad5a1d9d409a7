"""The staff pages' subdistrict switcher: ``POST /staff/subdistrict`` remembers, in this
browser, the subdistrict a user who works for several of them wants to work in.

The cookie is only a preference: every request checks it against the user's subdistricts
again (``fieldsvc.api.deps``), so a stale or forged cookie shows nothing it should not.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from fieldsvc.api.deps import SUBDISTRICT_COOKIE, SessionDep, SettingsDep, StaffUser
from fieldsvc.api.routes.web import local_path
from fieldsvc.services.workplace import workplace_for

router = APIRouter(include_in_schema=False)

#: How long a browser remembers the choice.
REMEMBER_SECONDS = 365 * 24 * 3600


def _back_to(next_path: str) -> str:
    """``next_path`` when it is a path on this server (without a ``subdistrict=`` parameter,
    which would override the new choice), else the staff overview."""
    target = local_path(next_path)
    if not target or any(ord(c) < 32 for c in target):
        return "/staff"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/staff"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "subdistrict"
    ]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


@router.post("/staff/subdistrict")
def switch_subdistrict(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: StaffUser,
    code: Annotated[str, Form(min_length=1, max_length=20)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Work in subdistrict ``code`` from now on in this browser (403 ``subdistrict_not_yours``
    when the user does not work for it, 404 ``subdistrict_code_unknown`` when there is none)."""
    place = workplace_for(session=session, user=user, asked=code.strip())
    response = RedirectResponse(_back_to(next), status_code=303)
    public = settings.public_base_url or ""
    response.set_cookie(
        SUBDISTRICT_COOKIE,
        place.code or "",
        max_age=REMEMBER_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https" or public.startswith("https://"),
    )
    return response
