"""Pure rules of meeting logs: typed durations, typed dates, ranges, the correction window."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.services.errors import Invalid
from bot.services.meetings import (
    Entry,
    check_activities,
    check_day,
    in_edit_window,
    local_today,
    parse_day,
    parse_duration,
    validate,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 2 March, 10:00 in Madrid


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45),
        ("90 min", 90),
        ("90min", 90),
        ("45 min.", 45),
        ("90'", 90),
        ("1:30", 90),
        ("1.30", 90),
        ("1h30", 90),
        ("1 h 30", 90),
        ("1h 30min", 90),
        ("2h", 120),
        ("2 hours 15 minutes", 135),
        ("1 hora 30", 90),
        ("1,5", 90),
        ("1.5", 90),
        ("1.5 h", 90),
        ("٤٥", 45),  # Arabic-Indic digits
        ("  3 H ", 180),
        ("12h", 720),
    ],
)
def test_durations_people_type(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "duration_not_number"),
        ("an hour", "duration_not_number"),
        ("abc", "duration_not_number"),
        ("1h75", "duration_not_number"),
        ("1:75", "duration_not_number"),
        ("1,30", "duration_not_number"),  # ambiguous: asked again rather than guessed
        ("0", "duration_zero"),
        ("0h", "duration_zero"),
        ("0:00", "duration_zero"),
        ("13h", "duration_too_long"),
        ("12h01", "duration_too_long"),
        ("721", "duration_too_long"),
    ],
)
def test_durations_refused_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_duration(text)
    assert err.value.code == code


def test_local_today_follows_the_timezone() -> None:
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert local_today(late, "Europe/Madrid") == date(2026, 3, 2)
    assert local_today(late, "America/Bogota") == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "locale", "day"),
    [
        ("ayer", "es", date(2026, 3, 1)),
        ("hace 3 días", "es", date(2026, 2, 27)),
        ("28 de febrero", "es", date(2026, 2, 28)),
        ("3/2", "es", date(2026, 2, 3)),  # day first in Spanish
        ("2/27", "en", date(2026, 2, 27)),  # month first in (US) English
        ("yesterday", "en", date(2026, 3, 1)),
        ("ahir", "ca", date(2026, 3, 1)),
        ("вчора", "uk", date(2026, 3, 1)),
        ("أمس", "ar", date(2026, 3, 1)),
    ],
)
def test_dates_in_the_mentors_language(text: str, locale: str, day: date) -> None:
    assert parse_day(text, locale, NOW, "Europe/Madrid") == day


def test_relative_dates_use_the_local_today() -> None:
    # 23:30 UTC on 1 March is already 2 March in Madrid.
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert parse_day("yesterday", "en", late, "Europe/Madrid") == date(2026, 3, 1)
    assert parse_day("yesterday", "en", late, "America/Bogota") == date(2026, 2, 28)


@pytest.mark.parametrize("text", ["", "???", "hola", "banana"])
def test_unreadable_dates(text: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_day(text, "es", NOW, "Europe/Madrid")
    assert err.value.code == "date_unreadable"


def test_day_range() -> None:
    today, start = date(2026, 3, 2), date(2026, 1, 10)
    check_day(today, today, start)
    check_day(start, today, start)
    with pytest.raises(Invalid, match="date_future"):
        check_day(date(2026, 3, 3), today, start)
    with pytest.raises(Invalid, match="date_before_match"):
        check_day(date(2026, 1, 9), today, start)


def test_edit_window_is_the_last_thirty_days() -> None:
    today = date(2026, 3, 2)
    assert in_edit_window(today, today)
    assert in_edit_window(date(2026, 2, 1), today)  # the 30th day, counting today
    assert not in_edit_window(date(2026, 1, 31), today)
    assert not in_edit_window(date(2026, 3, 3), today)


def test_activities_are_known_and_ordered() -> None:
    assert check_activities(["meal", "walk"]) == ["walk", "meal"]
    for bad in ([], ["dancing"], ["walk", "walk"]):
        with pytest.raises(Invalid):
            check_activities(bad)


def test_validate_normalises() -> None:
    entry = Entry(1, date(2026, 3, 1), 60, ("meal", "walk"), 4, "  fine  ")
    clean = validate(entry, date(2026, 3, 2), date(2026, 1, 1))
    assert clean.activities == ("walk", "meal")
    assert clean.notes == "fine"
    with pytest.raises(Invalid, match="mood"):
        validate(Entry(1, date(2026, 3, 1), 60, ("walk",), 6), date(2026, 3, 2), date(2026, 1, 1))
