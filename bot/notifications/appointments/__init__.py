"""What people are shown of appointments: the labels (`texts`), the mentee's card and the
mentors' notices (`cards`), and the callback data of every appointment button (`callbacks`)."""

from __future__ import annotations

from bot.notifications.appointments.cards import (
    answer_buttons,
    answer_notice,
    cancelled_notice,
    co_mentor_notice,
    mentee_card,
    mentor_line,
    no_answer_notice,
    who,
    who_is_told,
)
from bot.notifications.appointments.texts import (
    ANSWER_LABELS,
    ANSWER_STATES,
    HEADINGS,
    UNREACHABLE_STATE,
)
from bot.services.appointments.views import AppointmentView, Attendee

__all__ = [
    "ANSWER_LABELS",
    "ANSWER_STATES",
    "HEADINGS",
    "UNREACHABLE_STATE",
    "AppointmentView",
    "Attendee",
    "answer_buttons",
    "answer_notice",
    "cancelled_notice",
    "co_mentor_notice",
    "mentee_card",
    "mentor_line",
    "no_answer_notice",
    "who",
    "who_is_told",
]
