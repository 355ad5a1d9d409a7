"""What a field user needs on their phone: the Collect server URL, the web-form link, and
ODK Collect's settings QR code. Pure: no database, no terminal.

A Collect settings QR code carries a JSON object with a ``general`` and an ``admin`` object
(both required, even when empty) and an optional ``project`` object, compressed with zlib and
then base64-encoded (docs.getodk.org/collect-import-export, "Making your own QR code").
Settings the code omits are reset to Collect's defaults when it is scanned.

Examples
--------
>>> payload = encode_collect_settings({"general": {"server_url": "https://x/openrosa/t"},
...                                    "admin": {}})
>>> decode_collect_settings(payload)["general"]["server_url"]
'https://x/openrosa/t'
"""

from __future__ import annotations

import base64
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from fieldsvc.config import Settings

PROJECT_ICON: Final = "🗑"
PROJECT_COLOR: Final = "#1565c0"  # the blue of the general-waste bin
OPENROSA_PATH: Final = "/openrosa"
WEB_FORM_PATH: Final = "/m/"
_LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "0.0.0.0", "::1", "::"})


def public_base_url(settings: Settings) -> str:
    """The URL phones use to reach this server, without a trailing slash."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    return f"http://{settings.host}:{settings.port}"


def phones_can_reach(settings: Settings) -> bool:
    """False when the base URL is this computer only (no public URL set, a loopback host)."""
    return bool(settings.public_base_url) or settings.host not in _LOCAL_HOSTS


def collect_server_url(settings: Settings, token: str) -> str:
    """The server URL to type into ODK Collect: the user's token is in the path."""
    return f"{public_base_url(settings)}{OPENROSA_PATH}/{token}"


def web_form_url(settings: Settings, token: str) -> str:
    """The phone web form's sign-in link (the token travels in the fragment, never to logs)."""
    return f"{public_base_url(settings)}{WEB_FORM_PATH}#token={token}"


def collect_settings(*, server_url: str, project_name: str) -> dict[str, Any]:
    """Collect settings for one field user.

    The form list mirrors the server exactly (``match_exactly``) and finalised surveys are
    sent as soon as any connection is available; no username or password, because the token
    in ``server_url`` identifies the user.
    """
    return {
        "general": {
            "server_url": server_url,
            "username": "",
            "password": "",
            "form_update_mode": "match_exactly",
            "autosend": "wifi_and_cellular",
        },
        "admin": {},
        "project": {"name": project_name, "icon": PROJECT_ICON, "color": PROJECT_COLOR},
    }


def encode_collect_settings(settings_json: dict[str, Any]) -> str:
    """The text a settings QR code carries: base64(zlib(UTF-8 JSON))."""
    data = json.dumps(settings_json, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(zlib.compress(data.encode("utf-8"), 9)).decode("ascii")


def decode_collect_settings(payload: str) -> dict[str, Any]:
    """Read a settings QR code's text back into its JSON object."""
    decoded: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(payload)))
    return decoded


@dataclass(frozen=True)
class PhoneSetup:
    """Everything a field user's phone needs, for one token."""

    server_url: str
    """The ODK Collect server URL (the token is in its path)."""
    web_form_url: str
    """The web form's sign-in link."""
    qr_payload: str
    """The text of ODK Collect's settings QR code."""
    base_url: str
    """The address phones use to reach this server."""
    phones_can_reach: bool
    """False when ``base_url`` is this computer only: set a public base URL first."""


def phone_setup(settings: Settings, token: str, *, project_name: str | None = None) -> PhoneSetup:
    """The set-up of a phone for the user holding ``token``; the project is named
    ``project_name`` (``services.offices.phone_project_name``: the user's subdistrict's
    office), by default the install's office."""
    server_url = collect_server_url(settings, token)
    return PhoneSetup(
        server_url=server_url,
        web_form_url=web_form_url(settings, token),
        qr_payload=encode_collect_settings(
            collect_settings(
                server_url=server_url, project_name=project_name or settings.office_name
            )
        ),
        base_url=public_base_url(settings),
        phones_can_reach=phones_can_reach(settings),
    )


def _qr(payload: str, *, for_print: bool) -> Any:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M

    # A screen is clean: the lowest error correction keeps the code narrow enough for an
    # 80-column terminal. Paper gets creased and dirty: medium correction.
    level = ERROR_CORRECT_M if for_print else ERROR_CORRECT_L
    code = qrcode.QRCode(error_correction=level, border=2)
    code.add_data(payload)
    code.make(fit=True)
    return code


def qr_text(payload: str) -> str:
    """The QR code as text for a terminal (dark modules drawn light, for dark terminals)."""
    out = io.StringIO()
    _qr(payload, for_print=False).print_ascii(out=out, invert=True)
    return out.getvalue()


def save_qr_png(payload: str, path: Path) -> Path:
    """Save the QR code as a PNG for printing; returns the path written."""
    code = _qr(payload, for_print=True)
    code.box_size = 10
    code.border = 4
    image = code.make_image()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        image.save(handle)
    return path
