"""Plain Thai for a village head (issue 17): every Thai string of the phone form (words.js) and
every catalogue message the phone or Collect can show a head is free of the banned terms
(tests/mobile/banned_terms.py), and each refusal says what to do next."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fieldsvc.problems import CATALOGUE
from fieldsvc.problems import flags as flag_problems
from fieldsvc.problems import intake as intake_problems
from tests.mobile.banned_terms import banned_in

WORDS_JS = Path(__file__).resolve().parents[2] / "mobile_forms" / "web" / "words.js"

#: Catalogue entries a head meets: the sign-in and access refusals, the register lookups of
#: the which-bin screen, the generic answers any request may get, every refusal of a survey as
#: it arrives (web form and Collect), and every flag (shown as "staff will check: …").
HEAD_FACING_GENERAL = (
    "error",
    "invalid_input",
    "not_found",
    "unauthorized",
    "forbidden",
    "http_401",
    "not_signed_in",
    "token_expired",
    "cross_site_request",
    "csrf_token_missing",
    "read_only_cannot_submit",
    "server_link_invalid",
    "survey_outside_villages",
    "photo_outside_villages",
    "bin_outside_villages",
    "bin_not_found",
    "bin_code_invalid",
    "payload_too_large",
    "too_many_requests",
    "database_busy",
    "request_invalid",
    "submission_conflict",
    "instance_id_reused",
    "needed_to_apply",
    "bin_values_invalid",
)
HEAD_FACING = sorted(
    set(HEAD_FACING_GENERAL)
    | {p.key for p in intake_problems.PROBLEMS}
    | {p.key for p in flag_problems.PROBLEMS}
)

#: Words that say what to do next (or that staff will): one of them in every refusal.
NEXT_STEP = ("กรุณา", "ลอง", "ขอ", "แจ้ง", "ตรวจ", "ครั้งหน้า", "รอ", "ส่งใหม่", "ถ่าย", "เปิด")

#: Entries that name the way to a new access link: expired, revoked or missing.
NEW_LINK = ("unauthorized", "http_401", "not_signed_in", "token_expired", "server_link_invalid")


def table(lang: str) -> dict[str, str]:
    """One language's table of words.js: key → text."""
    source = WORDS_JS.read_text(encoding="utf-8")
    start = source.index(f"  {lang}: {{")
    block = source[start : source.index("\n  },", start)]
    return {k: v for k, v in re.findall(r"(\w+): '((?:[^'\\]|\\.)*)'", block)}


def thai_words() -> dict[str, str]:
    return table("th")


def test_words_js_is_read_whole() -> None:
    # every key found in Thai has its English twin, and the other way round
    words = thai_words()
    assert set(words) == set(table("en"))
    assert len(words) > 120 and words["save"] == "บันทึก" and words["cancel"] == "ยกเลิก"


@pytest.mark.parametrize("key", sorted(thai_words()))
def test_every_thai_word_of_the_form_is_plain(key: str) -> None:
    assert banned_in(thai_words()[key]) == []


def test_only_a_real_skip_says_skip() -> None:
    # "ข้าม" (skip) only on a button that skips: the photo's. The GPS wait button does not.
    assert {k for k, v in thai_words().items() if "ข้าม" in v} == {"skip_photo"}


def test_an_expired_link_sends_the_head_to_the_office() -> None:
    words = thai_words()
    for key in ("login_again", "why_auth", "login_bad"):
        assert "ลิงก์ใหม่" in words[key] and "อบต." in words[key], key
    for key in NEW_LINK:
        assert "ใหม่" in CATALOGUE[key].th and "อบต." in CATALOGUE[key].th, key


@pytest.mark.parametrize("key", HEAD_FACING)
def test_head_facing_messages_are_plain_and_say_what_next(key: str) -> None:
    problem = CATALOGUE[key]
    assert banned_in(problem.th) == [], problem.th
    fragment = problem.code in ("invalid_value", "impossible_value") and problem.key != problem.code
    if problem.severity == "error" and not fragment:
        assert any(w in problem.th for w in NEXT_STEP), problem.th


def test_the_banned_list_catches_what_it_should() -> None:
    assert banned_in("หยาบกว่าเกณฑ์ 25 ม.") == ["เกณฑ์"]
    assert banned_in("ตำแหน่ง (location) ไม่ถูกต้อง") == ["location"]
    assert banned_in("ที่ช่อง {field_name}") == ["{field_name}"]
    assert banned_in("ใช้ได้ เช่น NB-0001 ผ่าน GPS หรือ QR ทาง LINE") == []
