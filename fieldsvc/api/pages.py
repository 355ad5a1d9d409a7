"""Server-rendered pages: one Jinja2 environment, Thai first with an English switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from fieldsvc import __version__
from fieldsvc.api.i18n import LANG_COOKIE, language, translator
from fieldsvc.models import User

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def render(
    request: Request,
    name: str,
    *,
    user: User | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a template with the common context; remembers a ``?lang=`` choice in a cookie."""
    lang = language(request)
    settings = request.app.state.settings
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": translator(lang),
            "user": user,
            "office_name": settings.office_name if lang == "th" else settings.office_name_en,
            "version": __version__,
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
