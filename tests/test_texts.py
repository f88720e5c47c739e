"""Lengths as Telegram counts them, as people count them, and the edge cleaning."""

from __future__ import annotations

import pytest

from bot.services import texts
from bot.services.texts import TooLong

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦: 7 code points, 11 units
FLAG = "\U0001f1ea\U0001f1f8"  # 🇪🇸: 2 code points, 4 units
THUMB = "\U0001f44d\U0001f3fd"  # 👍🏽 with a skin tone
PERSIAN = "می\u200cخواهم"  # with a ZWNJ


def test_lengths_in_utf16_units_and_graphemes() -> None:
    assert texts.utf16_len(FAMILY) == 11
    assert texts.utf16_len(FLAG) == 4
    assert texts.utf16_len("é") == 1
    assert texts.utf16_len("e\u0301") == 2
    assert len(texts.graphemes(FAMILY + FLAG + THUMB + "e\u0301")) == 4
    assert texts.utf8_len(FAMILY) == 25


def test_excess_counts_what_a_person_would_remove() -> None:
    assert texts.excess("abc", 3) == 0
    assert texts.excess("abcd", 3) == 1
    # 2,000 emoji are 4,000 units: 2,000 over a 2,000-unit limit means 1,000 emoji to remove.
    assert texts.excess("\U0001f600" * 2000, 2000) == 1000
    # One family over: one character to remove, although it is 11 units.
    assert texts.excess("a" * 10 + FAMILY, 20) == 1
    assert texts.excess(FLAG * 3, 10) == 1


def test_check_raises_with_the_excess() -> None:
    assert texts.check(FLAG, 4) == FLAG
    with pytest.raises(TooLong) as info:
        texts.check(FLAG * 2, 5, "notes_too_long")
    assert info.value.code == "notes_too_long"
    assert info.value.excess == 1


@pytest.mark.parametrize("text", [FAMILY * 5, FLAG * 9, THUMB * 7, "e\u0301" * 13, PERSIAN * 4])
@pytest.mark.parametrize("limit", [1, 5, 12, 23, 40])
def test_clip_never_splits_a_grapheme(text: str, limit: int) -> None:
    cut = texts.clip(text, limit)
    assert texts.utf16_len(cut) <= limit
    if cut != text:
        assert cut.endswith(texts.ELLIPSIS)
        body = cut[: -len(texts.ELLIPSIS)]
        assert text.startswith(body)
        clusters = texts.graphemes(text)
        assert len(texts.graphemes(body)) <= len(clusters)
        assert body == "".join(clusters[: len(texts.graphemes(body))])
    cut.encode("utf-16-le")  # no lone surrogate


def test_chunks_cover_the_text_within_the_limit() -> None:
    text = ("line " + FAMILY + "\n") * 900
    pieces = texts.chunks(text, 4096)
    assert len(pieces) > 1
    assert all(texts.utf16_len(p) <= 4096 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_clean_removes_controls_keeps_joiners_and_marks() -> None:
    dirty = "a\x00b\x07c\x1bd\x7f\r\ne\rf\tg\n"
    assert texts.clean(dirty) == "abcd\ne\nf\tg\n"
    kept = PERSIAN + FAMILY + "\u2764\ufe0f" + "\u200f\u200e\u2067x\u2069"
    assert texts.clean(kept) == kept
    assert texts.clean("e\u0301") == "é"  # NFC


def test_visible_length_and_html_clip() -> None:
    markup = "<b>Title</b>\n<blockquote>" + "&lt;" * 10 + FLAG * 3000 + "</blockquote>\nend"
    assert texts.visible_len("<b>a&amp;b</b>") == 3
    assert texts.visible_len(markup) == 5 + 1 + 10 + 12000 + 4
    cut = texts.html_clip(markup, 4096)
    assert texts.visible_len(cut) <= 4096
    assert cut.startswith("<b>Title</b>\n<blockquote>&lt;")
    assert cut.endswith(texts.ELLIPSIS + "</blockquote>")
    assert texts.html_clip("<i>short</i>", 4096) == "<i>short</i>"
