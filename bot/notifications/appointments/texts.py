"""The labels and headings of appointments (`N_`, translated when rendered)."""

from __future__ import annotations

from bot.i18n import N_
from domain import Answer

ANSWER_LABELS: dict[Answer, str] = {
    Answer.COMING: N_("I'll be there"),
    Answer.CANNOT: N_("I can't come"),
    Answer.RESCHEDULE: N_("I'd like another time"),
}

# The state of one person's answer, as a mentor reads it.
ANSWER_STATES: dict[Answer | None, str] = {
    Answer.COMING: N_("will be there"),
    Answer.CANNOT: N_("cannot come"),
    Answer.RESCHEDULE: N_("would like another time"),
    None: N_("no answer yet"),
}
UNREACHABLE_STATE = N_("cannot be reached through the bot; please phone them")

HEADINGS = {
    "planned": N_("New meeting with %(who)s."),
    "moved": N_("Your meeting with %(who)s has a new time."),
    "reminder": N_("Reminder: your meeting with %(who)s."),
    "next": N_("Meeting with %(who)s."),
}
