"""The period an export covers, and how days and times are written (ISO 8601, times in UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.errors import Invalid

MAX_DAYS = 3 * 366  # the longest period one export covers


@dataclass(frozen=True)
class Period:
    """Days `first`..`last` (both included) in the organisation's timezone, and the UTC
    instants they span: `start` <= t < `end`."""

    first: date
    last: date
    start: datetime
    end: datetime

    @classmethod
    def of(cls, first: date, last: date, timezone: str) -> Period:
        if last < first:
            raise Invalid("period", f"the period ends ({last}) before it starts ({first})")
        if (last - first).days >= MAX_DAYS:
            raise Invalid("period", f"a period is at most {MAX_DAYS} days")
        zone = ZoneInfo(timezone)

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(0), zone).astimezone(UTC)

        return cls(first, last, midnight(first), midnight(last + timedelta(days=1)))


def iso_time(value: datetime | None) -> str | None:
    """A UTC time as ISO 8601 (`2026-03-02T09:00:00Z`)."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
