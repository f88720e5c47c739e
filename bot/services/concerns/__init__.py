"""Concerns: a worry about a mentee that must reach the referring worker and be acknowledged by
a person. Raising, the staff's card (acknowledge, resolve, reply, reassign), the escalation of
what nobody acknowledged in time, and the staff's list of what is pending.

Every transition is a `ConcernEvent` and an audit event; a concern is never deleted. Cards and
notices to anyone other than the person acting go through the outbox, rendered in the
recipient's language and timezone.

The package, from the bottom up: `rules` (limits, result values, who can be reached),
`queries` (reads and authorisation), `history` (events), `cards` (cards and notices queued in
the outbox, drawn by `bot.notifications.concerns`), `raising`, `actions` (the staff's buttons)
and `jobs` (the scheduler's escalation). Callers use the names below.
"""

from __future__ import annotations

from bot.notifications.concerns import (
    CATEGORY_LABELS,
    HELP_KIND_LABELS,
    PROBLEM_LABELS,
    SEVERITY_HELP,
    SEVERITY_LABELS,
    SEVERITY_MARKS,
    STATUS_LABELS,
    CardView,
)
from bot.services.concerns import cards
from bot.services.concerns.actions import (
    acknowledge,
    can_reply,
    can_resolve,
    reassign,
    reassign_options,
    reply,
    resolve,
)
from bot.services.concerns.cards import view_card, whole_text
from bot.services.concerns.jobs import escalate_batch, escalate_due, record_deliveries
from bot.services.concerns.queries import (
    check_match,
    emergency_phone,
    events_of,
    pending,
    raisable_matches,
    severity_choices,
)
from bot.services.concerns.raising import raise_concern, raise_problem
from bot.services.concerns.rules import (
    CARD,
    DESCRIPTION_MAX,
    NOTE_MAX,
    REF,
    REPLY_MAX,
    Acted,
    MatchChoice,
    Pending,
    PendingConcern,
    Raised,
    SeverityChoice,
    WorkerChoice,
    age,
    check_description,
    reachable,
)

__all__ = [
    "CARD",
    "CATEGORY_LABELS",
    "DESCRIPTION_MAX",
    "HELP_KIND_LABELS",
    "NOTE_MAX",
    "PROBLEM_LABELS",
    "REF",
    "REPLY_MAX",
    "SEVERITY_HELP",
    "SEVERITY_LABELS",
    "SEVERITY_MARKS",
    "STATUS_LABELS",
    "Acted",
    "CardView",
    "MatchChoice",
    "Pending",
    "PendingConcern",
    "Raised",
    "SeverityChoice",
    "WorkerChoice",
    "acknowledge",
    "age",
    "can_reply",
    "can_resolve",
    "cards",
    "check_description",
    "check_match",
    "emergency_phone",
    "escalate_batch",
    "escalate_due",
    "events_of",
    "pending",
    "raisable_matches",
    "raise_concern",
    "raise_problem",
    "reachable",
    "reassign",
    "reassign_options",
    "record_deliveries",
    "reply",
    "resolve",
    "severity_choices",
    "view_card",
    "whole_text",
]
