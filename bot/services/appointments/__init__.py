"""Appointments: planned meetings of a match. A mentor (or the match's staff) plans, moves or
cancels one; the family's members who use the bot are told (with a calendar file) and
reminded; they answer with one tap and the mentors are told at once.

Times are entered in the planner's timezone and stored in UTC.

The package, from the bottom up: `views` (what cards are drawn from), `rules` (reading what
people type, limits, result values), `queries` (reads, authorisation, the views cards show),
`reminders` (the quiet-hours rule, the reminders written and withdrawn, and the scheduler's
due job), `notices` (who of the family and the other mentors is told) and `actions` (plan,
move, cancel, answer). They record what happened as domain events (`AppointmentPlanned`,
`AppointmentMoved`, `AppointmentCancelled`, `AppointmentAnswered`, `RemindersDue`); what
people read, the handlers that queue it, and the callback data of the buttons are in
`bot.notifications.appointments`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.appointments import reminders
from bot.services.appointments.actions import answer, cancel, create, move
from bot.services.appointments.notices import calendar_file
from bot.services.appointments.queries import (
    get_for_family,
    get_for_manager,
    last_place,
    matches_of,
    upcoming_for_manager,
    upcoming_for_mentee,
    view_of,
)
from bot.services.appointments.rules import (
    AUDIT_ACTIONS,
    DEFAULT_DURATION,
    HORIZON_DAYS,
    NOTE_MAX,
    PLACE_MAX,
    Answered,
    MatchChoice,
    at_local,
    check_start,
    clean_note,
    clean_place,
    local_now,
    parse_day,
    parse_time,
)
from bot.services.appointments.views import AppointmentView, Attendee

__all__ = [
    "AUDIT_ACTIONS",
    "DEFAULT_DURATION",
    "HORIZON_DAYS",
    "NOTE_MAX",
    "PLACE_MAX",
    "Answered",
    "AppointmentView",
    "Attendee",
    "MatchChoice",
    "answer",
    "at_local",
    "calendar_file",
    "cancel",
    "check_start",
    "clean_note",
    "clean_place",
    "create",
    "get_for_family",
    "get_for_manager",
    "last_place",
    "local_now",
    "matches_of",
    "move",
    "parse_day",
    "parse_time",
    "reminders",
    "upcoming_for_manager",
    "upcoming_for_mentee",
    "view_of",
]
