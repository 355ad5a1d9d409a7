"""The wheel is self-contained: built from a clean copy of the checkout and installed in a fresh
virtualenv outside the repository, ``fieldsvc demo`` serves the phone form, the OpenRosa form
list and a form, and ``fieldsvc map`` writes a map that opens offline.

No network: the wheel is built with ``--no-isolation`` from the project's own ``build`` and
``setuptools`` and installed with ``--no-deps``; the new environment sees the dependencies already
installed in the project's virtualenv through a ``.pth`` file (which, unlike ``site-packages``
itself, does not run the project's editable-install hook).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from fieldsvc.maps.assets import external_references

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
#: Started from this script, the demo reports which fieldsvc it imported before it serves.
DEMO_SCRIPT = (
    "import sys, fieldsvc\n"
    "print('fieldsvc.__file__ =', fieldsvc.__file__, flush=True)\n"
    "from fieldsvc.cli import main\n"
    "raise SystemExit(main(['demo']))\n"
)


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    run_dir: Path
    env: dict[str, str]


def _checkout_copy(target: Path) -> None:
    """Tracked and new (not ignored) files only: no synced resources, build/ or .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a deleted file not yet committed is still listed
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(REPO / "node_modules")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    assert not tmp.is_relative_to(REPO)
    source = tmp / "src"
    _checkout_copy(source)
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp / "dist")],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp / "dist").glob("fieldsvc-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    project_site = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "fieldsvc-test-dependencies.pth").write_text("\n".join(sorted(project_site)))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    run_dir = tmp / "run"
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDSVC_", "PYTHON"))}
    env |= {
        "FIELDSVC_DATA_DIR": str(run_dir / "var"),
        "PYTHAINLP_OFFLINE": "1",
        "PYTHAINLP_DATA": os.environ.get("PYTHAINLP_DATA", str(REPO / ".venv/pythainlp-data")),
    }
    return Installed(wheel, venv, run_dir, env)


@dataclass(frozen=True)
class Demo:
    base_url: str
    output: str
    token: str


@pytest.fixture(scope="module")
def demo(installed: Installed) -> Iterator[Demo]:
    port = _free_port()
    env = installed.env | {"FIELDSVC_PORT": str(port)}
    log = installed.run_dir / "demo.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [installed.venv / "bin" / "python", "-c", DEMO_SCRIPT],
            cwd=installed.run_dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        output = log.read_text()
        token = re.search(r"#token=(\S+)", output)
        assert token is not None, output
        yield Demo(base_url, output, token.group(1))
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_wheel_carries_the_resources(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for name in (
        "fieldsvc/resources/web/index.html",
        "fieldsvc/resources/xforms/bin_survey.xml",
        "fieldsvc/resources/xforms/villages.csv",
        "fieldsvc/resources/geodata/sample_bins.geojson",
        "fieldsvc/resources/vendor/leaflet/leaflet.js",
        "fieldsvc/resources/vendor/leaflet/LICENSE",
        "fieldsvc/resources/vendor/MANIFEST.json",
    ):
        assert name in names, name
    web = {
        p.relative_to(REPO / "mobile_forms/web").as_posix()
        for p in (REPO / "mobile_forms/web").rglob("*")
        if p.is_file()
    }
    assert {
        n.removeprefix("fieldsvc/resources/web/")
        for n in names
        if n.startswith("fieldsvc/resources/web/")
    } == web


def test_the_demo_runs_the_installed_package_not_the_checkout(demo: Demo) -> None:
    found = re.search(r"fieldsvc.__file__ = (\S+)", demo.output)
    assert found is not None, demo.output
    location = Path(found.group(1)).resolve()
    assert not location.is_relative_to(REPO), location
    assert "site-packages" in location.parts


def test_the_demo_serves_the_phone_form_and_its_scripts(demo: Demo) -> None:
    page = httpx.get(f"{demo.base_url}/m/", timeout=30)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    scripts = re.findall(r"""<script\b[^>]*\bsrc=["']([^"']+)["']""", page.text)
    assert scripts, page.text[:500]
    for src in scripts:
        assert not src.startswith(("http:", "https:", "//")), src
        script = httpx.get(page.url.join(src), timeout=30)
        assert script.status_code == 200, src
        assert "javascript" in script.headers["content-type"], src
        assert len(script.content) > 1000, src


def test_the_demo_serves_the_form_list_and_a_form(demo: Demo) -> None:
    listing = httpx.get(f"{demo.base_url}/openrosa/{demo.token}/formList", timeout=30)
    assert listing.status_code == 200
    ns = {"x": "http://openrosa.org/xforms/xformsList"}
    forms = {
        f.findtext("x:formID", namespaces=ns): f.findtext("x:downloadUrl", namespaces=ns)
        for f in ElementTree.fromstring(listing.content).findall("x:xform", ns)
    }
    assert "bin_survey" in forms, listing.text
    form = httpx.get(str(forms["bin_survey"]), timeout=30)
    assert form.status_code == 200
    assert form.content == (REPO / "mobile_forms/built/bin_survey.xml").read_bytes()


def test_the_installed_map_command_writes_an_offline_map(installed: Installed, demo: Demo) -> None:
    out = installed.run_dir / "x.html"
    subprocess.run(
        [installed.venv / "bin" / "fieldsvc", "map", "--out", str(out)],
        cwd=installed.run_dir,
        env=installed.env,
        check=True,
        capture_output=True,
    )
    html = out.read_text("utf-8")
    leaflet = (REPO / "node_modules/leaflet/dist/leaflet.js").read_text("utf-8")
    assert leaflet[:300] in html  # the vendored Leaflet, inlined
    assert not re.findall(r"""<script\b[^>]*\bsrc=["']https?:""", html, re.IGNORECASE)
    assert external_references(html) == []
