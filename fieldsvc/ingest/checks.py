"""Validation rules for a survey: each problem becomes a ``Flag`` (Thai + English, stable code).

Rules never drop a survey. Severity says what happens next:

* ``"reject"`` — the survey is kept but NOT applied to the bin register until a staff member
  approves or corrects it (applying it would corrupt the register: swapped or impossible
  coordinates, impossible values, a code that matches no bin and cannot register one).
* ``"review"`` — the survey is applied, and staff are asked to look at it (poor GPS fix,
  outside the subdistrict, a different village polygon, a possible duplicate bin).

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

Severity = Literal["reject", "review"]

# Thailand's extent (DOMAIN.md): a plain box, enough to catch swapped and nonsense fixes.
THAILAND_LAT = (5.6, 20.5)
THAILAND_LON = (97.3, 105.7)
CAPACITY_RANGE_L = (10, 20_000)  # a 10 L basket to a 20 m³ skip; the Bin model allows ≤ 20,000
MAX_HOUSEHOLDS_PER_BIN = 5_000
EARLIEST_OBSERVATION = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
FUTURE_TOLERANCE = timedelta(days=1)


#: Every flag code fieldsvc raises, with a short label (Thai, English) for filters and lists.
#: (The flag itself carries the full message naming the value; a test keeps this list complete.)
FLAG_LABELS: dict[str, tuple[str, str]] = {
    "coordinates_swapped": ("ละติจูด/ลองจิจูดสลับกัน", "Latitude and longitude swapped"),
    "null_island": ("พิกัด 0,0 (ไม่มีสัญญาณ GPS)", "0,0 coordinates (no GPS fix)"),
    "outside_thailand": ("อยู่นอกประเทศไทย", "Outside Thailand"),
    "outside_subdistrict": ("อยู่นอกตำบล", "Outside the subdistrict"),
    "village_mismatch": ("อยู่ในหมู่บ้านอื่น", "In another village than stated"),
    "unknown_village": ("ไม่พบหมู่บ้าน", "Unknown village"),
    "village_not_assigned": ("ระบุหมู่บ้านไม่ได้", "Village not assigned"),
    "hand_placed_point": ("ปักหมุดเอง (ไม่ใช่ GPS)", "Hand-placed point"),
    "poor_gps_accuracy": ("GPS คลาดเคลื่อนมาก", "Poor GPS accuracy"),
    "missing_bin_code": ("ไม่มีรหัสถัง", "No bin code"),
    "unknown_bin_code": ("ไม่พบรหัสถัง", "Unknown bin code"),
    "possible_duplicate": ("อาจซ้ำกับถังเดิม", "Possibly an existing bin"),
    "impossible_value": ("ค่าที่เป็นไปไม่ได้", "Impossible value"),
    "invalid_value": ("ค่าไม่ถูกต้อง", "Invalid value"),
    "missing_value": ("ข้อมูลไม่ครบ", "Missing value"),
    "undeclared_attachment": ("ไฟล์แนบที่ไม่ได้ระบุ", "Undeclared attachment"),
    "cannot_apply": ("บันทึกลงทะเบียนไม่ได้", "Could not be applied"),
    "unknown_deprecated_id": ("แก้ไขแบบสำรวจที่ไม่พบ", "Edit of an unknown survey"),
    "edit_of_old_version": ("แก้ไขฉบับเก่า", "Edit of an old version"),
}


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
    shown = f"{_fmt(lat)} {_fmt(lon)}"
    expected_en = "latitude 5.6–20.5 N and longitude 97.3–105.7 E (Thailand)"
    expected_th = "ละติจูด 5.6–20.5 และลองจิจูด 97.3–105.7 (ประเทศไทย)"
    details: dict[str, Any] = {"value": {"lat": lat, "lon": lon}, "expected": expected_en}
    if abs(lat) < 1e-6 and abs(lon) < 1e-6:
        return [
            Flag(
                "null_island",
                "location",
                f"ตำแหน่ง (location) เป็น 0 0 ซึ่งหมายถึงโทรศัพท์ยังไม่ได้พิกัด GPS ต้องเป็น{expected_th}",
                f"location is 0 0 (the phone had no GPS fix); expected {expected_en}",
                "reject",
                details,
            )
        ]
    if in_thailand(lat, lon):
        return []
    if in_thailand(lon, lat):
        details["suggested"] = {"lat": lon, "lon": lat}
        return [
            Flag(
                "coordinates_swapped",
                "location",
                f"ตำแหน่ง (location) ละติจูด {_fmt(lat)} ลองจิจูด {_fmt(lon)} อยู่นอกประเทศไทย "
                f"ถ้าสลับกันเป็นละติจูด {_fmt(lon)} ลองจิจูด {_fmt(lat)} จะอยู่ในประเทศไทย "
                "ละติจูดกับลองจิจูดน่าจะสลับกัน กรุณาตรวจแล้วแก้ไข",
                f"location latitude {_fmt(lat)}, longitude {_fmt(lon)} is outside Thailand; "
                f"swapped (latitude {_fmt(lon)}, longitude {_fmt(lat)}) it is inside: "
                "latitude and longitude look swapped. Suggested fix: swap them",
                "reject",
                details,
            )
        ]
    return [
        Flag(
            "outside_thailand",
            "location",
            f"ตำแหน่ง (location) {shown} อยู่นอกประเทศไทย ต้องเป็น{expected_th}",
            f"location {shown} is outside Thailand; expected {expected_en}",
            "reject",
            details,
        )
    ]


def check_accuracy(record: SurveyRecord, *, max_gps_accuracy_m: float) -> list[Flag]:
    """Accuracy 0 = hand-placed or mocked point; worse than the limit = poor fix."""
    accuracy = record.accuracy_m
    if accuracy is None or record.lat is None:
        return []
    if accuracy == 0:
        return [
            Flag(
                "hand_placed_point",
                "location",
                "ตำแหน่ง (location) มีความแม่นยำ 0 เมตร แปลว่าจุดถูกวางเองบนแผนที่หรือใช้ GPS ปลอม "
                "ไม่ได้มาจาก GPS จริง กรุณาตรวจสอบตำแหน่ง",
                "location accuracy is 0 m: the point was placed by hand or by a mock GPS app, "
                "not measured; expected a real GPS fix (accuracy > 0 m)",
                "review",
                {"value": accuracy, "expected": "> 0"},
            )
        ]
    if accuracy > max_gps_accuracy_m:
        limit = _fmt(max_gps_accuracy_m)
        return [
            Flag(
                "poor_gps_accuracy",
                "location",
                f"ตำแหน่ง (location) มีความแม่นยำ {_fmt(accuracy)} เมตร หยาบกว่าเกณฑ์ {limit} เมตร "
                "ตำแหน่งถังอาจคลาดเคลื่อน",
                f"location accuracy is {_fmt(accuracy)} m, worse than the limit of {limit} m; "
                "the bin may be placed wrongly",
                "review",
                {"value": accuracy, "expected": f"<= {max_gps_accuracy_m}"},
            )
        ]
    return []


def _impossible(field_name: str, value: Any, th: str, en: str) -> Flag:
    return Flag(
        "impossible_value",
        field_name,
        f"ค่าของ {field_name} = {value} เป็นไปไม่ได้: {th}",
        f"{field_name} = {value} is impossible: {en}",
        "reject",
        {"value": value if isinstance(value, int | float | str) else str(value), "expected": en},
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
                f"ขนาดถังต้องอยู่ระหว่าง {low:,} ถึง {high:,} ลิตร",
                f"expected a bin size of {low:,} to {high:,} litres",
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
            flags.append(
                _impossible(name, count, "จำนวนต้องไม่ติดลบ", "expected a count of 0 or more")
            )
        elif maximum is not None and count > maximum:
            flags.append(
                _impossible(
                    name,
                    count,
                    f"จำนวนครัวเรือนต่อถังต้องไม่เกิน {maximum:,}",
                    f"expected at most {maximum:,} households per bin",
                )
            )
    if (
        record.village_households is not None
        and record.village_population is not None
        and record.village_households > 0
        and 0 <= record.village_population < record.village_households
    ):
        flags.append(
            Flag(
                "impossible_value",
                "population",
                f"จำนวนประชากร {record.village_population} น้อยกว่าจำนวนครัวเรือน "
                f"{record.village_households} ซึ่งเป็นไปไม่ได้ (ทุกครัวเรือนมีอย่างน้อย 1 คน)",
                f"population = {record.village_population} is less than households = "
                f"{record.village_households}; every household has at least one person",
                "review",
                {"value": record.village_population, "expected": ">= households"},
            )
        )
    observed = record.observed_at
    if observed is not None:
        if observed > now + FUTURE_TOLERANCE:
            flags.append(
                _impossible(
                    "observed_at",
                    observed.isoformat(),
                    "วันเวลาสำรวจอยู่ในอนาคตเกิน 1 วัน (นาฬิกาโทรศัพท์อาจตั้งผิด)",
                    "expected a survey time no more than 1 day in the future "
                    "(the phone's clock may be wrong)",
                )
            )
        elif observed < EARLIEST_OBSERVATION:
            flags.append(
                _impossible(
                    "observed_at",
                    observed.isoformat(),
                    "วันเวลาสำรวจต้องไม่ก่อนปี ค.ศ. 2000 (พ.ศ. 2543)",
                    "expected a survey time in 2000 or later",
                )
            )
    return flags


def check_bin_identity(record: SurveyRecord, *, context: CheckContext) -> list[Flag]:
    """Bin code present; an unknown code registers a new bin only if the survey can describe it.

    How a new bin is expressed: the survey names a code that no bin has, with its location, size
    and stream. An unknown code *without* those reads as an inspection of an existing bin whose
    code was mistyped: ``unknown_bin_code``.
    """
    if record.form_id != BIN_SURVEY_FORM:
        return []
    if not record.bin_code:
        return [
            Flag(
                "missing_bin_code",
                "bin_code",
                "ไม่มีรหัสถัง (bin_code) ต้องสแกน QR หรือพิมพ์รหัสที่ติดบนถัง",
                "bin_code is empty; expected the code on the bin's QR label (scanned or typed)",
                "reject",
                {"value": None, "expected": "a bin code"},
            )
        ]
    flags: list[Flag] = []
    if record.condition is None:
        flags.append(
            Flag(
                "missing_value",
                "condition",
                "ไม่ได้ระบุสภาพถัง (condition) ต้องเป็น ใช้งานได้/ชำรุด/สูญหาย/ขยะล้น",
                "condition is empty; expected usable, damaged, missing or overflowing",
                "reject",
                {"value": None, "expected": "usable|damaged|missing|overflowing"},
            )
        )
    if context.bin_exists:
        return flags
    missing = [
        name
        for name, value in (
            ("location", record.lat),
            ("capacity_l", record.capacity_l),
            ("stream", record.stream),
        )
        if value is None
    ]
    if missing:
        flags.append(
            Flag(
                "unknown_bin_code",
                "bin_code",
                f"ไม่พบถังรหัส {record.bin_code} ในทะเบียน และข้อมูลไม่พอจะลงทะเบียนถังใหม่ "
                f"(ขาด {', '.join(missing)}) รหัสอาจพิมพ์ผิด",
                f"bin_code {record.bin_code!r} matches no bin in the register, and the survey "
                f"lacks {', '.join(missing)} needed to register a new bin; "
                "the code may be mistyped",
                "reject",
                {"value": record.bin_code, "missing": missing},
            )
        )
        return flags
    for near in context.nearby_same_stream:
        flags.append(
            Flag(
                "possible_duplicate",
                "bin_code",
                f"ถังใหม่รหัส {record.bin_code} อยู่ห่างจากถังรหัส {near.code} ที่มีอยู่แล้ว "
                f"(ประเภทขยะเดียวกัน) เพียง {near.distance_m:.1f} เมตร อาจเป็นถังใบเดียวกัน",
                f"new bin {record.bin_code!r} is {near.distance_m:.1f} m from existing bin "
                f"{near.code!r} of the same stream (within {_fmt(context.duplicate_radius_m)} m): "
                "possibly the same bin",
                "review",
                {
                    "value": record.bin_code,
                    "existing_bin_code": near.code,
                    "distance_m": round(near.distance_m, 1),
                },
            )
        )
        break  # the nearest is enough to make the point
    return flags


def check_place(record: SurveyRecord, *, context: CheckContext) -> list[Flag]:
    """Inside the subdistrict boundary; in the village polygon the surveyor chose."""
    flags: list[Flag] = []
    if not coordinates_usable(record):
        return flags
    shown = f"{_fmt(record.lat or 0)} {_fmt(record.lon or 0)}"
    if context.inside_subdistrict is False:
        flags.append(
            Flag(
                "outside_subdistrict",
                "location",
                f"ตำแหน่ง (location) {shown} อยู่นอกเขตตำบล ต้องอยู่ภายในเขต อบต.",
                f"location {shown} is outside the subdistrict boundary; expected a point inside it",
                "review",
                {"value": {"lat": record.lat, "lon": record.lon}},
            )
        )
    claimed = record.village_number
    found = context.village_at_point
    if claimed is not None and found is not None and claimed != found:
        flags.append(
            Flag(
                "village_mismatch",
                "village",
                f"เลือกหมู่ที่ {claimed} แต่ตำแหน่ง {shown} อยู่ในเขตหมู่ที่ {found}",
                f"village = {claimed} was chosen, but location {shown} lies in village {found}",
                "review",
                {"value": claimed, "found": found},
            )
        )
    return flags


def check_village(record: SurveyRecord, *, context: CheckContext) -> list[Flag]:
    """The village number must exist (village_households cannot be applied without it)."""
    if context.village_known is not False or record.village_number is None:
        if record.form_id == VILLAGE_HOUSEHOLDS_FORM and record.village_number is None:
            return [
                Flag(
                    "missing_value",
                    "village",
                    "ไม่ได้ระบุหมู่ที่ (village)",
                    "village is empty; expected a village number (หมู่ที่)",
                    "reject",
                    {"value": None},
                )
            ]
        return []
    return [
        Flag(
            "unknown_village",
            "village",
            f"ไม่มีหมู่ที่ {record.village_number} ในทะเบียนหมู่บ้าน",
            f"village = {record.village_number} is not a village of this subdistrict",
            "reject" if record.form_id == VILLAGE_HOUSEHOLDS_FORM else "review",
            {"value": record.village_number},
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
