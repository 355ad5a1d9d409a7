"""The collections served at ``/ogc``: what each holds, who may read it, and its features.

Public (anonymous, no personal data — the same allow-listed columns as the open data):
``villages`` (boundaries with coverage), ``bins`` (the register's public fields) and
``recommended-sites`` (new-bin sites of the published plan). Staff only (health staff, admins,
viewers; a village head gets 403): ``inspections`` (without notes), ``held-surveys``
(surveys kept but not applied, awaiting a decision; without notes, devices or names) and
``traffy-tickets`` (imported Traffy Fondue tickets, whose comments can name people).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import shapely
from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.models import (
    Channel,
    Condition,
    InspectionSource,
    ReviewState,
    Stream,
    Subdistrict,
)
from fieldsvc.services import overview, public_data
from fieldsvc.services.ogc_query import ItemsQuery, Queryable
from fieldsvc.storage import features as store
from fieldsvc.storage.features import Page
from fieldsvc.storage.tenancy import subdistrict_by_code
from fieldsvc.storage.traffy import traffy_frame
from fieldsvc.thai import THAI_TZ

Feature = dict[str, Any]
Box = tuple[float, float, float, float]


def _enum(values: Any, description: str = "") -> Queryable:
    return Queryable("enum", tuple(v.value for v in values), description)


STREAM = _enum(Stream, "waste stream")
CONDITION = _enum(Condition, "condition seen")
VILLAGE = Queryable("integer", description="หมู่ที่ (village number)", minimum=1, maximum=99)
#: ``?subdistrict=CODE`` on a public collection: one subdistrict's features only.
SUBDISTRICT = Queryable(
    "string",
    description="รหัสตำบล 6 หลัก (DOPA subdistrict code): only that subdistrict's features; "
    "an unknown code answers 404",
)
_BY_SUBDISTRICT = " Filter with ?subdistrict=CODE (6-digit DOPA code) for one subdistrict."


@dataclass(frozen=True)
class Collection:
    """One collection: its id, titles, access, time and the properties it may be filtered on."""

    id: str
    title: str
    description: str
    staff_only: bool = False
    temporal: bool = False
    geometry: str = "Point"
    queryables: Mapping[str, Queryable] = field(default_factory=dict)
    integer_ids: bool = True


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            "villages",
            "หมู่บ้านและความครอบคลุมถังขยะ · Villages and bin coverage",
            "Village areas with households, how they were counted (household_basis), the "
            "share of households within reach of a usable general-waste bin (covered_share) "
            "and where the boundary came from (boundary_source: imported or approximate)."
            + _BY_SUBDISTRICT,
            geometry="MultiPolygon",
            queryables={
                "subdistrict": SUBDISTRICT,
                "number": VILLAGE,
                "boundary_source": Queryable("enum", ("imported", "approximate")),
            },
        ),
        Collection(
            "bins",
            "ทะเบียนถังขยะ · Waste-bin register",
            "Every registered communal bin: code, village, stream, condition, size (litres) "
            "and the Thai date of its latest inspection. Feature id: the bin's code."
            + _BY_SUBDISTRICT,
            queryables={
                "subdistrict": SUBDISTRICT,
                "code": Queryable("string", description="the code on the bin"),
                "village_number": VILLAGE,
                "stream": STREAM,
                "condition": CONDITION,
                "capacity_l": Queryable("integer", description="litres", minimum=1, maximum=20_000),
            },
            integer_ids=False,
        ),
        Collection(
            "recommended-sites",
            "จุดวางถังใหม่ตามแผนที่เผยแพร่ · Recommended sites of the published plan",
            "Where the published allocation plan puts new bins (capacity and coverage rows "
            "with a site), with rank, count, size, households added and cost." + _BY_SUBDISTRICT,
            queryables={
                "subdistrict": SUBDISTRICT,
                "village_number": VILLAGE,
                "stream": STREAM,
                "reason": Queryable("enum", ("capacity", "coverage")),
            },
        ),
        Collection(
            "traffy-tickets",
            "เรื่องจาก Traffy Fondue · Traffy Fondue tickets (staff)",
            "Cleanliness and waste tickets imported from Traffy Fondue's public export "
            "(fieldsvc import traffy), read-only: type, the reporter's comment (it can name "
            "people, hence staff only), Traffy's state, dates, the photo address as text and "
            "the village holding the point.",
            staff_only=True,
            queryables={
                "ticket_id": Queryable("string", description="Traffy's ticket number"),
                "village_number": VILLAGE,
                "state": Queryable("string", description="Traffy's state, in Thai"),
            },
        ),
        Collection(
            "inspections",
            "ประวัติการตรวจถัง · Bin inspections (staff)",
            "Every inspection of a bin: when, where it was made, what was seen, and how it "
            "came in (survey, inventory import or correction). No notes. Only the bins of "
            "the subdistricts the caller works for.",
            staff_only=True,
            temporal=True,
            queryables={
                "bin_code": Queryable("string"),
                "village_number": VILLAGE,
                "stream": STREAM,
                "condition": CONDITION,
                "source": _enum(InspectionSource),
            },
        ),
        Collection(
            "held-surveys",
            "แบบสำรวจที่รอเจ้าหน้าที่ · Surveys held for staff",
            "Surveys kept but not applied to the register until staff decide, with the "
            "codes of the checks that hold them. No notes, devices or names.",
            staff_only=True,
            temporal=True,
            queryables={
                "bin_code": Queryable("string"),
                "village_number": VILLAGE,
                "stream": STREAM,
                "condition": CONDITION,
                "review_state": Queryable(
                    "enum", (ReviewState.received.value, ReviewState.has_issues.value)
                ),
                "channel": _enum(Channel),
            },
        ),
    )
}


# --- small helpers -----------------------------------------------------------------------------
def _point(lon: float | None, lat: float | None) -> dict[str, Any] | None:
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}


def _clean(value: Any) -> Any:
    """JSON-ready: NaN/NA → None, numpy numbers → Python, times → ISO 8601."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    try:
        if value != value:  # pandas NA / NaT
            return None
    except (TypeError, ValueError):
        return None
    return value


def _thai_date(moment: datetime | None) -> str | None:
    return moment.astimezone(THAI_TZ).date().isoformat() if moment is not None else None


def _page(rows: list[Feature], query: ItemsQuery) -> tuple[list[Feature], int]:
    return rows[query.offset : query.offset + query.limit], len(rows)


# --- public: villages and recommended sites (built once per data version) ------------------------
def _village_features(
    session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> list[tuple[Feature, Any]]:
    subdistrict_id = None if subdistrict is None else subdistrict.id

    def build(_version: str) -> list[tuple[Feature, Any]]:
        frame = public_data.public_villages_frame(
            session=session, settings=settings, subdistrict_id=subdistrict_id
        )
        out: list[tuple[Feature, Any]] = []
        for record in frame.to_dict("records"):
            shape = record.pop("geometry", None)
            shape = shape if shape is not None and not shapely.is_empty(shape) else None
            properties = {k: _clean(v) for k, v in record.items()}
            for name, value in properties.items():  # counts (floats after a merge) as counts
                if name.startswith(("bins_", "households")) and isinstance(value, float):
                    properties[name] = int(value) if value.is_integer() else value
            feature = {
                "type": "Feature",
                "id": int(properties["number"]),
                "geometry": shapely.geometry.mapping(shape) if shape is not None else None,
                "properties": properties,
            }
            out.append((feature, shape))
        return out

    kind = "ogc-villages" if subdistrict_id is None else f"ogc-villages@{subdistrict_id}"
    return public_data.cached(
        kind, session=session, settings=settings, build=build, subdistrict_id=subdistrict_id
    )


def _site_features(
    session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> list[tuple[Feature, Any]]:
    def build(_version: str) -> list[tuple[Feature, Any]]:
        plan = public_data.published_plan(session=session, subdistrict=subdistrict)
        sites = overview.recommended_sites(plan)
        if plan is None or sites is None:
            return []
        keep = [c for c in overview.PUBLIC_PLAN_COLUMNS if c in sites.columns]
        out: list[tuple[Feature, Any]] = []
        for index, record in enumerate(sites.to_dict("records"), start=1):
            shape = record["geometry"]
            properties = {k: _clean(record.get(k)) for k in keep}
            properties["plan_version"] = plan.version
            properties["fiscal_year_be"] = plan.fiscal_year_be
            rank = properties.get("rank")
            feature = {
                "type": "Feature",
                "id": int(rank) if isinstance(rank, int | float) else index,
                "geometry": _point(shape.x, shape.y),
                "properties": properties,
            }
            out.append((feature, shape))
        return out

    scope = None if subdistrict is None else subdistrict.id
    kind = "ogc-sites" if scope is None else f"ogc-sites@{scope}"
    return public_data.cached(
        kind, session=session, settings=settings, build=build, subdistrict_id=scope
    )


def _filtered(built: list[tuple[Feature, Any]], query: ItemsQuery) -> list[Feature]:
    box = query.bbox
    out = []
    for feature, shape in built:
        props = feature["properties"]
        if any(props.get(name) != value for name, value in query.equals.items()):
            continue
        if box is not None:
            boxes = [shapely.box(a, box.min_lat, b, box.max_lat) for a, b in box.lon_ranges()]
            if shape is None or not any(shapely.intersects(shape, b) for b in boxes):
                continue
        out.append(feature)
    return out


def _bounds(shapes: list[Any]) -> Box | None:
    present = [s for s in shapes if s is not None]
    if not present:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(present)
    return float(minx), float(miny), float(maxx), float(maxy)


# --- the register: bins and inspections (paged in the database) ---------------------------------
def _bin_feature(row: Mapping[str, Any]) -> Feature:
    return {
        "type": "Feature",
        "id": row["code"],
        "geometry": _point(row["lon"], row["lat"]),
        "properties": {
            "code": row["code"],
            "village_number": row["village_number"],
            "stream": row["stream"],
            "condition": row["condition"],
            "capacity_l": row["capacity_l"],
            "last_inspected": _thai_date(row["last_inspected_at"]),
        },
    }


def _inspection_feature(row: Mapping[str, Any]) -> Feature:
    names = "bin_code village_number observed_at condition stream capacity_l accuracy_m"
    properties = {n: _clean(row[n]) for n in (names + " households_served source").split()}
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": _point(row["lon"], row["lat"]),
        "properties": properties,
    }


def _held_features(
    session: Session, subdistrict_ids: list[int] | None = None
) -> list[tuple[Feature, Any]]:
    numbers = store.village_numbers(session=session)
    out: list[tuple[Feature, Any]] = []
    for survey in store.held_surveys(session=session, subdistrict_ids=subdistrict_ids):
        parsed = survey.parsed or {}
        lon, lat = parsed.get("lon"), parsed.get("lat")
        observed = survey.observed_at or survey.received_at
        properties = {
            "bin_code": parsed.get("bin_code"),
            "village_number": numbers.get(survey.village_id or 0, parsed.get("village_number")),
            "observed_at": _clean(observed),
            "received_at": _clean(survey.received_at),
            "channel": str(survey.channel),
            "review_state": str(survey.review_state),
            "condition": parsed.get("condition"),
            "stream": parsed.get("stream"),
            "capacity_l": parsed.get("capacity_l"),
            "accuracy_m": parsed.get("accuracy_m"),
            "flags": ",".join(str(f.get("code")) for f in survey.flags or []),
        }
        feature = {"type": "Feature", "id": survey.id, "geometry": _point(lon, lat)}
        feature["properties"] = properties
        located = lon is not None and lat is not None
        out.append((feature, shapely.Point(lon, lat) if located else None))
    return out


def _traffy_features(
    session: Session, subdistrict_ids: list[int] | None = None
) -> list[tuple[Feature, Any]]:
    numbers = store.village_numbers(session=session)
    frames = (
        [traffy_frame(session=session)]
        if subdistrict_ids is None
        else [traffy_frame(session=session, subdistrict_id=i) for i in subdistrict_ids]
    )
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out: list[tuple[Feature, Any]] = []
    for row, point in zip(frame.to_dict("records"), frame.geometry, strict=True):
        properties = {
            "ticket_id": row["ticket_id"],
            "types": row["types"],
            "comment": row["comment"],
            "state": row["state"],
            "reported_at": _clean(row["reported_at"]),
            "last_activity": _clean(row["last_activity"]),
            "photo_url": row["photo_url"],
            "photo_after_url": row["photo_after_url"],
            "address": row["address"],
            "village_number": numbers.get(_clean(row["village_id"]) or 0),
        }
        feature = {"type": "Feature", "id": int(row["id"]), "geometry": _point(point.x, point.y)}
        feature["properties"] = {k: _clean(v) for k, v in properties.items()}
        out.append((feature, point))
    return out


def _held_in_time(features: list[Feature], query: ItemsQuery) -> list[Feature]:
    if query.interval is None:
        return features
    interval = query.interval
    return [
        f
        for f in features
        if interval.holds(datetime.fromisoformat(f["properties"]["observed_at"]))
    ]


# --- what a collection answers -----------------------------------------------------------------
def items_page(
    collection: Collection,
    *,
    session: Session,
    settings: Settings,
    query: ItemsQuery,
    subdistrict_ids: list[int] | None = None,
) -> tuple[list[Feature], int]:
    """One page of ``collection``'s features for ``query`` and the number matched in all.

    ``?subdistrict=CODE`` (public collections) keeps that subdistrict's features (404
    ``subdistrict_code_unknown`` for a code of none); ``subdistrict_ids`` limits the staff
    collection of inspections to the subdistricts the caller works for (None: every one)."""
    equals = dict(query.equals)
    code = equals.pop("subdistrict", None)
    subdistrict = None if code is None else subdistrict_by_code(session=session, code=code)
    query = replace(query, equals=equals)
    only = subdistrict_ids if subdistrict is None else [subdistrict.id or 0]
    if collection.id == "bins":
        page = store.bins_page(
            session=session,
            box=query.bbox,
            equals=query.equals,
            limit=query.limit,
            offset=query.offset,
            subdistrict_ids=only,
        )
        return [_bin_feature(r) for r in page.rows], page.matched
    if collection.id == "inspections":
        page = store.inspections_page(
            session=session,
            box=query.bbox,
            interval=query.interval,
            equals=query.equals,
            limit=query.limit,
            offset=query.offset,
            subdistrict_ids=subdistrict_ids,
        )
        return [_inspection_feature(r) for r in page.rows], page.matched
    if collection.id == "villages":
        built = _village_features(session, settings, subdistrict)
    elif collection.id == "recommended-sites":
        built = _site_features(session, settings, subdistrict)
    else:
        built = _staff_features(collection, session, subdistrict_ids)
    return _page(_held_in_time(_filtered(built, query), query), query)


def one_feature(
    collection: Collection,
    feature_id: str,
    *,
    session: Session,
    settings: Settings,
    subdistrict_ids: list[int] | None = None,
) -> Feature | None:
    """The feature ``feature_id`` of ``collection``, or None (an inspection of a bin outside
    ``subdistrict_ids`` too)."""
    page: Page
    if collection.id == "bins":
        if len(feature_id) > 40 or not feature_id.isprintable():  # no bin has such a code
            return None
        page = store.bins_page(session=session, bin_code=feature_id, limit=1)
        return _bin_feature(page.rows[0]) if page.rows else None
    if not feature_id.isdigit() or len(feature_id) > 9:
        return None
    if collection.id == "inspections":
        page = store.inspections_page(
            session=session,
            inspection_id=int(feature_id),
            limit=1,
            subdistrict_ids=subdistrict_ids,
        )
        return _inspection_feature(page.rows[0]) if page.rows else None
    if collection.id == "villages":
        built = _village_features(session, settings, None)
    elif collection.id == "recommended-sites":
        built = _site_features(session, settings, None)
    else:
        built = _staff_features(collection, session, subdistrict_ids)
    return next((f for f, _ in built if str(f["id"]) == feature_id), None)


def _staff_features(
    collection: Collection, session: Session, subdistrict_ids: list[int] | None
) -> list[tuple[Feature, Any]]:
    """The held surveys or Traffy tickets of the subdistricts the caller works for."""
    if collection.id == "held-surveys":
        return _held_features(session, subdistrict_ids)
    return _traffy_features(session, subdistrict_ids)


def extent(
    collection: Collection, *, session: Session, settings: Settings
) -> tuple[Box | None, tuple[datetime, datetime] | None]:
    """The collection's bounding box (lon/lat) and, for timed collections, its time span."""
    if collection.id == "bins":
        return store.bins_extent(session=session), None
    if collection.id == "inspections":
        return store.inspections_extent(session=session)
    if collection.id == "villages":
        built = _village_features(session, settings)
    elif collection.id == "recommended-sites":
        built = _site_features(session, settings)
    else:  # a bounding box and time span only: no row of a staff collection is shown
        built = _staff_features(collection, session, None)
    box = _bounds([shape for _, shape in built])
    if not collection.temporal or not built:
        return box, None
    times = [datetime.fromisoformat(f["properties"]["observed_at"]) for f, _ in built]
    return box, (min(times), max(times))
