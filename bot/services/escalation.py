"""The escalation policy of concerns, as pure rules: deadlines to acknowledge per severity, the
chain of levels (the referring worker, then the coordinators, then the admins), and what to do
when a deadline passes or a level has nobody reachable. No I/O: the service applies them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from domain import ConcernCategory, ConcernStatus, Severity

DEFAULT_ACK_MINUTES: dict[Severity, int] = {
    Severity.EMERGENCY: 15,
    Severity.HIGH: 240,
    Severity.MEDIUM: 1440,
    Severity.LOW: 4320,
}

SEVERITY_RANK: dict[Severity, int] = {
    Severity.EMERGENCY: 3,
    Severity.HIGH: 2,
    Severity.MEDIUM: 1,
    Severity.LOW: 0,
}


class Level(IntEnum):
    """Who must acknowledge a concern, in order."""

    WORKER = 0
    COORDINATORS = 1
    ADMINS = 2


LAST_LEVEL = Level.ADMINS


def ack_minutes(policy: Mapping[str, Any] | None, severity: Severity) -> int:
    """How long each level has to acknowledge a concern of this severity: the organisation's
    setting when it is a positive whole number of minutes, else the default."""
    value = (policy or {}).get(severity.value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return DEFAULT_ACK_MINUTES[severity]


def deadline(now: datetime, policy: Mapping[str, Any] | None, severity: Severity) -> datetime:
    return now + timedelta(minutes=ack_minutes(policy, severity))


def is_due(ack_deadline_at: datetime | None, now: datetime) -> bool:
    """A deadline has passed once `now` reaches it (acknowledging at the very instant is late)."""
    return ack_deadline_at is not None and now >= ack_deadline_at


def mentee_severity(category: ConcernCategory) -> Severity:
    """Mentees do not grade their own problems: a safety problem is high, anything else medium."""
    return Severity.HIGH if category == ConcernCategory.SAFETY else Severity.MEDIUM


def levels_notified_at_once(severity: Severity) -> tuple[Level, ...]:
    """Who receives the card as soon as a concern is raised, besides the first level."""
    return (Level.COORDINATORS,) if severity == Severity.EMERGENCY else ()


@dataclass(frozen=True)
class Step:
    """Where a concern goes next: `level`, or None when every level was tried (the concern
    becomes UNACKNOWLEDGED); `skipped` lists the levels passed over for having nobody
    reachable."""

    level: Level | None
    skipped: tuple[Level, ...] = ()

    @property
    def exhausted(self) -> bool:
        return self.level is None


def next_level(current: int, reachable: Callable[[Level], bool]) -> Step:
    """The first level after `current` with somebody reachable; levels with nobody are skipped
    at once, never waited on."""
    skipped: list[Level] = []
    for level in Level:
        if level <= current:
            continue
        if reachable(level):
            return Step(level, tuple(skipped))
        skipped.append(level)
    return Step(None, tuple(skipped))


def first_level(reachable: Callable[[Level], bool]) -> Step:
    """Where a new concern starts: the referring worker, unless nobody at that level can be
    reached."""
    return next_level(-1, reachable)


class Reason:
    TIMEOUT = "timeout"  # not acknowledged within the deadline
    UNREACHABLE = "unreachable"  # nobody at the current level can be reached any more


@dataclass(frozen=True)
class Decision:
    step: Step
    reason: str  # Reason.*


def decide(
    status: ConcernStatus,
    level: int,
    ack_deadline_at: datetime | None,
    now: datetime,
    reachable: Callable[[Level], bool],
) -> Decision | None:
    """What the scheduler must do with a concern at `now`: nothing (None), or move it on.

    Only OPEN concerns move. A concern moves when its level's deadline has passed, or as soon
    as nobody at its level can be reached any more (a worker who blocked the bot)."""
    if status != ConcernStatus.OPEN:
        return None
    if is_due(ack_deadline_at, now):
        return Decision(next_level(level, reachable), Reason.TIMEOUT)
    if not reachable(Level(level)):
        return Decision(next_level(level, reachable), Reason.UNREACHABLE)
    return None


def pending_order(
    status: ConcernStatus, severity: Severity, raised_at: datetime
) -> tuple[int, int, datetime]:
    """Sort key of the staff's list of open concerns: the ones nobody acknowledged at the top,
    then the most severe, then the oldest."""
    return (
        0 if status == ConcernStatus.UNACKNOWLEDGED else 1,
        -SEVERITY_RANK[severity],
        raised_at,
    )
