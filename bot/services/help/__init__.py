"""Help requests: a mentor (or a mentee) asks the programme's staff something, and the thread
goes back and forth through the bot until either side closes it.

The request reaches the match's referring worker. Any message in the thread is kept in its
author's words and language and shown to the reader with that language named; nothing is
machine-translated. Staff who may answer: the assigned worker, plus coordinators and admins of
the same organisation. If no staff answer before `answer_due_at` (the organisation's
`help_target_hours`), the coordinators are told, once.

The package: `rules` (who may write, what a message may be), `queries`, `actions` (ask,
reply, close), `jobs` (the overdue notice), `values` (what they return). Texts, cards and
callback data are in `bot.notifications.help` and `bot.notifications.help_callbacks`; they
are re-exported here for the callers that name them through this package.
"""

from bot.notifications.help import (
    ASK_LABELS,
    CARD_MAX,
    KIND_LABELS,
    NEED_HELP_LABEL,
    PRESETS,
    WHOLE_TEXT,
    language_label,
)
from bot.notifications.help_callbacks import (
    NEED_HELP_DATA,
    PREFIX,
    close_data,
    reply_data,
    whole_data,
)
from bot.services.help.actions import ask, close, reply
from bot.services.help.jobs import notify_overdue
from bot.services.help.queries import (
    mentee_match,
    mentor_match,
    mentor_matches,
    open_requests,
    open_requests_for,
    thread,
    whole_text,
)
from bot.services.help.rules import MAX_TEXT, MENTOR_KINDS, REF, clean_text, may_write
from bot.services.help.values import Closed, MatchChoice, OpenHelp, Sent, Thread

__all__ = [
    "ASK_LABELS",
    "CARD_MAX",
    "KIND_LABELS",
    "MAX_TEXT",
    "MENTOR_KINDS",
    "NEED_HELP_DATA",
    "NEED_HELP_LABEL",
    "PREFIX",
    "PRESETS",
    "REF",
    "WHOLE_TEXT",
    "Closed",
    "MatchChoice",
    "OpenHelp",
    "Sent",
    "Thread",
    "ask",
    "clean_text",
    "close",
    "close_data",
    "language_label",
    "may_write",
    "mentee_match",
    "mentor_match",
    "mentor_matches",
    "notify_overdue",
    "open_requests",
    "open_requests_for",
    "reply",
    "reply_data",
    "thread",
    "whole_data",
    "whole_text",
]
