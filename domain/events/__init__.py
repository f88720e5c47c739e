"""What happened: one frozen value per domain event, ids and codes only (no text, no rows).

A service records the events of what it did in the transaction it runs in
(`bot.services.events.record`); whoever owns the transaction dispatches them before it commits
(`bot.notifications.bus.dispatch`), and the notifications layer decides who reads what, in
their language, and queues it in the outbox. The people listed in an event (`notified`,
`told`, `staff`) are those the service decided must hear of it and the bot can reach.

One module per feature; every event is importable from here.
"""

from __future__ import annotations

from domain.events.appointments import (
    AppointmentAnswered,
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentPlanned,
    RemindersDue,
)
from domain.events.base import Event
from domain.events.concerns import (
    ConcernAcknowledged,
    ConcernEscalated,
    ConcernRaised,
    ConcernReassigned,
    ConcernReplied,
    ConcernResolved,
    ConcernUnacknowledged,
)
from domain.events.help import HelpAnswered, HelpAsked, HelpClosed, HelpFollowedUp, HelpOverdue
from domain.events.match_cycle import (
    EvaluationAnswered,
    FamilyRequeued,
    FeedbackAsked,
    FirstMeetingPlanned,
    MatchEnded,
    MatchStarted,
)
from domain.events.match_requests import (
    MentorAsked,
    MentorsRequested,
    OfferAnswered,
    RequestOverdue,
)
from domain.events.progress import ReportsRequested, ReportSubmitted
from domain.events.quiet import MatchWentQuiet
from domain.events.relay import RelayAnswered, RelayedToFamily, RelaySent

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
    "RelayAnswered",
    "RelaySent",
    "RelayedToFamily",
    "RemindersDue",
    "ReportSubmitted",
    "ReportsRequested",
    "RequestOverdue",
]
