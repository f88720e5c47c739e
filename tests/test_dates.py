"""Days typed by people: words in their language, all-number dates in their locale's order,
never a clock time taken for a day."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.services.dates import date_order, read_day

NOW = datetime(2026, 3, 2, 10, 0)  # Monday, local time


@pytest.mark.parametrize(
    ("text", "locale", "prefer", "day"),
    [
        ("05.02", "ru", "past", date(2026, 2, 5)),  # not 05:02 today
        ("05.02", "es", "past", date(2026, 2, 5)),
        ("10.02", "fr", "past", date(2026, 2, 10)),
        ("5.2.", "uk", "past", date(2026, 2, 5)),
        ("05.04", "ru", "future", date(2026, 4, 5)),  # not 05:04 tomorrow
        ("5/2", "es", "past", date(2026, 2, 5)),
        ("2/3", "en", "past", date(2026, 2, 3)),  # "en" is month first (CLDR)
        ("15/1", "en", "past", date(2026, 1, 15)),  # only possible day first
        ("2/3", "en", "future", date(2027, 2, 3)),
        ("27.02.2026", "uk", "past", date(2026, 2, 27)),
        ("2026-02-27", "ar", "past", date(2026, 2, 27)),
        ("٥/٢", "ar", "past", date(2026, 2, 5)),  # Arabic-Indic digits
        ("ayer", "es", "past", date(2026, 3, 1)),
        ("jueves", "es", "future", date(2026, 3, 5)),
        ("3 de febrero", "es", "past", date(2026, 2, 3)),
    ],
)
def test_a_typed_day(text: str, locale: str, prefer: str, day: date) -> None:
    assert read_day(text, locale, NOW, prefer) == day  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["10:30", "17h30", "31/2", "blah", "", "   "])
def test_what_is_not_a_day(text: str) -> None:
    assert read_day(text, "es", NOW, "past") is None


def test_the_order_comes_from_the_locale() -> None:
    assert date_order("es") == "DMY"
    assert date_order("uk") == "DMY"
    assert date_order("fa") == "YMD"
