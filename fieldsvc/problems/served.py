"""Things the server hands out that may be missing: forms and their media, the phone app's
files, map tiles, open data and the published allocation plan."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "form_not_found",
        "error",
        "ไม่พบแบบฟอร์ม {form_id}",
        "No form {form_id!r}",
        params="form_id",
        code="not_found",
    ),
    entry(
        "form_media_not_found",
        "error",
        "แบบฟอร์ม {form_id} ไม่มีไฟล์ {filename}",
        "Form {form_id!r} has no media file {filename!r}",
        params="form_id filename",
        code="not_found",
    ),
    entry(
        "entity_list_not_found",
        "error",
        "ไม่มีรายการ {dataset} (มีเฉพาะรายการถังขยะ bins)",
        "No entity list {dataset!r}; this server serves the list 'bins'",
        params="dataset",
        code="not_found",
    ),
    entry(
        "phone_app_file_not_found",
        "error",
        "ไม่พบไฟล์",
        "No file {name!r} in the phone app",
        params="name",
        code="not_found",
    ),
    entry(
        "tile_not_found",
        "error",
        "ไม่มีแผ่นแผนที่นี้",
        "No tile {z}/{x}/{y}",
        params="z x y",
        code="not_found",
    ),
    entry(
        "dataset_not_found",
        "error",
        "ไม่มีชุดข้อมูล {name}",
        "No dataset {name!r}",
        params="name",
        code="not_found",
    ),
    entry(
        "geojson_dataset_not_found",
        "error",
        "ไม่มีชุดข้อมูล {name}",
        "No GeoJSON dataset {name!r}",
        params="name",
        code="not_found",
    ),
    entry(
        "no_published_plan",
        "error",
        "ยังไม่มีแผนที่เผยแพร่",
        "No plan has been published",
        code="not_found",
    ),
]
