"""Thai number formatting for official documents: separators, Thai digits, baht in words.

Dates, digits and the Buddhist era are :mod:`fieldsvc.thai` (shared by the whole package);
this module keeps what only printed reports need. Plain Python: importing pythainlp would create
a data folder in the user's home, and these few rules need none of it (the tests compare
:func:`baht_text` with pythainlp's ``bahttext``).
"""

from __future__ import annotations

from fieldsvc.thai import digits


def format_number(value: float | int | None, decimals: int = 0, *, thai: bool = False) -> str:
    """A number with thousands separators (``—`` for a missing value).

    >>> format_number(1311700)
    '1,311,700'
    >>> format_number(0.5, 2, thai=True)
    '๐.๕๐'
    >>> format_number(None)
    '—'
    """
    if value is None or value != value:  # None or NaN
        return "—"
    return digits(f"{value:,.{decimals}f}", thai)


def format_baht(
    amount: float | int | None, *, thai_digits: bool = False, unit: bool = False
) -> str:
    """An amount in baht with thousands separators and satang (two decimals).

    >>> format_baht(399200)
    '399,200.00'
    >>> format_baht(2500, thai_digits=True, unit=True)
    '๒,๕๐๐.๐๐ บาท'
    """
    text = format_number(amount, 2, thai=thai_digits)
    return f"{text} บาท" if unit and amount is not None else text


def format_percent(share: float | None, decimals: int = 1, *, thai: bool = False) -> str:
    """A share (0–1) as a percentage.

    >>> format_percent(0.7975609756)
    '79.8%'
    >>> format_percent(0.275, thai=True)
    '๒๗.๕%'
    """
    if share is None or share != share:
        return "—"
    return digits(f"{100 * share:.{decimals}f}%", thai)


_WORD_DIGITS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def _below_million(n: int, *, more_before: bool) -> str:
    words = []
    text = str(n)
    for position, char in enumerate(reversed(text)):
        d = int(char)
        if d == 0:
            continue
        if position == 1 and d == 1:
            word = "สิบ"
        elif position == 1 and d == 2:
            word = "ยี่สิบ"
        elif position == 0 and d == 1 and (n > 9 or more_before):
            word = "เอ็ด"
        else:
            word = _WORD_DIGITS[d] + _PLACES[position]
        words.append(word)
    return "".join(reversed(words))


def thai_number_words(n: int) -> str:
    """A whole number in Thai words.

    >>> thai_number_words(21)
    'ยี่สิบเอ็ด'
    >>> thai_number_words(1_000_001)
    'หนึ่งล้านเอ็ด'
    """
    if n == 0:
        return "ศูนย์"
    millions, rest = divmod(n, 1_000_000)
    head = thai_number_words(millions) + "ล้าน" if millions else ""
    return head + _below_million(rest, more_before=bool(millions))


def baht_text(amount: float) -> str:
    """An amount spelled in Thai words, as written after totals on official documents.

    >>> baht_text(399200)
    'สามแสนเก้าหมื่นเก้าพันสองร้อยบาทถ้วน'
    >>> baht_text(1311700.5)
    'หนึ่งล้านสามแสนหนึ่งหมื่นหนึ่งพันเจ็ดร้อยบาทห้าสิบสตางค์'
    """
    satang_total = round(abs(amount) * 100)
    baht, satang = divmod(satang_total, 100)
    sign = "ลบ" if amount < 0 else ""
    text = sign + thai_number_words(baht) + "บาท"
    return text + (thai_number_words(satang) + "สตางค์" if satang else "ถ้วน")
