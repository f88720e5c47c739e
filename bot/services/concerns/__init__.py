"""Concerns: a worry about a mentee that must reach the referring worker and be acknowledged by
a person. Raising, the staff's card (acknowledge, resolve, reply, reassign), the escalation of
what nobody acknowledged in time, and the staff's list of what is pending.

Every transition is a `ConcernEvent` and an audit event; a concern is never deleted. What
anyone other than the person acting must hear of it is a domain event (`domain.events`,
recorded with `bot.services.events`); the notifications layer renders the cards and notices
in each reader's language and timezone (`bot.notifications.concerns.outgoing`).

The package, from the bottom up: `rules` (limits, result values, who can be reached),
`queries` (reads and authorisation), `history` (its history, and who is owed a card),
`cards` (the card the actor is shown), `raising`, `actions` (the staff's buttons) and `jobs`
(the scheduler's escalation). Callers use the names below; the labels, cards and callback
data are in `bot.notifications.concerns`.
"""

from __future__ import annotations

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
from bot.services.concerns.cards import Acted, load_facts, view_card, whole_text
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
    "DESCRIPTION_MAX",
    "NOTE_MAX",
    "REF",
    "REPLY_MAX",
    "Acted",
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
    "load_facts",
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
