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


# English follows the organisation's country --------------------------------------------------


@pytest.mark.parametrize(
    ("language", "region", "expected"),
    [
        ("en", "ES", "en_ES"),
        ("en", "GB", "en_GB"),
        ("en", "US", "en_US"),
        ("en", "AF", "en_GB"),  # CLDR has no English of Afghanistan: British usage
        ("en", None, "en"),
        ("es", "ES", "es_ES"),
        ("ar", "ES", "ar"),  # no Arabic of Spain: Arabic's own
        ("fr", "BE", "fr_BE"),
    ],
)
def test_the_formatting_locale_follows_the_country(
    language: str, region: str | None, expected: str
) -> None:
    from bot.i18n import formatting_locale

    assert str(formatting_locale(language, region)) == expected


def test_an_english_reader_in_spain_reads_spanish_order_and_clock() -> None:
    from datetime import UTC

    from bot.i18n import translator

    moment = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)  # 17:30 in Madrid
    in_spain, in_us = translator("en", "ES"), translator("en", "US")
    assert in_spain.when(moment, "Europe/Madrid") == "Tuesday 3 March, 17:30"
    assert in_spain.day_button(date(2026, 12, 3)) == "Thu, 3 Dec"
    assert in_spain.day(date(2026, 11, 28), "short") == "28/11/2026"
    assert in_us.day(date(2026, 11, 28), "short") == "11/28/26"
    assert date_order(in_spain.formats) == "DMY" and date_order(in_us.formats) == "MDY"
    # A date typed as the example shows it is read that way round; words still in English.
    assert read_day("3/12", in_spain.formats, NOW, "future") == date(2026, 12, 3)
    assert read_day("3/12", in_us.formats, NOW, "future") == date(2026, 3, 12)
    assert read_day("yesterday", in_spain.formats, NOW, "past") == date(2026, 3, 1)
