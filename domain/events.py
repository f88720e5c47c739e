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


# --- requests for mentors and offers ---------------------------------------------------------


@dataclass(frozen=True)
class MentorsRequested(Event):
    """A worker asked for mentors for a family; `coordinators` are told, with the request's
    button."""

    request_id: int
    coordinators: tuple[int, ...]


@dataclass(frozen=True)
class RequestOverdue(Event):
    """An open request waited longer than its organisation's limit; `coordinators` are told,
    once."""

    request_id: int
    coordinators: tuple[int, ...]


@dataclass(frozen=True)
class MentorAsked(Event):
    """A coordinator asked a mentor to join a family's team: the mentor gets the offer (the
    summary stored with it) and its buttons."""

    offer_id: int
    mentor_id: int


@dataclass(frozen=True)
class OfferAnswered(Event):
    """A mentor accepted or declined (the offer row holds which, and the reason); `staff`
    (the coordinators, then the referring worker) are told."""

    offer_id: int
    staff: tuple[int, ...]


# --- the match cycle: first meeting, feedback, closure ---------------------------------------


@dataclass(frozen=True)
class FirstMeetingPlanned(Event):
    """The three-party first meeting was planned: `party` (the mentors, then the worker) get
    its time, place and calendar file and a reminder the day before; `worker_id` is asked
    for its outcome once it is over."""

    match_id: int
    appointment_id: int
    party: tuple[int, ...]
    worker_id: int | None


@dataclass(frozen=True)
class MatchStarted(Event):
    """Everyone agreed at the first meeting: the match is active; `mentors` and `mentees`
    are told."""

    match_id: int
    mentors: tuple[int, ...]
    mentees: tuple[int, ...]


@dataclass(frozen=True)
class FeedbackAsked(Event):
    """A feedback round (`round`: the exit round or an evaluation point) began; the parties
    of the rows `feedback_ids` get its first question."""

    match_id: int
    round: str
    feedback_ids: tuple[int, ...]


@dataclass(frozen=True)
class EvaluationAnswered(Event):
    """Every party asked in an evaluation round answered: the referring worker gets the
    summary card."""

    match_id: int
    round: str
    worker_id: int


@dataclass(frozen=True)
class MatchEnded(Event):
    """A match was closed: `mentees` and `mentors` get a goodbye stating the organisation's
    post-closure contact policy."""

    match_id: int
    mentees: tuple[int, ...]
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class FamilyRequeued(Event):
    """A match ended early: its family is back in the queue (`request_id`) and
    `coordinators` are told."""

    request_id: int
    match_id: int
    coordinators: tuple[int, ...]


__all__ = [
    "ConcernAcknowledged",
    "ConcernEscalated",
    "ConcernRaised",
    "ConcernReassigned",
    "ConcernReplied",
    "ConcernResolved",
    "ConcernUnacknowledged",
    "EvaluationAnswered",
    "Event",
    "FamilyRequeued",
    "FeedbackAsked",
    "FirstMeetingPlanned",
    "HelpAnswered",
    "HelpAsked",
    "HelpClosed",
    "HelpFollowedUp",
    "HelpOverdue",
    "MatchEnded",
    "MatchStarted",
    "MatchWentQuiet",
    "MentorAsked",
    "MentorsRequested",
    "OfferAnswered",
    "RequestOverdue",
]
