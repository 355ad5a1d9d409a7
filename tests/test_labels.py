"""One table of labels: streams and conditions are named in fieldsvc.models.enums only."""

from __future__ import annotations

from fieldsvc.api.i18n import WORDS
from fieldsvc.ingest import vocab
from fieldsvc.models.enums import (
    CONDITION_EN,
    CONDITION_TH,
    STREAM_EN,
    STREAM_TH,
    STREAM_TH_SHORT,
    Condition,
    Stream,
)


def test_every_stream_and_condition_has_its_labels() -> None:
    for table in (STREAM_TH, STREAM_TH_SHORT, STREAM_EN):
        assert set(table) == set(Stream)
    for table in (CONDITION_TH, CONDITION_EN):
        assert set(table) == set(Condition)


def test_the_short_stream_label_is_the_long_one_without_the_word_waste() -> None:
    assert STREAM_TH[Stream.general] == "ขยะทั่วไป" and STREAM_TH_SHORT[Stream.general] == "ทั่วไป"
    assert all(STREAM_TH[s] == "ขยะ" + STREAM_TH_SHORT[s] for s in Stream)


def test_the_vocabulary_and_the_page_words_read_the_one_table() -> None:
    assert vocab.STREAM_LABELS_TH is STREAM_TH_SHORT
    assert vocab.CONDITION_LABELS_TH is CONDITION_TH
    assert all(vocab.match_stream(label) == s for s, label in STREAM_TH.items())
    assert WORDS["overflowing"] == ("ขยะล้น", "Overflowing")
    assert all(WORDS[c.value] == (CONDITION_TH[c], CONDITION_EN[c]) for c in Condition)
