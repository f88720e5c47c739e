"""The message bus: each domain event a transaction recorded (`bot.services.events`) goes to
its handlers, which find the readers, render what each reads in their own language and
timezone (texts, cards, buttons) and queue it in the outbox, in that same transaction.

Whoever owns the transaction calls `dispatch` once its work is done and before it commits:
`handlers.common.wrap` (one update), `bot.jobs.tick` (one job batch, in `bot.jobs.ticks`),
`bot.cli` (`Call.run_in_transaction`). Events are handled in the order they were recorded;
a handler that fails fails the transaction, so what happened and what was said of it commit
together or not at all. A transaction that would commit with events still undispatched is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.notifications import help_notices, quiet, relay
from bot.notifications.appointments import outgoing as appointment_notices
from bot.notifications.appointments import reminders as reminder_notices
from bot.notifications.concerns import outgoing as concern_notices
from bot.notifications.match_cycle import outgoing as cycle_notices
from bot.notifications.match_texts import outgoing as request_notices
from bot.notifications.progress import outgoing as progress_notices
from bot.services import events
from domain.events import (
    AppointmentAnswered,
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentPlanned,
    ConcernAcknowledged,
    ConcernEscalated,
    ConcernRaised,
    ConcernReassigned,
    ConcernReplied,
    ConcernResolved,
    ConcernUnacknowledged,
    EvaluationAnswered,
    Event,
    FamilyRequeued,
    FeedbackAsked,
    FirstMeetingPlanned,
    HelpAnswered,
    HelpAsked,
    HelpClosed,
    HelpFollowedUp,
    HelpOverdue,
    MatchEnded,
    MatchStarted,
    MatchWentQuiet,
    MentorAsked,
    MentorsRequested,
    OfferAnswered,
    RelayAnswered,
    RelayedToFamily,
    RelaySent,
    RemindersDue,
    ReportsRequested,
    ReportSubmitted,
    RequestOverdue,
)

Handler = Callable[[AsyncSession, datetime, Any], Awaitable[None]]

# What each event sends. A handler is looked up by name when the event is handled, so a test
# may replace one in its module.
HANDLERS: dict[type[Event], list[tuple[Any, str]]] = {
    ConcernRaised: [(concern_notices, "on_raised")],
    ConcernAcknowledged: [(concern_notices, "on_acknowledged")],
    ConcernResolved: [(concern_notices, "on_resolved")],
    ConcernReplied: [(concern_notices, "on_replied")],
    ConcernReassigned: [(concern_notices, "on_reassigned")],
    ConcernEscalated: [(concern_notices, "on_escalated")],
    ConcernUnacknowledged: [(concern_notices, "on_unacknowledged")],
    HelpAsked: [(help_notices, "on_asked")],
    HelpAnswered: [(help_notices, "on_answered")],
    HelpFollowedUp: [(help_notices, "on_followed_up")],
    HelpClosed: [(help_notices, "on_closed")],
    HelpOverdue: [(help_notices, "on_overdue")],
    MatchWentQuiet: [(quiet, "on_quiet")],
    AppointmentPlanned: [(appointment_notices, "on_planned")],
    AppointmentMoved: [(appointment_notices, "on_moved")],
    AppointmentCancelled: [(appointment_notices, "on_cancelled")],
    AppointmentAnswered: [(appointment_notices, "on_answered")],
    RemindersDue: [(reminder_notices, "on_reminders_due")],
    ReportsRequested: [(progress_notices, "on_requested")],
    ReportSubmitted: [(progress_notices, "on_submitted")],
    RelaySent: [(relay, "on_sent")],
    RelayAnswered: [(relay, "on_answered")],
    RelayedToFamily: [(relay, "on_to_family")],
    MentorsRequested: [(request_notices, "on_requested")],
    RequestOverdue: [(request_notices, "on_overdue")],
    MentorAsked: [(request_notices, "on_asked")],
    OfferAnswered: [(request_notices, "on_answered")],
    FirstMeetingPlanned: [(cycle_notices, "on_first_planned")],
    MatchStarted: [(cycle_notices, "on_started")],
    FeedbackAsked: [(cycle_notices, "on_feedback_asked")],
    EvaluationAnswered: [(cycle_notices, "on_evaluation_answered")],
    MatchEnded: [(cycle_notices, "on_ended")],
    FamilyRequeued: [(cycle_notices, "on_requeued")],
}


def handlers_of(event: Event) -> list[Handler]:
    found: list[Handler] = [getattr(module, name) for module, name in HANDLERS[type(event)]]
    return found


async def dispatch(session: AsyncSession) -> int:
    """Handle every event recorded in this session's transaction so far, in order (and any
    their handlers record in turn). Returns how many were handled."""
    handled = 0
    while batch := events.take(session):
        for now, event in batch:
            for handler in handlers_of(event):
                await handler(session, now, event)
            handled += 1
    return handled
