"""Take one dataset out of an uploaded zip (zipped shapefile, KMZ) without trusting its paths."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from typing import Final

from fieldsvc.ingest.errors import LayerReadError

MAX_UNZIPPED_BYTES: Final = 1 << 30
_SHAPEFILE_PARTS: Final = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _member_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Thai Windows store names in cp874 without the UTF-8 flag; zipfile then
    # decodes them as cp437. Names are only displayed and compared, never used as paths.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("cp874")
    except UnicodeError:
        return info.filename


def extract_from_zip(
    archive: Path, scratch: Path, *, name: str, layer: str | None
) -> tuple[Path, str]:
    """Copy one dataset out of a zip under fixed names in ``scratch`` (no zip-slip possible)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = {
                _member_name(info): info
                for info in bundle.infolist()
                if not info.is_dir() and not _is_zip_junk(_member_name(info))
            }
            shapefiles = [m for m in members if m.lower().endswith(".shp")]
            stems = {m: PurePosixPath(m).stem for m in shapefiles}
            if layer is not None and shapefiles:
                shapefiles = [m for m in shapefiles if stems[m].casefold() == layer.casefold()]
                if not shapefiles:
                    raise LayerReadError(
                        "layer_not_found", file=name, layer=layer, layers=", ".join(stems.values())
                    )
            if len(shapefiles) > 1:
                raise LayerReadError(
                    "ambiguous_layer", file=name, layers=", ".join(stems[m] for m in shapefiles)
                )
            if shapefiles:
                base = shapefiles[0][:-4]
                parts = {
                    PurePosixPath(m).suffix.lower(): info
                    for m, info in members.items()
                    if m[:-4] == base and PurePosixPath(m).suffix.lower() in _SHAPEFILE_PARTS
                }
                _copy_members(bundle, parts, scratch, name=name)
                return scratch / "layer.shp", "shp"
            for suffix, kind in ((".kml", "kml"), (".gpkg", "gpkg"), (".geojson", "geojson")):
                found = [m for m in members if m.lower().endswith(suffix)]
                if len(found) == 1:
                    _copy_members(bundle, {suffix: members[found[0]]}, scratch, name=name)
                    return scratch / f"layer{suffix}", kind
    except zipfile.BadZipFile as exc:
        raise LayerReadError("unreadable_file", file=name, detail=str(exc)) from exc
    shown = ", ".join(list(members)[:10]) or "-"
    raise LayerReadError("no_shapefile_in_zip", file=name, found=shown)


def _is_zip_junk(member: str) -> bool:
    parts = PurePosixPath(member).parts
    return "__MACOSX" in parts or PurePosixPath(member).name.startswith("._")


def _copy_members(
    bundle: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], scratch: Path, *, name: str
) -> None:
    limit_mb = MAX_UNZIPPED_BYTES // (1 << 20)
    budget = MAX_UNZIPPED_BYTES
    for suffix, info in parts.items():
        if info.file_size > budget:
            raise LayerReadError("zip_too_large", file=name, limit_mb=limit_mb)
        # Stream with our own count: the header's file_size can lie.
        with bundle.open(info) as source, (scratch / f"layer{suffix}").open("wb") as target:
            while chunk := source.read(1 << 20):
                budget -= len(chunk)
                if budget < 0:
                    raise LayerReadError("zip_too_large", file=name, limit_mb=limit_mb)
                target.write(chunk)
