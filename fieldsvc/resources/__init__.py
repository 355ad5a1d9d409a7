"""Files the package ships beside its code: the phone web form, the built XForms, the synthetic
sample geodata and the vendored front-end assets.

The code finds them here and nowhere else, so an installed wheel works the same as a source
checkout. Their sources stay at the top of the repository (``mobile_forms/``, ``geodata/``,
``node_modules/``); :mod:`fieldsvc.resources.sync` copies them in, run by
``scripts/setup-python.sh`` (``python -m fieldsvc.resources sync``) and by the wheel build
(``setup.py``). The copies are not committed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: Folder names inside this package, one per kind of resource.
WEB_FORM = "web"
XFORMS = "xforms"
SAMPLE_GEODATA = "geodata"
VENDOR = "vendor"
NAMES: tuple[str, ...] = (WEB_FORM, XFORMS, SAMPLE_GEODATA, VENDOR)


def resources_dir() -> Path:
    """The folder holding the resource folders (this package's own folder)."""
    root = files(__name__)
    # StaticFiles, glob() and mtimes need a real folder; a zipped install is not supported.
    if not isinstance(root, Path):
        raise RuntimeError(f"fieldsvc must be installed as files, not from {root!r}")
    return root


def web_form_dir() -> Path:
    """The phone web form served at ``/m/`` (from ``mobile_forms/web/``)."""
    return resources_dir() / WEB_FORM


def xforms_dir() -> Path:
    """The built XForms and their attachments served to ODK Collect (``mobile_forms/built/``)."""
    return resources_dir() / XFORMS


def sample_geodata_dir() -> Path:
    """The SYNTHETIC sample subdistrict loaded by ``fieldsvc demo`` (``geodata/*.geojson``)."""
    return resources_dir() / SAMPLE_GEODATA


def vendor_dir() -> Path:
    """Leaflet, Font Awesome, Swagger UI … served at ``/vendor`` and inlined into offline maps
    (copied from ``node_modules/`` by :func:`fieldsvc.maps.assets.install`)."""
    return resources_dir() / VENDOR


def missing() -> list[str]:
    """Names of the resource folders that are absent or empty (the set-up step did not run)."""
    folders = {name: resources_dir() / name for name in NAMES}
    return [name for name, path in folders.items() if not path.is_dir() or not any(path.iterdir())]
