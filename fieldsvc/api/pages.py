"""Server-rendered pages: one Jinja2 environment, Thai first with an English switch."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from fieldsvc import __version__
from fieldsvc.api.deps import SESSION_COOKIE, SUBDISTRICT_COOKIE
from fieldsvc.api.i18n import LANG_COOKIE, language, translator
from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError
from fieldsvc.models import Condition, Role, Stream, User
from fieldsvc.models.enums import CONDITION_EN, CONDITION_TH, STREAM_EN, STREAM_TH
from fieldsvc.services.sessions import open_session
from fieldsvc.services.workplace import workplace_for
from fieldsvc.storage.register import has_synthetic_data
from fieldsvc.storage.signin_sessions import csrf_token_for
from fieldsvc.thai import THAI_TZ, format_be_date

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))
    except TypeError:
        return bool(pd.isna(value)) if not isinstance(value, str) else False


def fmt_int(value: Any) -> str:
    return "–" if _missing(value) else f"{int(round(float(value))):,}"


def fmt_num(value: Any, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value):,.{digits}f}"


def fmt_pct(value: Any) -> str:
    return "–" if _missing(value) else f"{100 * float(value):.0f}%"


def fmt_date(value: Any, lang: str = "th") -> str:
    """Short date in Thai time: ``26 พ.ย. 2569`` (Buddhist era) in Thai, ``26 Nov 2026``
    in English."""
    if _missing(value):
        return "–"
    if isinstance(value, datetime):
        value = (value.astimezone(THAI_TZ) if value.tzinfo else value).date()
    if isinstance(value, date):
        return format_be_date(value, False, short=True) if lang == "th" else f"{value:%-d %b %Y}"
    return str(value)


def fmt_datetime(value: Any, lang: str = "th") -> str:
    """Short date and time in Thai time: ``26 พ.ย. 2569 09:30 น.`` / ``26 Nov 2026 09:30``."""
    if _missing(value) or not isinstance(value, datetime):
        return "–"
    local = value.astimezone(THAI_TZ) if value.tzinfo else value
    suffix = " น." if lang == "th" else ""
    return f"{fmt_date(local.date(), lang)} {local:%H:%M}{suffix}"


@pass_context
def _date_filter(context: Context, value: Any) -> str:
    return fmt_date(value, context.get("lang", "th"))


@pass_context
def _datetime_filter(context: Context, value: Any) -> str:
    return fmt_datetime(value, context.get("lang", "th"))


for _name, _filter in {
    "fmt_int": fmt_int,
    "fmt_num": fmt_num,
    "fmt_pct": fmt_pct,
    "fmt_date": _date_filter,
    "fmt_datetime": _datetime_filter,
}.items():
    templates.env.filters[_name] = _filter


def vocabulary_names(lang: str) -> dict[str, dict[str, str]]:
    """``condition_names`` and ``stream_names`` (enum value → label) in the page's language."""
    conditions, streams = (CONDITION_TH, STREAM_TH) if lang == "th" else (CONDITION_EN, STREAM_EN)
    return {
        "condition_names": {c.value: conditions[c] for c in Condition},
        "stream_names": {s.value: streams[s] for s in Stream},
    }


def _synthetic(request: Request) -> bool:
    with open_session(request.app.state.engine) as session:
        return has_synthetic_data(session=session)


def _csrf_token(request: Request) -> str:
    """The signed-in browser's CSRF token for the page's forms ("" when not signed in)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    return csrf_token_for(session_id) if session_id else ""


@dataclass(frozen=True)
class NavPlace:
    """The subdistrict a staff page works in, for the shared navigation: its code and Thai
    name, and the (code, name) of every subdistrict the user may switch to; its own office
    names, if it has them."""

    code: str
    name: str
    choices: tuple[tuple[str, str], ...]
    office_name: str | None = None
    office_name_en: str | None = None


def nav_place(request: Request, user: User | None) -> NavPlace | None:
    """The workplace of a signed-in staff member, viewer or admin for this request, as the
    route's ``StaffPlace`` resolves it (``?subdistrict=``, the remembered choice, the first);
    None for anyone else, in an install with no subdistrict, or when the request's
    ``?subdistrict=`` is not the user's (the route answers that itself)."""
    if user is None or user.role == Role.village_head:
        return None
    with open_session(request.app.state.engine) as session:
        try:
            place = workplace_for(
                session=session,
                user=user,
                asked=request.query_params.get("subdistrict") or None,
                remembered=request.cookies.get(SUBDISTRICT_COOKIE) or None,
            )
        except FieldsvcError:
            return None
        if place.subdistrict is None:
            return None
        return NavPlace(
            code=place.subdistrict.code,
            name=place.subdistrict.name,
            choices=tuple((s.code, s.name) for s in place.choices),
            office_name=place.subdistrict.office_name,
            office_name_en=place.subdistrict.office_name_en,
        )


def render(
    request: Request,
    name: str,
    *,
    user: User | None = None,
    status_code: int = 200,
    office: Settings | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a template with the common context; remembers a ``?lang=`` choice in a cookie.

    The office named in the header and footer: ``office`` (the settings of the subdistrict a
    public page is about), else the subdistrict a staff page works in, else the install's.
    """
    lang = language(request)
    workplace = nav_place(request, user)
    settings = request.app.state.settings
    named = office or settings
    office_th, office_en = named.office_name, named.office_name_en
    if office is None and workplace is not None:
        office_th = workplace.office_name or office_th
        office_en = workplace.office_name_en or office_en
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": translator(lang),
            "user": user,
            "office_name": office_th if lang == "th" else office_en,
            "version": __version__,
            "radius_m": settings.service_radius_m,
            "synthetic": _synthetic(request),
            "csrf_token": _csrf_token(request),
            "workplace": workplace,
            **vocabulary_names(lang),
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
