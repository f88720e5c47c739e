"""Help requests: a mentor (or a mentee) asks the programme's staff something, and the thread
goes back and forth through the bot until either side closes it.

The request reaches the match's referring worker. Any message in the thread is kept in its
author's words and language and shown to the reader with that language named; nothing is
machine-translated. Staff who may answer: the assigned worker, plus coordinators and admins of
the same organisation. If no staff answer before `answer_due_at` (the organisation's
`help_target_hours`), the coordinators are told, once.

The package: `rules` (who may write, what a message may be), `queries`, `actions` (ask,
reply, close), `jobs` (the overdue notice), `values` (what they return). What happened is
recorded as a domain event (`domain.events`); texts, cards and callback data are the
notifications layer's (`bot.notifications.help`, `bot.notifications.help_callbacks`,
`bot.notifications.help_notices`).
"""

from bot.services.help.actions import ask, close, reply
from bot.services.help.jobs import notify_overdue
from bot.services.help.queries import (
    family_name,
    mentee_match,
    mentor_match,
    mentor_matches,
    open_requests,
    open_requests_for,
    thread,
    whole_text,
)
from bot.services.help.rules import MAX_TEXT, MENTOR_KINDS, PRESETS, REF, clean_text, may_write
from bot.services.help.values import Closed, MatchChoice, OpenHelp, Sent, Thread

__all__ = [
    "MAX_TEXT",
    "MENTOR_KINDS",
    "PRESETS",
    "REF",
    "Closed",
    "MatchChoice",
    "OpenHelp",
    "Sent",
    "Thread",
    "ask",
    "clean_text",
    "close",
    "family_name",
    "may_write",
    "mentee_match",
    "mentor_match",
    "mentor_matches",
    "notify_overdue",
    "open_requests",
    "open_requests_for",
    "reply",
    "thread",
    "whole_text",
]
