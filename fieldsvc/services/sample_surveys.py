"""SYNTHETIC surveys of the sample subdistrict, so that a demo has something to review.

``fieldsvc demo`` sends these through the same path as the web form's JSON (``SurveyIn`` →
``receive_submission``), so every check runs on them for real. A few are clean re-inspections
with a photo; the others carry the mistakes field surveys really contain (swapped
coordinates, a hand-placed point, a poor GPS fix, a mistyped bin code, the same bin registered
twice, a bin in another village than stated). The photos are drawn here and say SAMPLE on
them; no real place, bin or person is shown.

Clean re-inspections keep each bin's condition from the register except one bin reported
overflowing (overflowing bins still serve), so the sample's coverage figures stay as documented.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from fieldsvc.resources import sample_geodata_dir
from fieldsvc.thai import THAI_TZ

SAMPLE_BINS = sample_geodata_dir() / "sample_bins.geojson"
_NAMESPACE = uuid.UUID("6b1f0f7e-5f1c-4f43-9d0e-5a3c1b2d7e90")
_STREAM_RGB = {
    "general": (21, 101, 192),
    "organic": (46, 125, 50),
    "recyclable": (249, 168, 37),
    "hazardous": (198, 40, 40),
}


@dataclass(frozen=True)
class SampleSurvey:
    """One synthetic survey: the JSON body the web form would send, and its photo (or none)."""

    body: dict[str, Any]
    photo: bytes | None
    what: str  # what this sample shows, for the demo's printout


def sample_photo(code: str, stream: str) -> bytes:
    """A drawn 640×480 JPEG of a wheelie bin in the stream's colour, labelled SAMPLE."""
    image = Image.new("RGB", (640, 480), (205, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(150, 140, 120))  # ground
    colour = _STREAM_RGB.get(stream, (90, 90, 90))
    draw.polygon([(230, 150), (410, 150), (395, 380), (245, 380)], fill=colour)  # body
    draw.rectangle((220, 128, 420, 150), fill=tuple(max(c - 40, 0) for c in colour))  # lid
    draw.ellipse((240, 370, 275, 405), fill=(30, 30, 30))  # wheels
    draw.ellipse((365, 370, 400, 405), fill=(30, 30, 30))
    draw.rectangle((0, 0, 640, 44), fill=(255, 255, 255))
    draw.text((12, 8), f"SYNTHETIC SAMPLE - {code}", fill=(160, 0, 0), font_size=24)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _bins(path: Path) -> list[dict[str, Any]]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    bins = []
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        bins.append({**feature["properties"], "lon": lon, "lat": lat})
    return bins


def _first(bins: list[dict[str, Any]], *, moo: int, condition: str | None = "usable") -> dict:
    return next(
        b
        for b in bins
        if b["village_moo"] == moo and (condition is None or b["condition"] == condition)
    )


def sample_surveys(*, today: date, bins_path: Path = SAMPLE_BINS) -> list[SampleSurvey]:
    """The synthetic surveys, dated over the days before ``today`` (deterministic ids)."""
    bins = _bins(bins_path)
    surveys: list[SampleSurvey] = []

    def add(bin_: dict[str, Any], what: str, *, photo: bool = True, **changes: Any) -> None:
        number = len(surveys) + 1
        observed = datetime.combine(today - timedelta(days=number), time(9, 30), THAI_TZ)
        code = changes.pop("bin_code", bin_["code"])
        body: dict[str, Any] = {
            "submission_id": str(uuid.uuid5(_NAMESPACE, f"sample-survey-{number}")),
            "form_id": "bin_survey",
            "bin_code": code,
            "village": bin_["village_moo"],
            "location": {"lat": bin_["lat"], "lon": bin_["lon"], "accuracy_m": 4.0},
            "condition": bin_["condition"],
            "capacity_l": bin_["capacity_l"],
            "stream": bin_["stream"],
            "observed_at": observed.isoformat(),
            "device_id": "sample-device",
            "photos": [f"{code}.jpg"] if photo else [],
        }
        body.update(changes)
        image = sample_photo(code, str(body.get("stream") or "general")) if photo else None
        surveys.append(SampleSurvey(body=body, photo=image, what=what))

    for moo in (1, 2, 3, 5, 6, 8):
        add(_first(bins, moo=moo), "clean re-inspection")
    busy = _first(bins, moo=9)
    add(busy, "bin reported overflowing", condition="overflowing")
    damaged = _first(bins, moo=4, condition="damaged")
    add(damaged, "clean re-inspection of a damaged bin")
    far = _first(bins, moo=4)
    add(
        far,
        "poor GPS fix (60 m)",
        location={"lat": far["lat"], "lon": far["lon"], "accuracy_m": 60.0},
    )
    swapped = _first(bins, moo=2, condition=None)
    add(
        swapped,
        "latitude and longitude swapped",
        location={"lat": swapped["lon"], "lon": swapped["lat"], "accuracy_m": 5.0},
    )
    placed = _first(bins, moo=10, condition=None)
    add(
        placed,
        "point placed by hand (accuracy 0)",
        location={"lat": placed["lat"], "lon": placed["lon"], "accuracy_m": 0.0},
    )
    typo = _first(bins, moo=3, condition=None)
    add(
        typo,
        "mistyped bin code",
        photo=False,
        bin_code=typo["code"].replace("SB-", "SB-0"),
        capacity_l=None,
        stream=None,
    )
    twin = _first(bins, moo=5)
    add(
        twin,
        "an existing bin registered again under a new code",
        bin_code=f"{twin['code']}-NEW",
        location={"lat": twin["lat"] + 0.00002, "lon": twin["lon"], "accuracy_m": 4.0},
    )
    elsewhere = _first(bins, moo=6)
    add(elsewhere, "village stated wrongly (6 → 5)", village=5)
    return surveys
