"""The quiet-hours rule: a person's quiet hours, in their own timezone, and when a message or
a reminder may reach them. Never inside the window: held until its end (the next morning) when
that is still before the meeting it is about, dropped otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)


def parse_hhmm(value: str | None, default: time) -> time:
    """ "21:00" -> time(21, 0); anything unreadable gives the default."""
    try:
        hours, minutes = (value or "").split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return default


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def quiet_window(
    moment: datetime, tz: str, start: time, end: time
) -> tuple[datetime, datetime] | None:
    """The quiet window (start, end), in UTC, that contains `moment`, or None when `moment`
    is outside quiet hours. Windows may cross midnight (21:00-08:00); start == end means no
    quiet hours. The window's start is inside it, its end is not."""
    if start == end:
        return None
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    clock, today = local.time().replace(tzinfo=None), local.date()
    if start < end:  # within one day, e.g. 13:00-15:00
        if start <= clock < end:
            return _at(today, start, zone), _at(today, end, zone)
        return None
    if clock >= start:  # evening part of a window that ends tomorrow morning
        return _at(today, start, zone), _at(today + timedelta(days=1), end, zone)
    if clock < end:  # morning part of a window that started yesterday evening
        return _at(today - timedelta(days=1), start, zone), _at(today, end, zone)
    return None


def after_quiet_hours(
    now: datetime,
    tz: str,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
    before: datetime | None = None,
) -> datetime | None:
    """When to send a non-urgent message (a relay, a notice about a meeting) written at
    `now`: at once outside the person's quiet hours, else at the end of the quiet window (the
    next morning); None (drop it) when that would not be before `before` (the meeting it is
    about). Never inside the window."""
    window = quiet_window(
        now,
        tz,
        parse_hhmm(quiet_start, DEFAULT_QUIET_START),
        parse_hhmm(quiet_end, DEFAULT_QUIET_END),
    )
    if window is None:
        return now
    end = window[1]
    if before is not None and end >= before:
        return None
    return end


def out_of_quiet_hours(
    due: datetime,
    appointment_at: datetime,
    tz: str,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> datetime | None:
    """When to send a reminder nominally due at `due`: unchanged outside the person's quiet
    hours; inside them, at the end of the window (the next morning) if that is still before
    the appointment; None (drop it) otherwise: never inside the window."""
    window = quiet_window(
        due,
        tz,
        parse_hhmm(quiet_start, DEFAULT_QUIET_START),
        parse_hhmm(quiet_end, DEFAULT_QUIET_END),
    )
    if window is None:
        return due
    _start, end = window
    return end if end < appointment_at else None


def awake_between(
    start: datetime,
    end: datetime,
    tz: str,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> timedelta:
    """How much of [start, end) lies outside the person's quiet hours."""
    qs = parse_hhmm(quiet_start, DEFAULT_QUIET_START)
    qe = parse_hhmm(quiet_end, DEFAULT_QUIET_END)
    awake = timedelta(0)
    moment = start
    zone = ZoneInfo(tz)
    while moment < end:
        window = quiet_window(moment, tz, qs, qe)
        if window is not None:
            moment = window[1]
            continue
        if qs == qe:
            return awake + (end - moment)
        local = moment.astimezone(zone)
        next_quiet = _at(local.date(), qs, zone)
        if next_quiet <= moment:
            next_quiet = _at(local.date() + timedelta(days=1), qs, zone)
        step_end = min(next_quiet, end)
        awake += step_end - moment
        moment = step_end
    return awake
