"""The quiet-hours rule and the input readers of /plan, as plain functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.appointments import parse_day, parse_time
from bot.services.appointments.reminders import awake_between, out_of_quiet_hours, quiet_window
from bot.services.errors import Invalid

MADRID = "Europe/Madrid"


def local(tz: str, *args: int) -> datetime:
    year, month, day, hour, minute = args
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz)).astimezone(UTC)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ((2026, 3, 2, 20, 59), (2026, 3, 2, 20, 59)),  # just before quiet hours
        ((2026, 3, 2, 21, 0), (2026, 3, 3, 8, 0)),  # the start is inside
        ((2026, 3, 2, 23, 0), (2026, 3, 3, 8, 0)),
        ((2026, 3, 3, 0, 0), (2026, 3, 3, 8, 0)),  # after midnight, same window
        ((2026, 3, 3, 7, 59), (2026, 3, 3, 8, 0)),
        ((2026, 3, 3, 8, 0), (2026, 3, 3, 8, 0)),  # the end is not inside
        ((2026, 3, 3, 12, 0), (2026, 3, 3, 12, 0)),
    ],
)
def test_a_reminder_in_quiet_hours_moves_to_their_end(
    due: tuple[int, ...], expected: tuple[int, ...]
) -> None:
    appointment = local(MADRID, 2026, 3, 3, 17, 30)
    moved = out_of_quiet_hours(local(MADRID, *due), appointment, MADRID, "21:00", "08:00")
    assert moved == local(MADRID, *expected)


def test_when_the_end_is_too_late_the_reminder_is_dropped_never_sent_in_the_window() -> None:
    # A 07:30 meeting: the 05:30 reminder cannot wait for 08:00, and it is never sent inside
    # the quiet window (the start of which may already be past): it is dropped.
    appointment = local(MADRID, 2026, 3, 3, 7, 30)
    due = appointment - timedelta(hours=2)
    assert out_of_quiet_hours(due, appointment, MADRID) is None


def test_end_exactly_at_the_appointment_is_not_before_it() -> None:
    appointment = local(MADRID, 2026, 3, 3, 8, 0)
    due = local(MADRID, 2026, 3, 3, 6, 0)
    assert out_of_quiet_hours(due, appointment, MADRID) is None
    later = local(MADRID, 2026, 3, 3, 8, 1)
    assert out_of_quiet_hours(due, later, MADRID) == local(MADRID, 2026, 3, 3, 8, 0)


@pytest.mark.parametrize(
    ("tz", "quiet"),
    [
        ("Europe/Madrid", True),  # 22:30 local
        ("Atlantic/Canary", True),  # 21:30 local
        ("America/Bogota", False),  # 16:30 local
        ("Asia/Kabul", True),  # 02:00 local
        ("Pacific/Auckland", False),  # 10:30 local, the next day
    ],
)
def test_quiet_hours_are_the_persons_own_timezone(tz: str, quiet: bool) -> None:
    moment = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
    window = quiet_window(moment, tz, time(21, 0), time(8, 0))
    assert (window is not None) is quiet
    if window is not None:
        start, end = window
        assert start <= moment < end
        assert end.astimezone(ZoneInfo(tz)).time() == time(8, 0)
        assert start.astimezone(ZoneInfo(tz)).time() == time(21, 0)
        assert end - start == timedelta(hours=11)


def test_a_mentee_in_another_timezone_gets_their_own_morning() -> None:
    appointment = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    due = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)  # 23:30 Madrid, 03:00 Kabul, 17:30 Bogota
    assert out_of_quiet_hours(due, appointment, MADRID) == local(MADRID, 2026, 3, 4, 8, 0)
    assert out_of_quiet_hours(due, appointment, "Asia/Kabul") == local(
        "Asia/Kabul", 2026, 3, 4, 8, 0
    )
    assert out_of_quiet_hours(due, appointment, "America/Bogota") == due


def test_quiet_hours_across_a_daylight_saving_change() -> None:
    # Madrid moves to summer time at 02:00 on 29 March 2026: 08:00 that morning is 06:00 UTC.
    due = local(MADRID, 2026, 3, 28, 23, 0)
    appointment = local(MADRID, 2026, 3, 29, 18, 0)
    assert out_of_quiet_hours(due, appointment, MADRID) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_custom_and_empty_quiet_hours() -> None:
    appointment = local(MADRID, 2026, 3, 3, 18, 0)
    nap = local(MADRID, 2026, 3, 3, 14, 0)
    assert out_of_quiet_hours(nap, appointment, MADRID, "13:00", "15:00") == local(
        MADRID, 2026, 3, 3, 15, 0
    )
    assert out_of_quiet_hours(nap, appointment, MADRID, "00:00", "00:00") == nap
    night = local(MADRID, 2026, 3, 3, 2, 0)
    assert out_of_quiet_hours(night, appointment, MADRID, "bad", "") == local(
        MADRID, 2026, 3, 3, 8, 0
    )


# What a mentor types in /plan ------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("es", "jueves", date(2026, 3, 5)),
        ("es", "mañana", date(2026, 3, 3)),
        ("es", "12/3", date(2026, 3, 12)),  # day first in Spanish
        ("en", "3/12", date(2026, 3, 12)),  # month first in English
        ("es", "5 de marzo", date(2026, 3, 5)),
        ("ar", "الخميس", date(2026, 3, 5)),
        ("uk", "четвер", date(2026, 3, 5)),
    ],
)
def test_dates_typed_in_the_mentors_language(locale: str, text: str, expected: date) -> None:
    assert parse_day(text, locale, MADRID, NOW) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [("ayer", "date_past"), ("hola", "date_unreadable"), ("1/1/2030", "date_too_far")],
)
def test_bad_dates_say_why(text: str, code: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_day(text, "es", MADRID, NOW)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17:30", time(17, 30)),
        ("5pm", time(17, 0)),
        ("5:30 pm", time(17, 30)),
        ("17.30", time(17, 30)),
        ("17h", time(17, 0)),
        ("17h30", time(17, 30)),
        ("17", time(17, 0)),
        ("١٧:٣٠", time(17, 30)),
    ],
)
def test_times_typed_in_several_ways(text: str, expected: time) -> None:
    assert parse_time(text, "es") == expected


@pytest.mark.parametrize("text", ["25:00", "tomorrow", "soon", "", "hoy"])
def test_unreadable_times(text: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_time(text, "es")
    assert err.value.code == "time_unreadable"


def test_awake_time_leaves_out_the_quiet_hours() -> None:
    evening = local(MADRID, 2026, 3, 2, 19, 0)
    assert awake_between(evening, local(MADRID, 2026, 3, 2, 20, 30), MADRID) == timedelta(
        minutes=90
    )
    # 19:00 to 09:00 the next day: two hours before 21:00 and one after 08:00.
    assert awake_between(evening, local(MADRID, 2026, 3, 3, 9, 0), MADRID) == timedelta(hours=3)
    night = local(MADRID, 2026, 3, 2, 23, 0)
    assert awake_between(night, local(MADRID, 2026, 3, 3, 7, 0), MADRID) == timedelta(0)
    assert awake_between(night, local(MADRID, 2026, 3, 3, 7, 0), MADRID, "00:00", "00:00") == (
        timedelta(hours=8)
    )
