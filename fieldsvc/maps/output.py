"""Rendering folium maps to HTML that loads nothing from the internet."""

from __future__ import annotations

from pathlib import Path

import folium

from fieldsvc.maps.assets import (
    VENDOR_DIR,
    AssetError,
    external_references,
    inline_assets,
    localize_assets,
    localize_html,
)

#: Attribute the map builders set on a map: the ``asset_base`` it was built with.
ASSET_BASE_ATTR = "fieldsvc_asset_base"


def render_map_html(
    m: folium.Map,
    *,
    asset_base: str | None = None,
    self_contained: bool = False,
    vendor_dir: Path = VENDOR_DIR,
) -> str:
    """The page for ``m`` with every front-end file local.

    With ``self_contained=False`` scripts and styles are referenced under ``asset_base``
    (the app serves them at ``/vendor``); with ``True`` they are inlined (fonts and images as
    ``data:`` URIs) and the page needs no other file. Raises
    :class:`~fieldsvc.maps.assets.AssetError` if a self-contained page would still load
    something from another host.
    """
    base = asset_base or getattr(m, ASSET_BASE_ATTR, None) or "/vendor"
    localize_assets(m, base_url=base)
    page = m.get_root().render()
    page = localize_html(page, base_url=base)
    page = page.replace("<html>", '<html lang="th">', 1)
    if self_contained:
        page = inline_assets(page, base_url=base, vendor_dir=vendor_dir)
        remote = external_references(page)
        if remote:
            raise AssetError(f"the map would still load {remote[:5]} from the internet")
    return page


def write_map_html(
    m: folium.Map,
    out_path: str | Path,
    *,
    self_contained: bool = True,
    asset_base: str | None = None,
    vendor_dir: Path = VENDOR_DIR,
) -> Path:
    """Write ``m`` to ``out_path`` (UTF-8) for ``fieldsvc map --out``; returns the path.

    The default, ``self_contained=True``, writes one file that opens offline from a USB stick
    or a LINE attachment; ``False`` writes a page for the app that references ``/vendor``.
    """
    path = Path(out_path)
    page = render_map_html(
        m, asset_base=asset_base, self_contained=self_contained, vendor_dir=vendor_dir
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
