"""Which ``Host`` names the app answers to, and whether these settings may serve at all.

With ``FIELDSVC_PUBLIC_BASE_URL`` set, only its host (and ``localhost``/``127.0.0.1`` for the
machine itself, plus ``FIELDSVC_ALLOWED_HOSTS``) are answered; any other ``Host`` is a 400
before a route runs, so nothing the app builds from the request's address (OpenRosa download
links, redirects) can point elsewhere. Without a public URL — the local demo, reached from
phones by whatever LAN address the computer has — every host is answered; production refuses
to start that way.
"""

from __future__ import annotations

from typing import Final

from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError

LOCAL_HOSTS: Final = ("localhost", "127.0.0.1")


class StartupRefused(FieldsvcError):
    """The settings are not fit to serve (``fieldsvc serve`` exits with the message)."""

    code = "startup_refused"


def allowed_hosts(settings: Settings) -> list[str]:
    """The ``Host`` names to answer (``["*"]``: any, when no public URL is set)."""
    public = settings.public_host
    if public is None:
        return ["*"]
    return list(dict.fromkeys([public, *LOCAL_HOSTS, *settings.allowed_hosts]))


def require_startable(settings: Settings) -> None:
    """Refuse production settings without an https public base URL.

    Raises
    ------
    StartupRefused
        When ``FIELDSVC_ENVIRONMENT=production`` and ``FIELDSVC_PUBLIC_BASE_URL`` is not an
        ``https://`` URL with a host.
    """
    url = settings.public_base_url or ""
    if settings.environment == "production" and not (
        url.startswith("https://") and settings.public_host
    ):
        raise StartupRefused.of("production_needs_https_url", value=url or "(not set)")
