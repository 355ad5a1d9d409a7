"""A live server seeded with a small subdistrict, and a phone (Chromium via Playwright) to open it.

The server is the real app under uvicorn on a free 127.0.0.1 port, on the test database (SQLite,
or PostGIS when FIELDSVC_TEST_DATABASE_URL is set), wrapped in an ASGI byte counter so tests can
state how much a phone downloads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import BinCreate, Condition, Stream
from fieldsvc.storage.register import create_bin
from tests.intake.conftest import Place, make_place
from tests.live import chromium, serve

# A fake camera (test pattern) for the QR scanner; no permission prompt.
FAKE_CAMERA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "mobile"

# หมู่ 1 is the square 103.30–103.31 E, 16.30–16.31 N; the village head surveys only หมู่ 1.
EXISTING_BINS = {
    "NB-0001": (16.3050, 103.3050, Stream.general, 200),
    "NB-0002": (16.3070, 103.3080, Stream.recyclable, 240),
    "NB-0301": (16.3050, 103.3250, Stream.general, 200),  # หมู่ 3: not the head's
}


@dataclass
class Traffic:
    """Bytes the server sent, per request (status line and headers approximated + body)."""

    log: list[dict[str, Any]] = field(default_factory=list)

    def mark(self) -> int:
        return len(self.log)

    def since(self, mark: int) -> list[dict[str, Any]]:
        return self.log[mark:]


class CountingApp:
    def __init__(self, app: Any, traffic: Traffic) -> None:
        self.app, self.traffic = app, traffic

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        entry: dict[str, Any] = {"method": scope["method"], "path": scope["path"], "bytes": 0}

        async def counting_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                headers = message.get("headers", [])
                entry["bytes"] += 17 + sum(len(k) + len(v) + 4 for k, v in headers) + 40
            elif message["type"] == "http.response.body":
                entry["bytes"] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting_send)
        self.traffic.log.append(entry)


@dataclass
class Live:
    base: str
    place: Place
    traffic: Traffic
    engine: Engine
    settings: Settings

    def link(self, token: str | None = None) -> str:
        return f"{self.base}/m/#token={token or self.place.head_token}"


def seed_bins(session: Session) -> None:
    for code, (lat, lon, stream, litres) in EXISTING_BINS.items():
        create_bin(
            session=session,
            bin_in=BinCreate(
                code=code,
                lat=lat,
                lon=lon,
                capacity_l=litres,
                stream=stream,
                condition=Condition.usable,
            ),
            observed_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
    session.commit()


@pytest.fixture
def live(engine: Engine, settings: Settings) -> Iterator[Live]:
    with Session(engine, expire_on_commit=False) as session:
        place = make_place(session)
        seed_bins(session)
    traffic = Traffic()
    app = CountingApp(create_app(settings, engine=engine), traffic)
    with serve(app) as base:
        yield Live(base, place, traffic, engine, settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(extra_args=FAKE_CAMERA_ARGS) as launched:
        yield launched


@dataclass
class Phone:
    """One phone: a fresh browser profile (own service worker, IndexedDB, localStorage)."""

    context: Any
    page: Any
    own_host: str
    hosts: list[str]
    errors: list[str]

    def foreign_requests(self) -> list[str]:
        """Requests to any other server (blob: and data: URLs are made on the phone itself)."""
        local = ("blob:", "data:")
        return [
            h for h in self.hosts if not h.startswith(local) and urlsplit(h).netloc != self.own_host
        ]


PhoneMaker = Callable[..., Phone]

#: Answers that are not faults, though Chromium logs every 4xx response as a console error: a
#: typed bin code is looked up with GET /api/v1/bins/{code} (404 = a new bin), and a phone with no
#: token asks GET /api/v1/me once in case the /login/{token} cookie signed it in (401 = no).
_EXPECTED = {"404": re.compile(r"/api/v1/bins/[^/?]+$"), "401": re.compile(r"/api/v1/me$")}


def _console_error(message: Any, errors: list[str]) -> None:
    if message.type != "error":
        return
    url = (message.location or {}).get("url", "")
    if any(f"status of {code}" in message.text and p.search(url) for code, p in _EXPECTED.items()):
        return
    if "net::ERR_INTERNET_DISCONNECTED" in message.text:
        return  # Chromium's own line for a request made while the test holds the phone offline
    errors.append(f"{message.text} @ {url}")


@pytest.fixture
def make_phone(browser: Any, live: Live) -> Iterator[PhoneMaker]:
    contexts: list[Any] = []

    def make(
        *, lat: float = 16.302, lon: float = 103.302, accuracy: float = 5, height: int = 640
    ) -> Phone:
        context = browser.new_context(
            viewport={"width": 360, "height": height},
            device_scale_factor=2,
            geolocation={"latitude": lat, "longitude": lon, "accuracy": accuracy},
            permissions=["geolocation", "camera"],
            locale="th-TH",
            timezone_id="Asia/Bangkok",
            is_mobile=True,
            has_touch=True,
            # the test driver's wait_for_function evaluates strings, which the app's CSP
            # forbids; the phone form itself is checked under its CSP in test_pages_browser
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        hosts: list[str] = []
        errors: list[str] = []
        context.on("request", lambda r: hosts.append(r.url))
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: _console_error(m, errors))
        return Phone(context, page, urlsplit(live.base).netloc, hosts, errors)

    yield make
    for context in contexts:
        context.close()


def jpeg(size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A photo-like JPEG (a gradient, so it does not compress to nothing)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()
