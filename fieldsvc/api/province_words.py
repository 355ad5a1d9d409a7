"""Words of the provincial overview page (Thai first, English second)."""

from __future__ import annotations

from collections.abc import Callable

WORDS: dict[str, tuple[str, str]] = {
    "title": ("ภาพรวมรายตำบล", "Provincial overview"),
    "intro": (
        "หนึ่งแถวต่อหนึ่งตำบล: ความครอบคลุมและความจุจากการคำนวณทุกตำบลครั้งล่าสุด "
        "ถังและการสำรวจเป็นข้อมูลปัจจุบันจากทะเบียน",
        "One row per subdistrict: coverage and capacity from the latest run over every "
        "subdistrict; bins and surveys are live from the register",
    ),
    "province": ("รหัสจังหวัด (2 หลัก)", "Province code (2 digits)"),
    "all_subdistricts": ("ทุกตำบลในฐานข้อมูล", "Every subdistrict in the database"),
    "province_scope": ("ตำบลในจังหวัดรหัส {code}", "Subdistricts of province {code}"),
    "show": ("แสดง", "Show"),
    "subdistricts": ("ตำบล {n} แห่ง", "{n} subdistricts"),
    "not_computed_count": ("ยังไม่ได้คำนวณ {n} แห่ง", "{n} not computed yet"),
    "surveys_month": (
        "นับการสำรวจเดือน{month} (เวลาประเทศไทย)",
        "Surveys counted in {month} (Thailand time)",
    ),  # fmt: skip
    "code": ("รหัส", "Code"),
    "name": ("ตำบล", "Subdistrict"),
    "district": ("อำเภอ", "District"),
    "villages": ("หมู่บ้าน", "Villages"),
    "households": ("ครัวเรือน", "Households"),
    "covered_share": ("ครัวเรือนเข้าถึงถัง", "Coverage share"),
    "capacity_ratio": ("ความจุ/ขยะ", "Capacity ratio"),
    "computed_on": ("คำนวณเมื่อ", "Computed on"),
    "bins_total": ("ถังทั้งหมด", "Bins"),
    "bins_usable": ("ถังใช้งานได้", "Bins usable"),
    "surveys_this_month": ("สำรวจเดือนนี้", "Surveys this month"),
    "bins_surveyed_this_month": ("ถังที่สำรวจเดือนนี้", "Bins surveyed this month"),
    "not_computed": ("ยังไม่ได้คำนวณ", "Not computed yet"),
    "run": ("ครั้งที่ {n}", "run {n}"),
    "no_subdistricts": ("ไม่มีตำบลในขอบเขตนี้", "No subdistricts in this scope"),
    "download": ("ดาวน์โหลด", "Download"),
    "choose_province": (
        "มีตำบล {n} แห่งใน {p} จังหวัด เลือกจังหวัดเพื่อดูตารางรายตำบล",
        "{n} subdistricts in {p} provinces: choose a province to see its table",
    ),
    "province_code": ("จังหวัด (รหัส)", "Province (code)"),
    "province_subdistricts": ("จำนวนตำบล", "Subdistricts"),
    "sort_by": ("เรียงตาม", "Sort by"),
    "recompute": ("คำนวณความครอบคลุมทุกตำบลใหม่", "Recompute coverage for every subdistrict"),
    "recompute_help": (
        "การคำนวณทุกตำบลใช้เวลานาน จึงสั่งจากเครื่องแม่ข่ายด้วยคำสั่งนี้ "
        "(ใช้ Dask กระจายงานทีละตำบล) แล้วเปิดหน้านี้ใหม่",
        "A run over every subdistrict takes long, so it is started on the server with this "
        "command (Dask, one task per subdistrict); then reload this page",
    ),
    "capacity_note": (
        "ความจุ/ขยะ ตั้งแต่ 1 ขึ้นไป หมายถึงถังที่ใช้งานได้รับขยะได้พอต่อรอบเก็บ",
        "A capacity ratio of 1 or more means the usable bins hold a collection cycle's waste",
    ),
}


def words_for(lang: str) -> Callable[..., str]:
    """``w(key, **values)`` in ``lang``; an unknown key is shown as it is."""
    index = 1 if lang == "en" else 0

    def w(key: str, **values: object) -> str:
        pair = WORDS.get(key)
        return pair[index].format(**values) if pair else key

    return w
