"""Front-end files that folium maps need, served from this machine instead of public CDNs.

folium 0.20 and branca 0.8 reference Leaflet and friends on jsDelivr, cdnjs, code.jquery.com and
netdna; an office with no (or bad) internet gets a blank page (``L is not defined``). The same
files, at the same versions, come from the npm registry (``package.json`` at the repository root,
``npm ci``); :func:`install` copies the ones needed into :data:`VENDOR_DIR` (the package's
resources, :func:`fieldsvc.resources.vendor_dir`), which the web app serves at ``/vendor`` and
which :func:`inline_assets` reads to make a single offline HTML file.

``python -m fieldsvc.resources sync`` runs :func:`install` (``scripts/setup-python.sh`` does it
after ``npm ci``, and the wheel build does it before packaging).
"""

from __future__ import annotations

import argparse
import base64
import json
import mimetypes
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc import resources
from fieldsvc.errors import FieldsvcError

if TYPE_CHECKING:
    from branca.element import Element

VENDOR_DIR = resources.vendor_dir()
#: Only :func:`install` reads it: in a source checkout, at set-up and build time.
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
MANIFEST_NAME = "MANIFEST.json"


class AssetError(FieldsvcError, RuntimeError):
    """A front-end file is missing, at the wrong version, or referenced from an unknown CDN."""

    code = "map_assets_invalid"


@dataclass(frozen=True)
class NpmPackage:
    """One pinned npm package and the files copied from it.

    ``files`` holds ``(glob inside the package, folder inside vendor/<folder>)`` pairs; the
    folders keep the relative layout the CSS files expect (``images/``, ``../webfonts/``).
    """

    name: str
    version: str
    folder: str
    files: tuple[tuple[str, str], ...]


#: The pinned packages, exactly the versions folium 0.20 / branca 0.8 reference on CDNs.
PACKAGES: tuple[NpmPackage, ...] = (
    NpmPackage(
        "leaflet",
        "1.9.3",
        "leaflet",
        (
            ("dist/leaflet.js", ""),
            ("dist/leaflet.css", ""),
            ("dist/images/*.png", "images"),
            ("LICENSE", ""),
        ),
    ),
    NpmPackage("jquery", "3.7.1", "jquery", (("dist/jquery.min.js", ""), ("LICENSE.txt", ""))),
    NpmPackage(
        "bootstrap",
        "5.2.2",
        "bootstrap",
        (
            ("dist/js/bootstrap.bundle.min.js", "js"),
            ("dist/css/bootstrap.min.css", "css"),
            ("LICENSE", ""),
        ),
    ),
    NpmPackage(
        "@fortawesome/fontawesome-free",
        "6.2.0",
        "fontawesome",
        (
            ("css/all.min.css", "css"),
            ("css/fontawesome.min.css", "css"),
            ("css/solid.min.css", "css"),
            ("webfonts/*.woff2", "webfonts"),
            ("webfonts/*.ttf", "webfonts"),
            ("LICENSE.txt", ""),
        ),
    ),
    # The exact 2.0.2 that folium references (cdnjs "Leaflet.awesome-markers/2.0.2"); the
    # upstream npm name only has 2.0.5.
    NpmPackage(
        "drmonty-leaflet-awesome-markers",
        "2.0.2",
        "awesome-markers",
        (
            ("js/leaflet.awesome-markers.js", ""),
            ("css/leaflet.awesome-markers.css", ""),
            ("css/images/*.png", "images"),
        ),
    ),
    NpmPackage(
        "leaflet.markercluster",
        "1.1.0",
        "markercluster",
        (
            ("dist/leaflet.markercluster.js", ""),
            ("dist/MarkerCluster.css", ""),
            ("dist/MarkerCluster.Default.css", ""),
            ("MIT-LICENCE.txt", ""),
        ),
    ),
    NpmPackage("d3", "3.5.5", "d3", (("d3.min.js", ""), ("LICENSE", ""))),
    # Not a folium asset: the bin layer (fieldsvc.maps.elements.BinClusterLayer) clusters with
    # it. The UMD build bundles kdbush (ISC too), whose licence is copied beside it.
    NpmPackage(
        "supercluster",
        "9.1.0",
        "supercluster",
        (("dist/supercluster.min.js", ""), ("LICENSE", "")),
    ),
    NpmPackage("kdbush", "4.1.0", "kdbush", (("LICENSE", ""),)),
    # Not a map asset: the phone form's QR reader on browsers without BarcodeDetector
    # (mobile_forms/web/scan.js loads it only then; the UMD build sets window.jsQR).
    NpmPackage("jsqr", "1.4.0", "jsqr", (("dist/jsQR.js", ""), ("LICENSE", ""))),
    # Not a map asset either: the API's /docs page (FastAPI would load it from a CDN).
    NpmPackage(
        "swagger-ui-dist",
        "5.35.0",
        "swagger-ui",
        (
            ("swagger-ui-bundle.js", ""),
            ("swagger-ui.css", ""),
            ("favicon-32x32.png", ""),
            ("LICENSE", ""),
            ("NOTICE", ""),
        ),
    ),
)

#: Our own elements name their files as ``vendor:<path under vendor/>``; :func:`localize_assets`
#: turns that into ``<base_url>/<path>`` (they never name a CDN, not even as a key to rewrite).
VENDOR_SCHEME = "vendor:"
SUPERCLUSTER_JS = f"{VENDOR_SCHEME}supercluster/supercluster.min.js"

_FOLIUM_ROTATE_CSS = (
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css"
)

#: Every CDN URL folium 0.20 (map + MarkerCluster/FastMarkerCluster) and branca 0.8 (colour
#: legend) hard-code → the local file(s) under ``vendor/``
#: that replace it. An empty tuple means the file is deliberately not served: bootstrap-3
#: glyphicons (we use Font Awesome ``prefix="fa"`` icons) and folium's rotate CSS (only for
#: ``Icon(angle=...)``, which we do not use; it is not on npm). Font Awesome's ``all.min.css``
#: is replaced by the core + solid styles: folium's ``prefix="fa"`` icons are solid, and the
#: regular/brands fonts would triple the size of a self-contained map. Leaflet.markercluster
#: stays vendored for folium's ``MarkerCluster``, but the bin layer no longer loads it.
CDN_ASSETS: dict[str, tuple[str, ...]] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": ("leaflet/leaflet.js",),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": ("leaflet/leaflet.css",),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery/jquery.min.js",),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap/js/bootstrap.bundle.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap/css/bootstrap.min.css",
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "fontawesome/css/fontawesome.min.css",
        "fontawesome/css/solid.min.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.js": ("awesome-markers/leaflet.awesome-markers.js",),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.css": ("awesome-markers/leaflet.awesome-markers.css",),
    _FOLIUM_ROTATE_CSS: (),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "markercluster/leaflet.markercluster.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "markercluster/MarkerCluster.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
    "MarkerCluster.Default.css": ("markercluster/MarkerCluster.Default.css",),
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": ("d3/d3.min.js",),
}

#: Files folium loads on every map that our maps do not use (no jQuery or Bootstrap code or
#: classes); :func:`localize_assets` leaves them out unless ``keep_unused=True``.
UNUSED_BY_MAPS: frozenset[str] = frozenset(
    {
        "jquery/jquery.min.js",
        "bootstrap/js/bootstrap.bundle.min.js",
        "bootstrap/css/bootstrap.min.css",
    }
)


# --- install ------------------------------------------------------------------------------


def _installed_version(package_dir: Path) -> str:
    return str(json.loads((package_dir / "package.json").read_text("utf-8"))["version"])


def install(
    *, node_modules: Path = NODE_MODULES, vendor_dir: Path = VENDOR_DIR, quiet: bool = False
) -> list[Path]:
    """Copy the pinned files from ``node_modules`` into ``vendor_dir`` (replacing it).

    Raises :class:`AssetError` when a package is missing or not at its pinned version (run
    ``npm ci`` first). Returns the files written, and writes ``MANIFEST.json`` beside them.
    """
    written: list[Path] = []
    manifest: dict[str, Any] = {"packages": {}, "cdn": {k: list(v) for k, v in CDN_ASSETS.items()}}
    staging = vendor_dir.with_name(vendor_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    for package in PACKAGES:
        source = node_modules / package.name
        if not (source / "package.json").is_file():
            raise AssetError(f"{package.name} is not in {node_modules}; run `npm ci` first")
        version = _installed_version(source)
        if version != package.version:
            raise AssetError(
                f"{package.name} is {version} in node_modules, pinned {package.version}; "
                "run `npm ci`"
            )
        for pattern, folder in package.files:
            matches = sorted(source.glob(pattern))
            if not matches:
                raise AssetError(f"{package.name}@{version} has no {pattern}")
            target_dir = staging / package.folder / folder
            target_dir.mkdir(parents=True, exist_ok=True)
            for path in matches:
                shutil.copy2(path, target_dir / path.name)
                written.append(vendor_dir / package.folder / folder / path.name)
        manifest["packages"][package.name] = {"version": version, "folder": package.folder}
    (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    own = SUPERCLUSTER_JS.removeprefix(VENDOR_SCHEME)
    needed = [*(p for paths in CDN_ASSETS.values() for p in paths), own]
    missing = [p for p in needed if not (staging / p).is_file()]
    if missing:
        raise AssetError(f"the CDN table names files install() did not copy: {missing}")
    shutil.rmtree(vendor_dir, ignore_errors=True)
    staging.rename(vendor_dir)
    if not quiet:
        print(f"fieldsvc.maps.assets: {len(written)} files in {vendor_dir}")
    return written


# --- rewriting folium's CDN links ---------------------------------------------------------


def _local_links(
    links: Sequence[tuple[str, str]], base_url: str, keep_unused: bool
) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for name, url in links:
        if url.startswith(VENDOR_SCHEME):
            result.append((name, f"{base_url}/{url.removeprefix(VENDOR_SCHEME)}"))
            continue
        if not url.startswith(("http://", "https://", "//")):
            result.append((name, url))  # already local
            continue
        if url not in CDN_ASSETS:
            raise AssetError(
                f"{name}: no local copy of {url}; add the npm package to package.json, "
                "PACKAGES and CDN_ASSETS in fieldsvc/maps/assets.py"
            )
        for i, path in enumerate(CDN_ASSETS[url]):
            if path in UNUSED_BY_MAPS and not keep_unused:
                continue
            result.append((name if i == 0 else f"{name}_{i}", f"{base_url}/{path}"))
    return result


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def localize_assets(
    element: Element, *, base_url: str = "/vendor", keep_unused: bool = False
) -> None:
    """Point every ``default_js``/``default_css`` in ``element``'s figure at local files.

    Call it after all layers and plugins are added (it walks the whole tree from the root
    figure). Each element gets its own lists; folium's class-level lists are left untouched.
    ``base_url`` is where :data:`VENDOR_DIR` is served (``/vendor`` in the app). Raises
    :class:`AssetError` for a CDN URL that has no local copy.
    """
    base_url = base_url.rstrip("/")
    for node in _walk(element.get_root()):
        for attribute in ("default_js", "default_css"):
            links = getattr(node, attribute, None)
            if links:
                setattr(node, attribute, _local_links(links, base_url, keep_unused))


_TAG_URL = re.compile(
    r"""<script\b[^>]*\bsrc=["'](?P<js>[^"']+)["'][^>]*>\s*</script>"""
    r"""|<link\b[^>]*\bhref=["'](?P<css>[^"']+)["'][^>]*/?>""",
    re.IGNORECASE,
)


def localize_html(html: str, *, base_url: str = "/vendor", keep_unused: bool = False) -> str:
    """Rewrite CDN ``<script src>``/``<link href>`` tags left in rendered HTML.

    Some elements add links while rendering (branca's colour legend adds d3), so
    :func:`localize_assets` cannot see them. Tags whose URL maps to nothing are removed.
    """
    base_url = base_url.rstrip("/")

    def replace(match: re.Match[str]) -> str:
        url = match.group("js") or match.group("css")
        if not url.startswith(("http://", "https://", "//")):
            return match.group(0)
        is_js = match.group("js") is not None
        links = _local_links([("x", url)], base_url, keep_unused)
        if is_js:
            return "".join(f'<script src="{u}"></script>' for _, u in links)
        return "".join(f'<link rel="stylesheet" href="{u}"/>' for _, u in links)

    return _TAG_URL.sub(replace, html)


def external_references(html: str) -> list[str]:
    """URLs on another host that a page would load by itself: ``<script src>``, stylesheet
    ``<link href>``, ``<img src>`` and CSS ``url()`` (not ``<a href>`` links or tile URLs
    inside scripts)."""
    found = [m.group("js") or m.group("css") for m in _TAG_URL.finditer(html)]
    found += re.findall(r"""<img\b[^>]*\bsrc=["']([^"']+)["']""", html, re.IGNORECASE)
    found += re.findall(r"""url\(\s*["']?([^"')]+)""", html)
    return [u for u in found if u.startswith(("http://", "https://", "//"))]


# --- one self-contained file --------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
# A woff2 font-face source followed by a TrueType fallback: every browser that runs Leaflet 1.9
# reads woff2, so the fallback would only double the file.
_TTF_FALLBACK = re.compile(r""",\s*url\([^)]*\.ttf["']?\)\s*format\(["']truetype["']\)""")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0]
    if path.suffix == ".woff2":
        mime = "font/woff2"
    elif path.suffix == ".ttf":
        mime = "font/ttf"
    payload = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{mime or 'application/octet-stream'};base64,{payload}"


def _inline_css(css: str, css_path: Path, vendor_dir: Path) -> str:
    css = _TTF_FALLBACK.sub("", css)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        if target.startswith(("data:", "#")):
            return match.group(0)
        if target.startswith(("http://", "https://", "//")):
            raise AssetError(f"{css_path.name} loads {target} from the internet")
        resolved = (css_path.parent / target.split("?")[0].split("#")[0]).resolve()
        if not resolved.is_relative_to(vendor_dir.resolve()) or not resolved.is_file():
            raise AssetError(f"{css_path.name} references {target}, not found in {vendor_dir}")
        return f'url("{_data_uri(resolved)}")'

    return _CSS_URL.sub(replace, css)


def _vendor_file(url: str, base_url: str, vendor_dir: Path) -> Path | None:
    prefix = base_url.rstrip("/") + "/"
    if not url.startswith(prefix):
        return None
    path = (vendor_dir / url[len(prefix) :]).resolve()
    if not path.is_relative_to(vendor_dir.resolve()):
        return None
    if not path.is_file():
        raise AssetError(f"{path} is missing; run `npm ci && python -m fieldsvc.resources sync`")
    return path


def inline_assets(html: str, *, base_url: str = "/vendor", vendor_dir: Path = VENDOR_DIR) -> str:
    """Replace ``<script src>``/``<link href>`` tags under ``base_url`` with the files' text.

    Images and fonts referenced from the CSS become ``data:`` URIs, so the result opens with no
    network and no files beside it. Tags pointing elsewhere are left as they are.
    """

    def replace(match: re.Match[str]) -> str:
        url = match.group("js") or match.group("css")
        path = _vendor_file(url, base_url, vendor_dir)
        if path is None:
            return match.group(0)
        text = path.read_text("utf-8")
        if match.group("js") is not None:
            # A literal "</script" inside the code would end the element early.
            text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
            return f"<script>/* {url} */\n{text}\n</script>"
        text = _inline_css(text, path, vendor_dir)
        return f"<style>/* {url} */\n{text}\n</style>"

    return _TAG_URL.sub(replace, html)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fieldsvc.maps.assets")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print the CDN URL → local file table")
    parser.parse_args(argv)
    for url, paths in CDN_ASSETS.items():
        print(f"{url}\n    → {', '.join(paths) or '(not served)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
