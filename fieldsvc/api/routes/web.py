"""Home page, sign-in by token link, sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldsvc.api.deps import TOKEN_COOKIE, OptionalUser, SessionDep
from fieldsvc.api.pages import render
from fieldsvc.models import Role
from fieldsvc.storage.users import user_for_token

router = APIRouter(include_in_schema=False)

COOKIE_MAX_AGE_S = 180 * 24 * 3600


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: OptionalUser) -> HTMLResponse:
    return render(request, "home.html", user=user)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: OptionalUser) -> HTMLResponse:
    return render(request, "login.html", user=user)


def _sign_in(request: Request, session: SessionDep, token: str) -> Response:
    user = user_for_token(session=session, token=token.strip())
    if user is None:
        return render(request, "login.html", error=True, status_code=401)
    target = "/m/" if user.role == Role.village_head else "/staff"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token.strip(),
        max_age=COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login/{token}")
def login_link(request: Request, session: SessionDep, token: str) -> Response:
    return _sign_in(request, session, token)


@router.post("/login")
def login_post(request: Request, session: SessionDep, token: Annotated[str, Form()]) -> Response:
    return _sign_in(request, session, token)


@router.get("/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response
