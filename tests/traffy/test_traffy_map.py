"""The tickets are their own read-only layer on the staff map (legend, popup with a photo
link that is never loaded) and are absent from the public map."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import folium
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.maps.output import render_map_html
from fieldsvc.maps.traffy_layer import TRAFFY_LAYER_NAME
from fieldsvc.models import TraffyTicket
from fieldsvc.services import overview, public_data
from fieldsvc.services.traffy import import_traffy
from tests.real_formats.make_traffy import PHOTO_BUCKET, write_traffy_csv


def _traffy_features(m: folium.Map) -> list[dict[str, Any]]:
    """The features of the map's Traffy layer (none when the map has no such layer)."""
    layers = [c for c in m._children.values() if getattr(c, "layer_name", "") == TRAFFY_LAYER_NAME]
    assert len(layers) <= 1
    return [f for layer in layers for f in layer.data["features"]]


def test_staff_map_has_the_layer_legend_and_popup_without_loading_photos(
    wiang: Session, settings: Settings, folder: Path
) -> None:
    import_traffy(session=wiang, path=write_traffy_csv(folder / "bangkok_traffy.csv"))
    m = overview.coverage_map(session=wiang, settings=settings, audience="staff")
    popups = {f["properties"]["ticket_id"]: f["properties"] for f in _traffy_features(m)}
    assert sorted(popups) == ["2024-WIA001", "2024-WIA002", "2024-WIA003", "2024-WIA004"]
    page = render_map_html(m)
    assert "เรื่องจาก Traffy Fondue (อ่านอย่างเดียว)" in page  # the legend row
    for left_out in ("2024-WIA005", "2024-RWG001", "2024-BAD001"):
        assert left_out not in page
    # popup: type, state, Buddhist-era date, comment escaped, photo as link text only
    assert popups["2024-WIA002"]["types"] == "ความสะอาด,ถนน"
    assert popups["2024-WIA004"]["state"] == "กำลังดำเนินการ"
    assert popups["2024-WIA001"]["reported"] == "1 มี.ค. 2567"  # Thai short date, B.E.
    assert popups["2024-WIA001"]["comment"].endswith("มีแมลงวัน &quot;มาก&quot;")
    photo = f"{PHOTO_BUCKET}/2024-03/WIA001.jpg"
    assert popups["2024-WIA001"]["photo"] == (
        f'<a href="{photo}" target="_blank" rel="noopener noreferrer" '
        f'style="word-break:break-all">{photo}</a>'
    )
    # the photo is never an image source, so nothing is fetched from Traffy's bucket
    assert not re.search(r"(<img|\\u003cimg)[^>]+traffy_public_bucket", page)
    assert not re.search(r"src=\\?\"[^\"]*traffy_public_bucket", page)


def test_a_photo_address_that_is_not_http_stays_plain_text(
    wiang: Session, settings: Settings, folder: Path
) -> None:
    import_traffy(session=wiang, path=write_traffy_csv(folder / "bangkok_traffy.csv"))
    ticket = wiang.exec(select(TraffyTicket).where(TraffyTicket.ticket_id == "2024-WIA003")).one()
    ticket.photo_url = "javascript:alert(1)"
    wiang.add(ticket)
    wiang.commit()
    m = overview.coverage_map(session=wiang, settings=settings, audience="staff")
    popups = {f["properties"]["ticket_id"]: f["properties"] for f in _traffy_features(m)}
    assert popups["2024-WIA003"]["photo"] == "javascript:alert(1)"  # text, not a link


def test_public_map_never_shows_the_tickets(
    wiang: Session, settings: Settings, folder: Path
) -> None:
    import_traffy(session=wiang, path=write_traffy_csv(folder / "bangkok_traffy.csv"))
    public = public_data.map_file(session=wiang, settings=settings).body.decode("utf-8")
    assert "Traffy" not in public and "traffy_public_bucket" not in public
    m = overview.coverage_map(session=wiang, settings=settings, audience="public")
    assert _traffy_features(m) == []
    assert "2024-WIA001" not in public and "ขยะล้นถังหน้าวัด" not in public
