"""What happened: one frozen value per domain event, ids and codes only (no text, no rows).

A service records the events of what it did in the transaction it runs in
(`bot.services.events.record`); whoever owns the transaction dispatches them before it commits
(`bot.notifications.bus.dispatch`), and the notifications layer decides who reads what, in
their language, and queues it in the outbox. The people listed in an event (`notified`,
`told`, `staff`) are those the service decided must hear of it and the bot can reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


# --- concerns ---------------------------------------------------------------------------------


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


# --- help requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpAsked(Event):
    """A help request with its first message; `staff` get its card."""

    request_id: int
    message_id: int
    staff: tuple[int, ...]
    preset: str | None = None


@dataclass(frozen=True)
class HelpAnswered(Event):
    """The staff wrote in a thread: the requester (`requester_told`) and the other `staff`
    read it."""

    request_id: int
    message_id: int
    author_id: int
    requester_told: bool
    staff: tuple[int, ...]


@dataclass(frozen=True)
class HelpFollowedUp(Event):
    """The requester wrote again in their thread; `staff` read it."""

    request_id: int
    message_id: int
    author_id: int
    staff: tuple[int, ...]


@dataclass(frozen=True)
class HelpClosed(Event):
    request_id: int
    closer_id: int
    told: tuple[int, ...]


@dataclass(frozen=True)
class HelpOverdue(Event):
    """Nobody on the staff answered in time; `coordinators` are told, once."""

    request_id: int
    message_id: int  # the request's first message
    coordinators: tuple[int, ...]


# --- matches --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchWentQuiet(Event):
    """No meeting logged for `days` days since `since` (the quiet spell's first day): the
    alert of `level` (0 the mentors, 1 the referring worker, 2 the coordinators) goes to
    `told`, once per spell."""

    match_id: int
    level: int
    days: int
    since: date
    told: tuple[int, ...]


# --- relayed messages -----------------------------------------------------------------------


@dataclass(frozen=True)
class RelaySent(Event):
    """A mentee's offered message (`relay_id`) was passed on to its audience, the mentors or
    the office (`Relay.audience`): `addressed` everyone it was sent to (a header names the
    others), `told` those of them the bot can reach, who get a header line and the copy with
    a Reply button, after their quiet hours."""

    relay_id: int
    addressed: tuple[int, ...]
    told: tuple[int, ...]


@dataclass(frozen=True)
class RelayAnswered(Event):
    """A mentor's (or the worker's) answer (`relay_id`, the answer's own relay row) to a
    relayed message: the mentee who wrote gets it (`mentee_told`), the `mentors` who also
    had the message hear that it was answered."""

    relay_id: int
    mentee_told: bool
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class RelayedToFamily(Event):
    """A mentor wrote to the family of `match_id`: the ready-made phrase numbered `phrase`,
    or their own message (`relay_id`); `told`, the members the bot can reach, get it after
    their quiet hours."""

    match_id: int
    mentor_id: int
    told: tuple[int, ...]
    relay_id: int | None = None
    phrase: int | None = None


__all__ = [
    "ConcernAcknowledged",
    "ConcernEscalated",
    "ConcernRaised",
    "ConcernReassigned",
    "ConcernReplied",
    "ConcernResolved",
    "ConcernUnacknowledged",
    "Event",
    "HelpAnswered",
    "HelpAsked",
    "HelpClosed",
    "HelpFollowedUp",
    "HelpOverdue",
    "MatchWentQuiet",
    "RelayAnswered",
    "RelaySent",
    "RelayedToFamily",
]
