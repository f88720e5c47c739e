"""The rules of a meeting log, pure functions: durations typed by people, dates against today
and the match's start, the window in which a mentor may still correct a log; and the values the
service returns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import texts
from bot.services.dates import ascii_digits, read_day
from bot.services.errors import Invalid
from bot.services.meetings.labels import ACTIVITIES

MAX_MINUTES = 12 * 60
EDIT_WINDOW_DAYS = 30
COMMON_DURATIONS = (30, 60, 90, 120, 180)
MOODS = (1, 2, 3, 4, 5)
UNWELL_MOOD = 2  # at or below: offer to raise a concern

# --- pure rules ---------------------------------------------------------------------------

_HOUR_UNITS = (
    r"h|hr|hrs|hour|hours|hora|horas|hores|heure|heures|ч|час|часа|часов|год|години|годин"
    r"|ساعة|ساعات|ساعت|ساعه|ሰዓት"
)
_MIN_UNITS = (
    r"m|mn|min|mins|minute|minutes|minuto|minutos|minut|minuts|мин|минут|минуты|хв"
    r"|хвилин|хвилини|دقيقة|دقائق|دقیقه|ደቒቕ|'"
)
_COLON = re.compile(r"(\d{1,2})\s*[:.]\s*(\d{2})")
_HOURS_MINUTES = re.compile(
    rf"(\d+(?:[.,]\d+)?)\s*(?:{_HOUR_UNITS})\.?\s*(?:(\d+)\s*(?:{_MIN_UNITS})?\.?)?"
)
_MINUTES = re.compile(rf"(\d+)\s*(?:{_MIN_UNITS})?\.?")
_DECIMAL_HOURS = re.compile(r"(\d+[.,]\d)")


def parse_duration(text: str) -> int:
    """Minutes from what a person typed: "45", "90 min", "1:30", "1h30", "1 h 30", "2h",
    "1,5" (a decimal number is hours). Raises Invalid("duration_not_number") for anything
    else, and the range errors of `check_duration`."""
    s = " ".join(ascii_digits(text).lower().split())
    minutes: int | None = None
    if m := _COLON.fullmatch(s):
        hours, mins = int(m[1]), int(m[2])
        if mins < 60:
            minutes = hours * 60 + mins
    elif m := _HOURS_MINUTES.fullmatch(s):
        hours_f = float(m[1].replace(",", "."))
        minutes = round(hours_f * 60) + (int(m[2]) if m[2] else 0)
        if m[2] and (int(m[2]) >= 60 or hours_f != int(hours_f)):
            minutes = None
    elif m := _MINUTES.fullmatch(s):
        minutes = int(m[1])
    elif m := _DECIMAL_HOURS.fullmatch(s):
        minutes = round(float(m[1].replace(",", ".")) * 60)
    if minutes is None:
        raise Invalid("duration_not_number")
    check_duration(minutes)
    return minutes


def parse_small_number(text: str) -> int | None:
    """A whole number typed alone ("4", "٤"), or None."""
    s = ascii_digits(text).strip()
    return int(s) if s.isascii() and s.isdigit() and len(s) <= 3 else None


def check_duration(minutes: int) -> None:
    if minutes <= 0:
        raise Invalid("duration_zero")
    if minutes > MAX_MINUTES:
        raise Invalid("duration_too_long")


def local_today(now: datetime, tz: str) -> date:
    """The date it is now where the person lives."""
    return now.astimezone(ZoneInfo(tz)).date()


def parse_day(text: str, locale: str, now: datetime, tz: str) -> date:
    """A date typed in the person's language and usual format ("ayer", "27/2", "05.02",
    "last Friday", "28 de febrero"), read relative to their local today. Raises
    Invalid("date_unreadable"). Range checks are `check_day`'s."""
    local_now = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    day = read_day(text, locale, local_now, "past")
    if day is None:
        raise Invalid("date_unreadable")
    return day


def check_day(day: date, today: date, started_on: date) -> None:
    """A meeting happened today or before, and not before the match started."""
    if day > today:
        raise Invalid("date_future")
    if day < started_on:
        raise Invalid("date_before_match")


def in_edit_window(day: date, today: date) -> bool:
    """A mentor may correct a meeting of the last `EDIT_WINDOW_DAYS` days (today included)."""
    return today - timedelta(days=EDIT_WINDOW_DAYS) < day <= today


def check_activities(codes: Sequence[str]) -> list[str]:
    """Known activity codes, in the canonical order, without repeats; at least one."""
    chosen = [code for code in ACTIVITIES if code in set(codes)]
    if not chosen or len(codes) != len(chosen):
        raise Invalid("activities")
    return chosen


def check_mood(mood: int) -> None:
    if mood not in MOODS:
        raise Invalid("mood")


NOTES_MAX = 2000  # UTF-16 units


def check_notes(notes: str | None) -> str | None:
    text = (notes or "").strip()
    return texts.check(text, NOTES_MAX, "notes_too_long") or None


@dataclass(frozen=True)
class Entry:
    """A meeting as the mentor describes it, before it is stored."""

    match_id: int
    occurred_on: date
    duration_minutes: int
    activities: tuple[str, ...]
    mood: int
    notes: str | None = None


def validate(entry: Entry, today: date, started_on: date) -> Entry:
    """The whole entry checked; returns it normalised (activities ordered, notes trimmed)."""
    check_day(entry.occurred_on, today, started_on)
    check_duration(entry.duration_minutes)
    check_mood(entry.mood)
    return Entry(
        match_id=entry.match_id,
        occurred_on=entry.occurred_on,
        duration_minutes=entry.duration_minutes,
        activities=tuple(check_activities(entry.activities)),
        mood=entry.mood,
        notes=check_notes(entry.notes),
    )


# --- the values returned -------------------------------------------------------------------


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str
    started_on: date


@dataclass(frozen=True)
class MeetingView:
    id: int
    match_id: int
    family_name: str
    occurred_on: date
    duration_minutes: int
    activities: tuple[str, ...]
    mood: int | None
    notes: str | None

    def entry(self) -> Entry:
        return Entry(
            self.match_id,
            self.occurred_on,
            self.duration_minutes,
            self.activities,
            self.mood or 3,
            self.notes,
        )


@dataclass(frozen=True)
class Seen:
    """One recent meeting of a match, by anyone in it."""

    mentor_id: int
    mentor_name: str
    occurred_on: date
    duration_minutes: int


@dataclass(frozen=True)
class MatchOverview:
    id: int
    family_name: str
    started_on: date
    worker_name: str
    co_mentors: tuple[str, ...]
    latest: tuple[Seen, ...]
