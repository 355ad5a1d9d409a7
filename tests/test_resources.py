"""fieldsvc/resources/: the copies the package serves are the sources' files, copied by one step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldsvc import resources
from fieldsvc.resources.sync import SOURCE_ROOT, ResourceError, stale, sync

REPO = Path(__file__).resolve().parents[1]


def test_the_package_finds_its_resources_inside_itself() -> None:
    package = Path(resources.__file__).resolve().parent
    assert resources.web_form_dir() == package / "web"
    assert resources.xforms_dir() == package / "xforms"
    assert resources.sample_geodata_dir() == package / "geodata"
    assert resources.vendor_dir() == package / "vendor"
    assert resources.missing() == []
    assert SOURCE_ROOT == REPO


def test_the_copies_match_their_sources() -> None:
    # Fails after editing mobile_forms/ or geodata/ until the set-up step runs again.
    assert stale() == [], "run: python -m fieldsvc.resources sync"


def _sources(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("mobile_forms/web", "mobile_forms/built", "geodata"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_sync_copies_every_file_of_the_web_form_and_only_geojson_of_geodata(
    tmp_path: Path,
) -> None:
    root = _sources(tmp_path)
    (root / "mobile_forms/web/queue.js").write_text("export const queue = [];\n")
    (root / "mobile_forms/web/lib").mkdir()
    (root / "mobile_forms/web/lib/retry.js").write_text("export const retry = 1;\n")
    (root / "node_modules").symlink_to(REPO / "node_modules")
    target = tmp_path / "resources"
    counts = sync(source_root=root, target_dir=target, quiet=True)
    assert (target / "web/queue.js").read_text() == "export const queue = [];\n"
    assert (target / "web/lib/retry.js").is_file()
    assert (
        counts["web"] == len([p for p in (REPO / "mobile_forms/web").rglob("*") if p.is_file()]) + 2
    )
    assert sorted(p.name for p in (target / "geodata").iterdir()) == sorted(
        p.name for p in (REPO / "geodata").glob("*.geojson")
    )
    assert (target / "xforms/bin_survey.xml").read_bytes() == (
        REPO / "mobile_forms/built/bin_survey.xml"
    ).read_bytes()
    assert (target / "vendor/leaflet/leaflet.js").is_file()
    assert stale(source_root=root, target_dir=target) == []
    (root / "mobile_forms/web/queue.js").unlink()
    assert stale(source_root=root, target_dir=target) == ["web/queue.js has no source"]


def test_sync_fails_loudly_without_node_modules(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="npm ci"):
        sync(source_root=_sources(tmp_path), target_dir=tmp_path / "resources", quiet=True)
