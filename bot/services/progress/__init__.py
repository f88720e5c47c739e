"""Progress reports: a mentor's structured account of how a match is going, by domain, sent
to the referring worker in the worker's own language; and the programme's cadence of asking
for them (one report per match per period; one reminder when a request is ignored).

The package, from the bottom up: `rules` (the domains and the scale with their labels, a
whole report, the cadence, quiet hours), `queries` (what is pending), `actions` (sending a
report) and `jobs` (the scheduler's requests and reminders). What happened is recorded as
domain events (`ReportSubmitted`, `ReportsRequested`); what people read of it, and the callback
data of the /report buttons, are in `bot.notifications.progress`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.progress.actions import submit
from bot.services.progress.jobs import ask_for_reports, remind_batch, request_batch
from bot.services.progress.queries import done_by_teammate, pending_for
from bot.services.progress.rules import (
    COMMENT_MAX,
    DOMAINS,
    RATING_LABELS,
    RATINGS,
    RELATIONSHIP_LABELS,
    REMIND_AFTER,
    DoneByTeammate,
    ReportEntry,
    outside_quiet_hours,
    period_due,
    validate,
)

__all__ = [
    "COMMENT_MAX",
    "DOMAINS",
    "RATINGS",
    "RATING_LABELS",
    "RELATIONSHIP_LABELS",
    "REMIND_AFTER",
    "DoneByTeammate",
    "ReportEntry",
    "ask_for_reports",
    "done_by_teammate",
    "outside_quiet_hours",
    "pending_for",
    "period_due",
    "remind_batch",
    "request_batch",
    "submit",
    "validate",
]
