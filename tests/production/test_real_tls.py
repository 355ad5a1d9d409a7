"""Over real TLS: Debian's Caddy with its internal CA ("tls internal") in front of fieldsvc on
loopback, as scripts/install-server.sh sets up an office LAN install.

Chromium trusts that CA only through an NSS database in a temporary HOME (``certutil``, as a
phone trusts the office certificate once installed) and reaches the app by a host name mapped
to 127.0.0.1. The phone form is then a secure context: the service worker registers, the
position is given, and a reload offline is answered by the service worker. The same browser
without the CA refuses the page, and Collect's OpenRosa exchange works over the same https.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from tests.drill.live_server import (
    Seed,
    Survey,
    free_port,
    new_bin_point,
    new_instance_id,
    noise_jpeg,
    openrosa_files,
    seed_subdistrict,
    survey_time,
    village_of,
)
from tests.live import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOST = "fieldsvc.test"
CADDY = shutil.which("caddy") or "/usr/bin/caddy"
CERTUTIL = shutil.which("certutil") or "/usr/bin/certutil"


@dataclass
class Proxy:
    port: int
    root_crt: Path
    seed: Seed

    @property
    def base(self) -> str:
        return f"https://{HOST}:{self.port}"


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"caddy exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"caddy did not listen on {port}: {log.read_text(errors='replace')}")


def _wait_for_certificate(port: int, root_crt: Path) -> None:
    """Caddy listens before its internal CA has signed the site's certificate (a handshake then
    ends in "tlsv1 alert internal error"): wait until a handshake trusting its root succeeds."""
    trust = ssl.create_default_context(cafile=str(root_crt))
    deadline = time.monotonic() + 30
    while True:
        try:
            with (
                socket.create_connection(("127.0.0.1", port), timeout=2) as raw,
                trust.wrap_socket(raw, server_hostname="127.0.0.1"),
            ):
                return
        except (OSError, ssl.SSLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def proxy(engine: Engine, tmp_path: Path) -> Iterator[Proxy]:
    for tool in (CADDY, CERTUTIL, str(CHROMIUM)):
        if not Path(tool).exists():
            raise RuntimeError(f"{tool} is missing: run scripts/setup-system.sh")
    seed = seed_subdistrict(engine, bins=10)
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=engine.url.render_as_string(hide_password=False),
    )
    with serve(create_app(settings, engine=engine)) as app_base:
        app_port = int(app_base.rsplit(":", 1)[1])
        https_port, http_port = free_port(), free_port()
        caddy_home = tmp_path / "caddy-home"
        storage = tmp_path / "caddy-data"
        config = tmp_path / "Caddyfile"
        config.write_text(
            "{\n\tadmin off\n\tskip_install_trust\n"
            f"\tstorage file_system {storage}\n"
            f"\thttp_port {http_port}\n\thttps_port {https_port}\n"
            "\tauto_https disable_redirects\n}\n\n"
            f"https://{HOST}:{https_port}, https://127.0.0.1:{https_port} {{\n"
            f"\ttls internal\n\treverse_proxy 127.0.0.1:{app_port}\n}}\n"
        )
        log = tmp_path / "caddy.log"
        env = {
            **os.environ,
            "HOME": str(caddy_home),
            "XDG_DATA_HOME": str(caddy_home / "data"),
            "XDG_CONFIG_HOME": str(caddy_home / "config"),
        }
        with log.open("wb") as out:
            caddy = subprocess.Popen(
                [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_for_port(https_port, caddy, log)
            root_crt = storage / "pki" / "authorities" / "local" / "root.crt"
            deadline = time.monotonic() + 20
            while not root_crt.is_file() and time.monotonic() < deadline:
                time.sleep(0.1)
            _wait_for_certificate(https_port, root_crt)
            yield Proxy(https_port, root_crt, seed)
        finally:
            caddy.terminate()
            caddy.wait(timeout=15)


def _nss_home(tmp_path: Path, root_crt: Path | None) -> Path:
    """A HOME whose NSS database trusts ``root_crt`` (or nothing) for TLS servers."""
    home = tmp_path / ("home-trusting" if root_crt else "home-plain")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run(
        [CERTUTIL, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True, capture_output=True
    )
    if root_crt is not None:
        subprocess.run(
            [CERTUTIL, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "caddy", "-i", str(root_crt)],
            check=True,
            capture_output=True,
        )
    return home


def _browser(playwright: Any, home: Path) -> Any:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"],
        env={**os.environ, "HOME": str(home)},
    )


def test_phone_form_over_https_is_a_secure_context_and_works_offline(
    proxy: Proxy, tmp_path: Path
) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    link = f"{proxy.base}/m/#token={proxy.seed.head_token}"
    with sync_playwright() as playwright:
        untrusting = _browser(playwright, _nss_home(tmp_path, None))
        try:
            page = untrusting.new_page()
            with pytest.raises(PlaywrightError, match="ERR_CERT_AUTHORITY_INVALID"):
                page.goto(link)
        finally:
            untrusting.close()

        browser = _browser(playwright, _nss_home(tmp_path, proxy.root_crt))
        try:
            context = browser.new_context(
                geolocation={"latitude": 16.3021, "longitude": 103.3021, "accuracy": 5},
                permissions=["geolocation"],
                locale="th-TH",
                is_mobile=True,
            )
            context.set_default_timeout(20_000)
            page = context.new_page()
            response = page.goto(link)
            assert response is not None and response.status == 200
            assert response.url.startswith(f"https://{HOST}:")
            assert page.evaluate("window.isSecureContext") is True
            assert page.evaluate("location.protocol") == "https:"
            page.locator("html[data-sw='ready']").wait_for(state="attached")
            scope = page.evaluate(
                "navigator.serviceWorker.getRegistration().then(r => r && r.scope)"
            )
            assert scope == f"{proxy.base}/m/"
            position = page.evaluate(
                """() => new Promise((ok, no) => navigator.geolocation.getCurrentPosition(
                    p => ok([p.coords.latitude, p.coords.longitude]), e => no(e.message)))"""
            )
            assert position == [16.3021, 103.3021]
            page.locator("html[data-screen='home']").wait_for(state="attached")
            page.locator("html[data-data='ready']").wait_for(state="attached")

            context.set_offline(True)
            reloaded = page.reload()
            assert reloaded is not None and reloaded.from_service_worker
            page.locator("html[data-screen='home']").wait_for(state="attached")
            assert page.locator("#hello").inner_text() == "สวัสดี ผู้ใหญ่บ้านหมู่ 1"
        finally:
            browser.close()


def test_openrosa_over_https_through_the_proxy(proxy: Proxy) -> None:
    trust = ssl.create_default_context(cafile=str(proxy.root_crt))
    base = f"https://127.0.0.1:{proxy.port}/openrosa/{proxy.seed.staff_token}"
    headers = {"X-OpenRosa-Version": "1.0"}
    lon, lat = new_bin_point(proxy.seed, 0)
    survey = Survey(
        new_instance_id(), "TLS-00001", lon, lat, village_of(lon), "usable", survey_time(0),
        photo="1764123456789.jpg", new=True,
    )  # fmt: skip
    photo = noise_jpeg(width=64, height=48, quality=80, seed=1)
    with httpx.Client(verify=trust, timeout=30.0) as client:
        forms = client.get(f"{base}/formList", headers=headers)
        assert forms.status_code == 200
        # The app saw https from the proxy's forwarded headers: links phones follow are https.
        assert f"<downloadUrl>https://127.0.0.1:{proxy.port}/openrosa/" in forms.text
        head = client.head(f"{base}/submission", headers=headers)
        assert head.status_code == 204
        sent = client.post(
            f"{base}/submission",
            headers=headers,
            files=openrosa_files(survey.xml(), photo=("1764123456789.jpg", photo)),
        )
        assert sent.status_code == 201, sent.text
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{base}/formList", headers=headers)  # the system store lacks the office CA
