"""Concerns: raised, acknowledged, answered, passed on and escalated."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event


@dataclass(frozen=True)
class ConcernRaised(Event):
    """A concern was raised; `notified` get its card (none when nobody could be reached: then
    `ConcernUnacknowledged` follows)."""

    concern_id: int
    notified: tuple[int, ...]


@dataclass(frozen=True)
class ConcernAcknowledged(Event):
    """Acknowledged with its card's button. `shown_message_id`: the card the actor pressed,
    which their own reply replaces."""

    concern_id: int
    actor_id: int
    shown_message_id: int | None = None


@dataclass(frozen=True)
class ConcernResolved(Event):
    concern_id: int
    actor_id: int


@dataclass(frozen=True)
class ConcernReplied(Event):
    """The staff answered the reporter; the words are in the history row `reply_event_id`.
    `acknowledged`: the answer also acknowledged the concern."""

    concern_id: int
    actor_id: int
    reply_event_id: int
    acknowledged: bool


@dataclass(frozen=True)
class ConcernReassigned(Event):
    concern_id: int
    actor_id: int
    worker_id: int
    shown_message_id: int | None = None


@dataclass(frozen=True)
class ConcernEscalated(Event):
    """Its level's deadline passed (`reason` "timeout") or the level could not be reached
    ("unreachable"): `notified` (the next level) get the card; on a timeout, `missed` (the
    level that let it pass) get a fresh one."""

    concern_id: int
    from_level: int
    to_level: int
    reason: str
    notified: tuple[int, ...]
    missed: tuple[int, ...] = ()


@dataclass(frozen=True)
class ConcernUnacknowledged(Event):
    """Every level was tried and nobody acknowledged it (the deadline was missed, or nobody
    could be reached): `notified`, everyone on its staff, get the card again."""

    concern_id: int
    reason: str
    notified: tuple[int, ...]
    tell_reporter: bool = True


__all__ = [
    "ConcernAcknowledged",
    "ConcernEscalated",
    "ConcernRaised",
    "ConcernReassigned",
    "ConcernReplied",
    "ConcernResolved",
    "ConcernUnacknowledged",
]
