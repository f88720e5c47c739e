"""The rules of appointments, pure functions: reading what people type (a day, a time, a
place, a note) in the planner's timezone, the limits, and the values the service returns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services import texts
from bot.services.appointments.views import AppointmentView
from bot.services.dates import read_day, word_languages
from bot.services.errors import Invalid
from domain import Answer

PLACE_MAX = 300  # UTF-16 units, as Telegram counts them
NOTE_MAX = 1000
HORIZON_DAYS = 366
DEFAULT_DURATION = 60


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str


# Reading what people type -----------------------------------------------------------------------


def local_now(now: datetime, tz: str) -> datetime:
    return now.astimezone(ZoneInfo(tz))


def at_local(day: date, moment: time, tz: str) -> datetime:
    """A wall-clock date and time in `tz`, as an aware UTC datetime."""
    return datetime.combine(day, moment, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def parse_day(text: str, locale: str, tz: str, now: datetime) -> date:
    """A date typed in the person's language ("jueves", "5 de marzo", "tomorrow", "12/3",
    "05.04"). Raises Invalid("date_unreadable" | "date_past" | "date_too_far")."""
    today = local_now(now, tz).replace(tzinfo=None)
    parsed = read_day(text, locale, today, "future")
    if parsed is None:
        raise Invalid("date_unreadable")
    day = parsed
    if day < today.date():
        raise Invalid("date_past")
    if day > today.date() + timedelta(days=HORIZON_DAYS):
        raise Invalid("date_too_far")
    return day


_HOURS_H = re.compile(r"^\s*(\d{1,2})\s*(?:h\s*(\d{2})?)?\s*$", re.IGNORECASE)


def parse_time(text: str, locale: str) -> time:
    """A time typed in the person's way ("17:30", "5pm", "17.30", "17h", "17h30", "17").
    Raises Invalid("time_unreadable")."""
    cleaned = _HOURS_H.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text.strip())
    base = datetime(2000, 1, 3, 0, 0)
    import dateparser  # its language data: imported when a time is first typed

    parsed = dateparser.parse(
        cleaned,
        languages=word_languages(locale),
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "current_period"},
    )
    # A time alone keeps the base day; "tomorrow" or "the 5th" do not; "today" has no time.
    if parsed is None or parsed.date() != base.date() or parsed == base:
        raise Invalid("time_unreadable")
    return parsed.time().replace(second=0, microsecond=0)


def check_start(starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise Invalid("time_past")
    if starts_at > now + timedelta(days=HORIZON_DAYS):
        raise Invalid("date_too_far")


def clean_place(place: str) -> str:
    place = " ".join(place.split())
    if not place:
        raise Invalid("place_empty")
    return texts.check(place, PLACE_MAX, "place_too_long")


def clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    return texts.check(note, NOTE_MAX, "note_too_long") or None


AUDIT_ACTIONS = {
    "planned": "appointment.created",
    "moved": "appointment.moved",
    "cancelled": "appointment.cancelled",
}


@dataclass(frozen=True)
class Answered:
    view: AppointmentView
    answer: Answer
    changed: bool  # False when the same answer was given again
