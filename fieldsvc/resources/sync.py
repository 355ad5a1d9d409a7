"""Copy the resources' sources into the package: the one step behind both the set-up of a
source checkout and the wheel build.

``scripts/setup-python.sh`` runs it (``python -m fieldsvc.resources sync``) after ``npm ci``;
``setup.py`` runs it before packaging, so a wheel carries the same files. The sources stay at the
top of the repository: ``mobile_forms/web/`` (the whole folder, whatever files it holds),
``mobile_forms/built/``, ``geodata/*.geojson`` and the pinned files from ``node_modules/``.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fieldsvc.maps.assets import MANIFEST_NAME, PACKAGES, install
from fieldsvc.resources import SAMPLE_GEODATA, VENDOR, WEB_FORM, XFORMS, resources_dir

#: The repository around the package, when the package is a source checkout.
SOURCE_ROOT = Path(__file__).resolve().parents[2]


class ResourceError(RuntimeError):
    """A source folder is missing, so the package would ship without it."""


@dataclass(frozen=True)
class CopiedFolder:
    """Files of ``source`` (relative to the repository) matching ``pattern``, copied into the
    resource folder ``name`` with their relative paths kept."""

    name: str
    source: str
    pattern: str


COPIED: tuple[CopiedFolder, ...] = (
    CopiedFolder(WEB_FORM, "mobile_forms/web", "**/*"),
    CopiedFolder(XFORMS, "mobile_forms/built", "**/*"),
    CopiedFolder(SAMPLE_GEODATA, "geodata", "*.geojson"),
)


def is_source_checkout(source_root: Path = SOURCE_ROOT) -> bool:
    """True when the sources are beside the package (a clone; not an unpacked sdist)."""
    return all((source_root / folder.source).is_dir() for folder in COPIED)


def _source_files(source_root: Path, folder: CopiedFolder) -> Iterator[tuple[Path, Path]]:
    """``(file, path relative to the source folder)``; hidden files and caches stay behind."""
    base = source_root / folder.source
    for path in sorted(base.glob(folder.pattern)):
        relative = path.relative_to(base)
        if not path.is_file() or any(
            part.startswith(".") or part in ("__pycache__", "node_modules")
            for part in relative.parts
        ):
            continue
        yield path, relative


def _replace_folder(target: Path, files: list[tuple[Path, Path]]) -> None:
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for path, relative in files:
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, staging / relative)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def sync(
    *, source_root: Path = SOURCE_ROOT, target_dir: Path | None = None, quiet: bool = False
) -> dict[str, int]:
    """Replace every resource folder in ``target_dir`` (default: this package) with a fresh copy
    of its source; returns the number of files per folder.

    Raises :class:`ResourceError` when a source folder or ``node_modules/`` is missing (run
    ``npm ci`` first), and :class:`~fieldsvc.maps.assets.AssetError` when an npm package is not
    at its pinned version.
    """
    target = resources_dir() if target_dir is None else target_dir
    counts: dict[str, int] = {}
    for folder in COPIED:
        if not (source_root / folder.source).is_dir():
            raise ResourceError(f"{source_root / folder.source} is missing")
        files = list(_source_files(source_root, folder))
        if not files:
            raise ResourceError(f"{source_root / folder.source} has no {folder.pattern}")
        _replace_folder(target / folder.name, files)
        counts[folder.name] = len(files)
    node_modules = source_root / "node_modules"
    if not node_modules.is_dir():
        raise ResourceError(
            f"{node_modules} is missing: run `npm ci` first (the vendored front-end files "
            "for the maps and /docs come from it)"
        )
    counts[VENDOR] = len(install(node_modules=node_modules, vendor_dir=target / VENDOR, quiet=True))
    if not quiet:
        listing = ", ".join(f"{name}/ {count}" for name, count in counts.items())
        print(f"fieldsvc.resources: {listing} files in {target}")
    return counts


def stale(*, source_root: Path = SOURCE_ROOT, target_dir: Path | None = None) -> list[str]:
    """What differs between the sources and the copies (empty when in step): a changed, added or
    removed file, or a vendor folder from another set of pinned versions."""
    target = resources_dir() if target_dir is None else target_dir
    found: list[str] = []
    for folder in COPIED:
        wanted = {relative: path for path, relative in _source_files(source_root, folder)}
        base = target / folder.name
        have = {p.relative_to(base) for p in base.glob("**/*") if p.is_file()}
        for relative in sorted(have - wanted.keys()):
            found.append(f"{folder.name}/{relative} has no source")
        for relative, path in sorted(wanted.items()):
            copy = base / relative
            if not copy.is_file():
                found.append(f"{folder.name}/{relative} is missing")
            elif not filecmp.cmp(path, copy, shallow=False):
                found.append(f"{folder.name}/{relative} differs from {folder.source}/{relative}")
    manifest_path = target / VENDOR / MANIFEST_NAME
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))["packages"]
    except (OSError, ValueError, KeyError):
        return [*found, f"{VENDOR}/{MANIFEST_NAME} is missing or unreadable"]
    for package in PACKAGES:
        version = manifest.get(package.name, {}).get("version")
        if version != package.version:
            found.append(f"{VENDOR}/: {package.name} is {version}, pinned {package.version}")
    return found
