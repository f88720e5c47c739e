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


# --- appointments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentPlanned(Event):
    """`actor_id` planned a meeting: `family` (its members the bot can tell before it) get its
    card with the answer buttons and a calendar file, `mentors` (the match's other mentors) a
    notice. `first_meeting`: the three-party first meeting of a forming match, whose party is
    told too."""

    appointment_id: int
    actor_id: int
    family: tuple[int, ...]
    mentors: tuple[int, ...]
    first_meeting: bool = False


@dataclass(frozen=True)
class AppointmentMoved(Event):
    """`actor_id` gave a meeting a new time: `family` get the new card and calendar file,
    `mentors` (the other mentors) a notice."""

    appointment_id: int
    actor_id: int
    family: tuple[int, ...]
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class AppointmentCancelled(Event):
    """`actor_id` cancelled a meeting: `family` get the notice and a calendar file that
    cancels it, `mentors` (the other mentors) a notice."""

    appointment_id: int
    actor_id: int
    family: tuple[int, ...]
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class AppointmentAnswered(Event):
    """`person_id`, of the family, gave (or changed) their one-tap answer (`answer`, an
    `Answer` code): the match's `mentors` are told."""

    appointment_id: int
    person_id: int
    answer: str
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class RemindersDue(Event):
    """One batch of the reminders job: each of `reminders` (`Reminder` ids, in the order the
    job took them) goes out now; a reminder to its family member, a no-answer alert to the
    mentors of its match the bot can reach."""

    reminders: tuple[int, ...]


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


# --- progress reports -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportsRequested(Event):
    """The programme asked mentors for the progress report on their matches, one request each
    (`request_ids`: those to mentors the bot can reach), or reminded them, once, of requests
    left unanswered (`reminder`). Each request names the match's other active mentors, any of
    whom may send the report."""

    request_ids: tuple[int, ...]
    reminder: bool = False


@dataclass(frozen=True)
class ReportSubmitted(Event):
    """A mentor (`author_id`) sent progress report `report_id` on a match: the referring
    worker (`worker_id`; None when the bot cannot reach them) reads it, and the co-mentors'
    requests it answered for them (`teammate_requests`) say who sent it."""

    report_id: int
    match_id: int
    author_id: int
    worker_id: int | None
    teammate_requests: tuple[int, ...] = ()


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
    "AppointmentAnswered",
    "AppointmentCancelled",
    "AppointmentMoved",
    "AppointmentPlanned",
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
    "RemindersDue",
    "ReportSubmitted",
    "ReportsRequested",
]
