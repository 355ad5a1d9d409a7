"""OGC API – Features (``/ogc``): a collection or feature that is not there, and query
parameters a client got wrong (OGC API – Features Part 1 answers those with 400)."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "bad_query",
        "error",
        "พารามิเตอร์ของคำขอไม่ถูกต้อง",
        "Invalid query parameter",
        status=400,
    ),
    entry(
        "ogc_collection_not_found",
        "error",
        "ไม่มีชุดข้อมูล {collection}",
        "No collection {collection!r}; expected one of {expected}",
        params="collection expected",
        code="not_found",
    ),
    entry(
        "ogc_feature_not_found",
        "error",
        "ไม่พบรายการ {feature} ในชุดข้อมูล {collection}",
        "No feature {feature!r} in collection {collection!r}",
        params="collection feature",
        code="not_found",
    ),
    entry(
        "ogc_parameter_unknown",
        "error",
        "ไม่รู้จักพารามิเตอร์ {name}",
        "Unknown query parameter {name!r}; this collection takes {expected}",
        params="name expected",
        code="bad_query",
    ),
    entry(
        "ogc_parameter_repeated",
        "error",
        "ใส่พารามิเตอร์ {name} ได้ครั้งเดียว",
        "Query parameter {name!r} given more than once",
        params="name",
        code="bad_query",
    ),
    entry(
        "ogc_bbox_invalid",
        "error",
        "ขอบเขต bbox ไม่ถูกต้อง: {value}",
        "bbox {value!r} is not minLon,minLat,maxLon,maxLat in degrees (WGS 84, lat -90..90, "
        "minLat <= maxLat)",
        params="value",
        code="bad_query",
    ),
    entry(
        "ogc_integer_invalid",
        "error",
        "{name} ต้องเป็นจำนวนเต็มตั้งแต่ {minimum} ขึ้นไป ได้รับ {value}",
        "{name} must be a whole number of at least {minimum}, got {value!r}",
        params="name minimum value",
        code="bad_query",
    ),
    entry(
        "ogc_datetime_invalid",
        "error",
        "datetime ไม่ถูกต้อง: {value}",
        "datetime {value!r} is not an RFC 3339 date-time, a date, or an interval start/end "
        "(either end may be '..')",
        params="value",
        code="bad_query",
    ),
    entry(
        "ogc_filter_value_invalid",
        "error",
        "ค่า {name} ไม่ถูกต้อง: {value}",
        "{name}={value!r} is not one of {expected}",
        params="name value expected",
        code="bad_query",
    ),
    entry(
        "ogc_format_unsupported",
        "error",
        "รูปแบบ {value} ยังไม่รองรับ ใช้ f=json",
        "Format f={value!r} is not served; use f=json",
        params="value",
        code="bad_query",
    ),
]
