"""The one clock: UTC-aware `now()`, settable in tests and movable in the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


class DemoClock:
    """The demo's clock: it starts at a chosen base time (not the machine's), runs at the pace
    of a wall clock from there, and can be moved ahead (the demo's "skip ahead"). Nothing the
    demo shows then depends on the hour at which someone starts it."""

    def __init__(self, base: datetime, wall: Clock | None = None) -> None:
        self._wall = wall or SystemClock()
        self.offset = timedelta(0)
        self.restart(base)

    def restart(self, base: datetime) -> None:
        """Back to `base`, no skips."""
        if base.tzinfo is None:
            raise ValueError("base must be timezone-aware")
        self.base = base.astimezone(UTC)
        self.offset = timedelta(0)
        self._started = self._wall.now()

    def now(self) -> datetime:
        return self.base + (self._wall.now() - self._started) + self.offset

    def advance(self, delta: timedelta) -> datetime:
        self.offset += delta
        return self.now()
