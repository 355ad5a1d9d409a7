"""Thai first, English second: the UI's words, chosen per request by the ``lang`` cookie."""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("th", "en")
LANG_COOKIE = "fieldsvc_lang"

WORDS: dict[str, tuple[str, str]] = {
    "app_name": ("ทะเบียนถังขยะ", "Waste-bin register"),
    "division": ("กองสาธารณสุขและสิ่งแวดล้อม", "Public-health division"),
    "home": ("หน้าแรก", "Home"),
    "dashboard": ("ภาพรวม", "Dashboard"),
    "map": ("แผนที่", "Map"),
    "review": ("ตรวจสอบแบบสำรวจ", "Review surveys"),
    "plans": ("แผนจัดสรรถังขยะ", "Allocation plans"),
    "public_page": ("หน้าเผยแพร่สาธารณะ", "Public page"),
    "survey_form": ("แบบสำรวจ (มือถือ)", "Survey form (phone)"),
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "signed_in_as": ("ผู้ใช้", "Signed in as"),
    "switch_language": ("English", "ภาษาไทย"),
    "sign_in_help": (
        "เปิดลิงก์ประจำตัวที่ได้รับจากเจ้าหน้าที่ หรือวางโทเค็นด้านล่าง",
        "Open the personal link you were given, or paste your token below",
    ),
    "token": ("โทเค็น", "Token"),
    "bad_token": ("ลิงก์หรือโทเค็นไม่ถูกต้อง หรือถูกยกเลิกแล้ว", "Unknown or revoked token"),
    "synthetic_notice": (
        "ข้อมูลตัวอย่างในระบบนี้เป็นข้อมูลสังเคราะห์ ไม่ใช่ข้อมูลจริง",
        "The sample data in this system is synthetic, not real",
    ),
}


def language(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "th")
    return lang if lang in LANGUAGES else "th"


def translator(lang: str):  # type: ignore[no-untyped-def]
    """``t(key)`` for templates; unknown keys are shown as they are (visible, not hidden)."""
    index = LANGUAGES.index(lang)

    def t(key: str) -> str:
        pair = WORDS.get(key)
        return pair[index] if pair else key

    return t
