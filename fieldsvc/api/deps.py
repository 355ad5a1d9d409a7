"""FastAPI dependencies: settings, a database session per request, the signed-in user
(by bearer or path token, or by the session cookie of a signed-in browser).

Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in its
thread pool, and each such hop costs about as much CPU as a small query.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Forbidden, Unauthorized
from fieldsvc.models import Role, User
from fieldsvc.services.sessions import open_session
from fieldsvc.services.signin import user_of_signin_session
from fieldsvc.services.workplace import Workplace, workplace_for
from fieldsvc.storage.users import user_for_token

#: The signed-in browser's session id (HttpOnly); the token itself never goes into a cookie.
SESSION_COOKIE = "fieldsvc_session"
#: The session's CSRF token, readable by the phone form's script (it sends it as a header).
CSRF_COOKIE = "fieldsvc_csrf"


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with open_session(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True)
class Credentials:
    """What a request signs in with: a token (``Authorization: Bearer`` or a ``/…/{token}/``
    path; API clients and Collect) or else the session cookie of a signed-in browser."""

    token: str | None = None
    session_id: str | None = None


def request_credentials(request: Request) -> Credentials:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return Credentials(token=header[7:].strip())
    token = request.path_params.get("token")
    if token:
        return Credentials(token=str(token))
    return Credentials(session_id=request.cookies.get(SESSION_COOKIE) or None)


def user_for_credentials(
    *, session: Session, settings: Settings, credentials: Credentials
) -> User | None:
    if credentials.token:
        return user_for_token(session=session, token=credentials.token)
    if credentials.session_id:
        return user_of_signin_session(
            session=session, settings=settings, session_id=credentials.session_id
        )
    return None


#: Where the caller-first middleware (``fieldsvc.api.limits``) leaves the user it resolved
#: before the body was read, so the route does not look the caller up a second time.
RESOLVED_USER = "fieldsvc_user"


def resolved_user(request: Request, session: Session) -> User | None:
    """The user the middleware already found for this request, attached to ``session``
    without a query; None when the middleware did not look (GETs, pages)."""
    user: User | None = request.scope.get("state", {}).get(RESOLVED_USER)
    return session.merge(user, load=False) if user is not None else None


def user_of_request(request: Request, session: Session, settings: Settings) -> User | None:
    """The signed-in user of ``request`` (token or session cookie), or None."""
    found = resolved_user(request, session)
    if found is not None:
        return found
    return user_for_credentials(
        session=session, settings=settings, credentials=request_credentials(request)
    )


def optional_user(request: Request, session: SessionDep, settings: SettingsDep) -> User | None:
    return user_of_request(request, session, settings)


def _not_signed_in() -> Unauthorized:
    return Unauthorized.of("not_signed_in")


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise _not_signed_in()
    return user


def signed_in_user(*, session: Session, settings: Settings, request: Request) -> User:
    """``current_user`` for a route that looks the caller up itself, inside the one
    worker-thread call that also does its database work (the survey intake: one thread hop,
    not three)."""
    user = user_of_request(request, session, settings)
    if user is None:
        raise _not_signed_in()
    return user


async def staff_user(user: Annotated[User, Depends(current_user)]) -> User:
    """Health staff, admins and read-only viewers; not village heads."""
    if user.role == Role.village_head:
        raise Forbidden.of("staff_only")
    return user


async def editor_user(user: Annotated[User, Depends(staff_user)]) -> User:
    if user.role == Role.viewer:
        raise Forbidden.of("read_only_user")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
StaffUser = Annotated[User, Depends(staff_user)]
EditorUser = Annotated[User, Depends(editor_user)]

#: Row ids are 32-bit integers in PostgreSQL (``integer``) and offsets 64-bit: a larger number
#: in a URL is a 422 naming the parameter, never a server error from the database driver.
MAX_ROW_ID = 2**31 - 1
MAX_OFFSET = 2**63 - 1
PlanId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="allocation plan id")]


#: The subdistrict a browser last chose to work in (a code; only a preference: every request
#: is checked against the user's subdistricts again).
SUBDISTRICT_COOKIE = "fieldsvc_subdistrict"


def _workplace(request: Request, session: Session, user: User) -> Workplace:
    return workplace_for(
        session=session,
        user=user,
        asked=request.query_params.get("subdistrict") or None,
        remembered=request.cookies.get(SUBDISTRICT_COOKIE) or None,
    )


def user_workplace(request: Request, session: SessionDep, user: CurrentUser) -> Workplace:
    """The subdistrict a signed-in user (any role) works in for this request."""
    return _workplace(request, session, user)


def staff_workplace(request: Request, session: SessionDep, user: StaffUser) -> Workplace:
    """The subdistrict health staff, a viewer or an admin works in for this request."""
    return _workplace(request, session, user)


def editor_workplace(request: Request, session: SessionDep, user: EditorUser) -> Workplace:
    """The subdistrict health staff or an admin changes things in for this request."""
    return _workplace(request, session, user)


UserPlace = Annotated[Workplace, Depends(user_workplace)]
StaffPlace = Annotated[Workplace, Depends(staff_workplace)]
EditorPlace = Annotated[Workplace, Depends(editor_workplace)]
