"""Words of the resident's status page (Thai first, English second)."""

from __future__ import annotations

from collections.abc import Callable

WORDS: dict[str, tuple[str, str]] = {
    "title": ("สถานะเรื่องที่แจ้ง", "Report status"),
    "ticket": ("เลขที่เรื่อง", "Report number"),
    "kind": ("เรื่อง", "What"),
    "sent": ("แจ้งเมื่อ", "Sent"),
    "received": ("รับเรื่องแล้ว", "Received"),
    "in_progress": ("กำลังดำเนินการ", "In progress"),
    "done": ("เสร็จแล้ว", "Done"),
    "reply": ("คำตอบจาก อบต.", "The office's reply"),
    "no_reply": ("ยังไม่มีคำตอบ", "No reply yet"),
    "pending": (
        "เจ้าหน้าที่จะตรวจเรื่องก่อนเผยแพร่ เรื่องนี้เห็นได้เฉพาะผู้มีลิงก์นี้",
        "Staff check a report before it is shown publicly; only people with this link see it",
    ),
    "supporters": ("มีผู้แจ้งเรื่องเดียวกันเพิ่ม {n} คน", "{n} more people reported the same"),
    "keep_link": (
        "เก็บลิงก์หน้านี้ไว้เพื่อติดตามเรื่อง",
        "Keep this page's link to follow your report",
    ),
    "merged_into": (
        "เรื่องนี้รวมกับเรื่องเลขที่ {ticket} ซึ่งแจ้งปัญหาเดียวกัน สถานะและคำตอบด้านล่างเป็นของเรื่องนั้น",
        "This report is merged with report {ticket} about the same problem; the status and "
        "reply below are that report's",
    ),
    "new_report": ("แจ้งเรื่องใหม่", "Report something else"),
    "switch_language": ("English", "ภาษาไทย"),
    "bin_full": ("ถังเต็ม / ขยะล้น", "Bin full / overflowing"),
    "bin_broken": ("ถังชำรุด", "Bin broken"),
    "bin_missing": ("ถังหาย", "Bin missing"),
    "bin_request": ("ขอให้ตั้งถังตรงนี้", "Please put a bin here"),
    "dumping": ("ทิ้งขยะไม่เป็นที่", "Dumped rubbish"),
}


def words_for(lang: str) -> Callable[..., str]:
    """``w(key, **values)`` in ``lang``; an unknown key is shown as it is."""
    index = 1 if lang == "en" else 0

    def w(key: str, **values: object) -> str:
        pair = WORDS.get(key)
        return pair[index].format(**values) if pair else key

    return w


#: The report kinds, in the order the page lists them.
KINDS = ("bin_full", "bin_broken", "bin_missing", "bin_request", "dumping")


def kind_names(lang: str) -> dict[str, str]:
    """Report kind → its name in ``lang`` (staff pages list and filter by these)."""
    index = 1 if lang == "en" else 0
    return {kind: WORDS[kind][index] for kind in KINDS}
