"""Validation rules for a survey: each problem becomes a ``Flag`` (Thai + English, stable code).

Rules never drop a survey. Severity says what happens next:

* ``"reject"`` — the survey is kept but NOT applied to the bin register until a staff member
  approves or corrects it (applying it would corrupt the register: swapped or impossible
  coordinates, impossible values, a code that matches no bin and cannot register one).
* ``"review"`` — the survey is applied, and staff are asked to look at it (poor GPS fix,
  outside the subdistrict, a different village polygon, a possible duplicate bin). From a
  sheet, a point outside the subdistrict and a possible duplicate are held instead.

The rules here are pure: the database facts they need (is the code known, which village polygon
holds the point, which bins are near) are gathered by ``fieldsvc.storage.submissions`` into a
``CheckContext``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta
from typing import Any, Literal

from fieldsvc.ingest.survey import BIN_SURVEY_FORM, VILLAGE_HOUSEHOLDS_FORM, SurveyRecord
from fieldsvc.models.enums import Channel
from fieldsvc.problems import flag_labels, problem, render

Severity = Literal["reject", "review"]

# Thailand's extent (DOMAIN.md): a plain box, enough to catch swapped and nonsense fixes.
THAILAND_LAT = (5.6, 20.5)
THAILAND_LON = (97.3, 105.7)
CAPACITY_RANGE_L = (10, 20_000)  # a 10 L basket to a 20 m³ skip; the Bin model allows ≤ 20,000
MAX_HOUSEHOLDS_PER_BIN = 5_000
EARLIEST_OBSERVATION = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
FUTURE_TOLERANCE = timedelta(days=1)


#: Every flag code fieldsvc raises, with a short label (Thai, English) for filters and lists,
#: read from the problem catalogue. (The flag itself carries the full message naming the value.)
FLAG_LABELS: dict[str, tuple[str, str]] = flag_labels()

#: Catalogue severity -> the severity stored on a flag.
_STORED_SEVERITY: dict[str, Severity] = {"hold": "reject", "note": "review"}


@dataclass(frozen=True)
class Flag:
    """One problem found in a survey.

    ``field`` names the survey field (the XForm field name); ``details`` carries the value and
    what was expected, and any suggestion (e.g. the swapped coordinates, the nearby bin).
    """

    code: str
    field: str
    message_th: str
    message_en: str
    severity: Severity
    details: dict[str, Any] = dataclass_field(default_factory=dict)

    @classmethod
    def of(
        cls,
        key: str,
        field: str,
        details: dict[str, Any] | None = None,
        /,
        *,
        severity: Severity | None = None,
        **params: object,
    ) -> Flag:
        """The flag ``key`` of the problem catalogue, its messages filled with ``params``.

        ``severity`` overrides the catalogue's when the same problem weighs differently
        (an unknown village holds a village count back but only notes a bin survey).
        """
        entry = problem(key)
        if entry.scope != "survey":
            raise ValueError(f"{key!r} is an error, not a survey flag")
        message_th, message_en = entry.render(**params)
        return cls(
            entry.public_code,
            field,
            message_th,
            message_en,
            severity or _STORED_SEVERITY[entry.severity],
            dict(details or {}),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flag:
        return cls(
            code=str(data["code"]),
            field=str(data.get("field", "")),
            message_th=str(data.get("message_th", "")),
            message_en=str(data.get("message_en", "")),
            severity="reject" if data.get("severity") == "reject" else "review",
            details=dict(data.get("details") or {}),
        )


@dataclass(frozen=True)
class NearbyBin:
    code: str
    distance_m: float


@dataclass(frozen=True)
class CheckContext:
    """What the database knows that the rules need. ``None`` means "unknown, do not check"."""

    now: datetime
    max_gps_accuracy_m: float
    duplicate_radius_m: float
    bin_exists: bool = False
    inside_subdistrict: bool | None = None
    village_known: bool | None = None
    village_at_point: int | None = None
    nearby_same_stream: tuple[NearbyBin, ...] = ()


def duplicate_radius_for(accuracy_m: float | None, *, duplicate_radius_m: float) -> float:
    """How far from a new bin's point a registered bin of its stream may be the same bin,
    metres: the duplicate radius, or the fix's accuracy when that is wider (the bin can be
    anywhere in the fix's circle): ``max(duplicate_radius_m, accuracy_m)``."""
    if accuracy_m is None or not accuracy_m > 0:
        return duplicate_radius_m
    return max(duplicate_radius_m, accuracy_m)


def in_thailand(lat: float, lon: float) -> bool:
    return THAILAND_LAT[0] <= lat <= THAILAND_LAT[1] and THAILAND_LON[0] <= lon <= THAILAND_LON[1]


def coordinates_usable(record: SurveyRecord) -> bool:
    """True when the point can be trusted enough to run the spatial checks on it."""
    return record.lat is not None and record.lon is not None and in_thailand(record.lat, record.lon)


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def check_coordinates(record: SurveyRecord) -> list[Flag]:
    """Null island, swapped latitude/longitude, outside Thailand."""
    lat, lon = record.lat, record.lon
    if lat is None or lon is None:
        return []
    expected_en = "latitude 5.6–20.5 N and longitude 97.3–105.7 E (Thailand)"
    details: dict[str, Any] = {"value": {"lat": lat, "lon": lon}, "expected": expected_en}
    if abs(lat) < 1e-6 and abs(lon) < 1e-6:
        return [Flag.of("null_island", "location", details)]
    if in_thailand(lat, lon):
        return []
    if in_thailand(lon, lat):
        details["suggested"] = {"lat": lon, "lon": lat}
        return [Flag.of("coordinates_swapped", "location", details, lat=_fmt(lat), lon=_fmt(lon))]
    point = f"{_fmt(lat)} {_fmt(lon)}"
    return [Flag.of("outside_thailand", "location", details, point=point)]


def check_accuracy(record: SurveyRecord, *, max_gps_accuracy_m: float) -> list[Flag]:
    """Accuracy 0 = hand-placed or mocked point; worse than the limit = poor fix."""
    accuracy = record.accuracy_m
    if accuracy is None or record.lat is None:
        return []
    if accuracy == 0:
        return [Flag.of("hand_placed_point", "location", {"value": accuracy, "expected": "> 0"})]
    if accuracy > max_gps_accuracy_m:
        return [
            Flag.of(
                "poor_gps_accuracy",
                "location",
                {"value": accuracy, "expected": f"<= {max_gps_accuracy_m}"},
                accuracy=_fmt(accuracy),
                limit=_fmt(max_gps_accuracy_m),
            )
        ]
    return []


def _impossible(field_name: str, value: Any, why: tuple[str, str]) -> Flag:
    """An ``impossible_value`` flag; ``why`` is the rendered reason (Thai, English)."""
    why_th, why_en = why
    shown = value if isinstance(value, int | float | str) else str(value)
    return Flag.of(
        "impossible_value",
        field_name,
        {"value": shown, "expected": why_en},
        field_name=field_name,
        value=value,
        why_th=why_th,
        why_en=why_en,
    )


def check_values(record: SurveyRecord, *, now: datetime) -> list[Flag]:
    """Capacity, household counts and the observation time must be physically possible."""
    flags: list[Flag] = []
    low, high = CAPACITY_RANGE_L
    if record.capacity_l is not None and not low <= record.capacity_l <= high:
        flags.append(
            _impossible(
                "capacity_l",
                record.capacity_l,
                render("capacity_out_of_range", low=low, high=high),
            )
        )
    counts = (
        ("households", record.households_served, MAX_HOUSEHOLDS_PER_BIN),
        ("households", record.village_households, None),
        ("population", record.village_population, None),
    )
    for name, count, maximum in counts:
        if count is None:
            continue
        if count < 0:
            flags.append(_impossible(name, count, render("count_negative_flag")))
        elif maximum is not None and count > maximum:
            flags.append(
                _impossible(name, count, render("households_per_bin_too_many", maximum=maximum))
            )
    if (
        record.village_households is not None
        and record.village_population is not None
        and record.village_households > 0
        and 0 <= record.village_population < record.village_households
    ):
        flags.append(
            Flag.of(
                "population_below_households",
                "population",
                {"value": record.village_population, "expected": ">= households"},
                population=record.village_population,
                households=record.village_households,
            )
        )
    observed = record.observed_at
    if observed is not None:
        if observed > now + FUTURE_TOLERANCE:
            flags.append(
                _impossible("observed_at", observed.isoformat(), render("observed_in_future"))
            )
        elif observed < EARLIEST_OBSERVATION:
            flags.append(
                _impossible("observed_at", observed.isoformat(), render("observed_too_early"))
            )
    return flags


def _held_from_sheets(record: SurveyRecord) -> Severity | None:
    """A sheet row's possible duplicate or point outside the subdistrict is held, not noted.

    A surveyor with a phone stands at the bin, so such a survey is applied and staff are told.
    A sheet registers a whole inventory at once from typed coordinates: there the same bin
    listed twice or a mistyped digit would put wrong bins on the map and in the coverage, so
    staff decide first. (None: the catalogue's severity.)
    """
    return "reject" if record.channel == Channel.sheet else None


def check_bin_identity(record: SurveyRecord, *, context: CheckContext) -> list[Flag]:
    """Bin code present; an unknown code registers a new bin only if the survey can describe it.

    How a new bin is expressed: the survey names a code that no bin has, with its location, size
    and stream. An unknown code *without* those reads as an inspection of an existing bin whose
    code was mistyped: ``unknown_bin_code``.
    """
    if record.form_id != BIN_SURVEY_FORM:
        return []
    if not record.bin_code:
        return [Flag.of("missing_bin_code", "bin_code", {"value": None, "expected": "a bin code"})]
    flags: list[Flag] = []
    if record.condition is None:
        flags.append(
            Flag.of(
                "condition_missing",
                "condition",
                {"value": None, "expected": "usable|damaged|missing|overflowing"},
            )
        )
    if context.bin_exists:
        return flags
    missing = [
        name
        for name, value in (
            ("location", record.lat),
            ("capacity_l", record.capacity_for_new_bin_l),
            ("stream", record.stream_for_new_bin),
        )
        if value is None
    ]
    if missing:
        flags.append(
            Flag.of(
                "unknown_bin_code",
                "bin_code",
                {"value": record.bin_code, "missing": missing},
                bin_code=record.bin_code,
                missing=", ".join(missing),
            )
        )
        return flags
    for near in context.nearby_same_stream:
        flags.append(_duplicate_flag(record, near, context=context))
        break  # the nearest is enough to make the point
    return flags


def _duplicate_flag(record: SurveyRecord, near: NearbyBin, *, context: CheckContext) -> Flag:
    """Two drums side by side are common: a usable fix putting the new bin within the duplicate
    radius is only noted. When the fix is poor, or the registered bin is further than that but
    inside the fix's circle, the phone could not tell the two apart: held for staff."""
    details: dict[str, Any] = {
        "value": record.bin_code,
        "existing_bin_code": near.code,
        "distance_m": round(near.distance_m, 1),
        "accuracy_m": record.accuracy_m,
    }
    accuracy = record.accuracy_m
    side_by_side = near.distance_m <= context.duplicate_radius_m and (
        accuracy is None or accuracy <= context.max_gps_accuracy_m
    )
    if side_by_side:
        return Flag.of(
            "possible_duplicate",
            "bin_code",
            details,
            bin_code=record.bin_code,
            existing=near.code,
            distance_m=near.distance_m,
            radius_m=_fmt(context.duplicate_radius_m),
            severity=_held_from_sheets(record),
        )
    return Flag.of(
        "likely_duplicate",
        "bin_code",
        details,
        bin_code=record.bin_code,
        existing=near.code,
        distance_m=near.distance_m,
        accuracy=_fmt(accuracy or 0),
    )


def check_place(record: SurveyRecord, *, context: CheckContext) -> list[Flag]:
    """Inside the subdistrict boundary; in the village polygon the surveyor chose."""
    flags: list[Flag] = []
    if not coordinates_usable(record):
        return flags
    shown = f"{_fmt(record.lat or 0)} {_fmt(record.lon or 0)}"
    if context.inside_subdistrict is False:
        flags.append(
            Flag.of(
                "outside_subdistrict",
                "location",
                {"value": {"lat": record.lat, "lon": record.lon}},
                point=shown,
                severity=_held_from_sheets(record),
            )
        )
    claimed = record.village_number
    found = context.village_at_point
    if claimed is not None and found is not None and claimed != found:
        flags.append(
            Flag.of(
                "village_mismatch",
                "village",
                {"value": claimed, "found": found},
                claimed=claimed,
                found=found,
                point=shown,
            )
        )
    return flags


def check_village(record: SurveyRecord, *, context: CheckContext) -> list[Flag]:
    """The village number must exist (village_households cannot be applied without it)."""
    if context.village_known is not False or record.village_number is None:
        if record.form_id == VILLAGE_HOUSEHOLDS_FORM and record.village_number is None:
            return [Flag.of("village_missing", "village", {"value": None})]
        return []
    # A village count cannot be applied without its village; a bin survey still can.
    held = record.form_id == VILLAGE_HOUSEHOLDS_FORM
    return [
        Flag.of(
            "unknown_village",
            "village",
            {"value": record.village_number},
            severity="reject" if held else "review",
            village=record.village_number,
        )
    ]


def check_record(record: SurveyRecord, *, context: CheckContext) -> list[Flag]:
    """Every rule, in a stable order (location first, then values, then identity and place)."""
    flags = check_coordinates(record)
    if not any(f.code == "null_island" for f in flags):  # 0 0 0 0 is "no fix", said once
        flags += check_accuracy(record, max_gps_accuracy_m=context.max_gps_accuracy_m)
    flags += check_values(record, now=context.now)
    flags += check_bin_identity(record, context=context)
    flags += check_village(record, context=context)
    flags += check_place(record, context=context)
    return flags


def blocks_apply(flags: list[Flag]) -> bool:
    """True when a flag forbids applying the survey to the register without a staff decision."""
    return any(f.severity == "reject" for f in flags)
