"""Home page, sign-in and sign-out.

``GET /login/{token}`` (the link the office sends) signs nobody in: it shows a one-button form
that posts the token to ``POST /login``, which opens a server-side session (so a link fetched
by a chat app's preview or a proxy does nothing). The browser then holds only the session id;
``POST /logout`` ends the session on the server.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldsvc.api.deps import CSRF_COOKIE, SESSION_COOKIE, OptionalUser, SessionDep, SettingsDep
from fieldsvc.api.i18n import language
from fieldsvc.api.pages import render
from fieldsvc.config import Settings
from fieldsvc.errors import Unauthorized
from fieldsvc.models import Role, User
from fieldsvc.services.signin import sign_in_with_token, sign_out

router = APIRouter(include_in_schema=False)

#: The cookie that held the token itself before sessions; removed at sign-in and sign-out.
OLD_TOKEN_COOKIE = "fieldsvc_token"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: OptionalUser) -> HTMLResponse:
    return render(request, "home.html", user=user)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: OptionalUser, next: str = "") -> HTMLResponse:
    return render(request, "login.html", user=user, next_path=local_path(next))


@router.get("/login/{token}", response_class=HTMLResponse)
def login_link(request: Request, token: str, next: str = "") -> HTMLResponse:
    """The form that signs in with the link's token once its button is pressed."""
    response = render(request, "login_link.html", token=token, next_path=local_path(next))
    response.headers["Cache-Control"] = "no-store"  # the page holds the token
    return response


def local_path(target: str) -> str:
    """``target`` when it is a path on this server, else "" (no open redirect)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return ""


def _home_of(user: User) -> str:
    return "/m/" if user.role == Role.village_head else "/staff"


def _secure(request: Request, settings: Settings) -> bool:
    public = settings.public_base_url or ""
    return request.url.scheme == "https" or public.startswith("https://")


@router.post("/login")
def login_post(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    try:
        signed_in = sign_in_with_token(session=session, token=token)
    except Unauthorized as exc:  # an expired token: the message says to ask for a new link
        message = exc.message_th if language(request) == "th" else exc.message_en
        return render(request, "login.html", error=True, error_message=message, status_code=401)
    if signed_in is None:
        return render(request, "login.html", error=True, status_code=401)
    target = local_path(next) or _home_of(signed_in.user)
    response = RedirectResponse(target, status_code=303)
    secure = _secure(request, settings)
    max_age = int(settings.session_max_days * 24 * 3600)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.session_id,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    # Not HttpOnly: the phone form's script sends it back as X-CSRF-Token.
    response.set_cookie(
        CSRF_COOKIE, signed_in.csrf_token, max_age=max_age, samesite="lax", secure=secure
    )
    response.delete_cookie(OLD_TOKEN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        sign_out(session=session, session_id=session_id)
    response = RedirectResponse("/", status_code=303)
    for name in (SESSION_COOKIE, CSRF_COOKIE, OLD_TOKEN_COOKIE):
        response.delete_cookie(name)
    return response
