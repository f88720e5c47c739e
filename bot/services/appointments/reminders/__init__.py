"""Reminders before an appointment, and the no-answer alert to its mentors: written when an
appointment is planned or moved, withdrawn when it moves or is cancelled.

They live in the database (`Reminder` rows). The scheduler's due job (`jobs.send_batch`)
records the rows that are due as one `RemindersDue` event per batch, rendered and queued in
the outbox by `bot.notifications.appointments.reminders` in the same transaction that marks
them done, so a crash or a restart loses none and sends none twice.

Quiet hours are per person, in that person's timezone (`quiet_hours`): a reminder that would
fall inside them is moved to the end of the quiet window (the next morning) if that is still
before the appointment, and dropped otherwise (it would come after the meeting): never sent
inside the window. The same rule applies again when a reminder is sent late (after downtime).

Short notice: a reminder whose time has already passed when the appointment is planned is not
written (the card of the new appointment is the reminder). The card itself keeps to quiet hours:
planned in the night, it comes at the end of the window, and a reminder that would come with it
is not written; when the window lasts until after the meeting the card is not sent and the
mentor is told to tell that member themselves. The no-answer alert to the mentors
is written only when the family has had at least `ANSWER_TIME` (2 hours) outside their quiet
hours between the last reminder (or the card) and the alert; otherwise it is dropped, so
mentors are never told to phone a family that was reminded a moment ago. The organisation's
settings are checked against this rule (`admin.check_alert_timing`).
"""

from __future__ import annotations

from bot.services.appointments.reminders.batch import Batch, batch_of
from bot.services.appointments.reminders.jobs import send_batch, send_due
from bot.services.appointments.reminders.quiet_hours import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    after_quiet_hours,
    awake_between,
    out_of_quiet_hours,
    parse_hhmm,
    quiet_window,
)
from bot.services.appointments.reminders.writing import (
    ANSWER_TIME,
    ANSWERED,
    BATCH,
    CANCELLED,
    DEFAULT_CONFIRM_BY,
    DEFAULT_OFFSETS,
    MAX_PER_TICK,
    MOVED,
    NO_TIME,
    PASSED,
    QUIET,
    SUPERSEDED,
    UNREACHABLE,
    recipients,
    recipients_of_family,
    schedule,
    withdraw,
)

__all__ = [
    "ANSWERED",
    "ANSWER_TIME",
    "BATCH",
    "CANCELLED",
    "DEFAULT_CONFIRM_BY",
    "DEFAULT_OFFSETS",
    "DEFAULT_QUIET_END",
    "DEFAULT_QUIET_START",
    "MAX_PER_TICK",
    "MOVED",
    "NO_TIME",
    "PASSED",
    "QUIET",
    "SUPERSEDED",
    "UNREACHABLE",
    "Batch",
    "after_quiet_hours",
    "awake_between",
    "batch_of",
    "out_of_quiet_hours",
    "parse_hhmm",
    "quiet_window",
    "recipients",
    "recipients_of_family",
    "schedule",
    "send_batch",
    "send_due",
    "withdraw",
]
