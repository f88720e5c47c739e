"""Requests for mentors and the forming of a family's team.

A referring worker asks for mentors for a family (`/request`, or `mentorbot request add`);
the request waits in the coordinators' queue with its age, and one older than the
organisation's limit (default 45 days) is flagged to them once. A coordinator opens it, sees
the best mentors with their scores and reasons (bot.services.matching) and the summary the
mentors will see, and asks one or more; each mentor accepts or declines with a reason; every
yes adds that mentor to the match, one at a time.

Authorisation lives here: a worker sees their own requests, a coordinator their
organisation's; only coordinators ask mentors; only the mentor asked answers.

The package, from the bottom up: `rules` (limits, result values), `queries` (reads and
authorisation), `cards` (a request's card), `creating` (a new request), `offers` (asking
mentors, their answers) and `jobs` (the scheduler's overdue flags). What happened is recorded
as domain events (`MentorsRequested`, `RequestOverdue`, `MentorAsked`, `OfferAnswered`); the
texts, callback data and the handlers that render and queue each reader's messages are in
`bot.notifications.match_texts`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.match_requests.cards import request_card
from bot.services.match_requests.creating import add_request, create_request
from bot.services.match_requests.jobs import flag_overdue_batch
from bot.services.match_requests.offers import answer_offer, ask_mentor
from bot.services.match_requests.queries import coordinators, offer_view, queue
from bot.services.match_requests.rules import (
    MAX_ID,
    NOTE_MAX,
    OPEN_REQUESTS,
    PROPOSE,
    REF,
    Candidate,
    OfferView,
    PastMatch,
    QueueRow,
    RequestCard,
    age,
    check_urgency,
)

__all__ = [
    "MAX_ID",
    "NOTE_MAX",
    "OPEN_REQUESTS",
    "PROPOSE",
    "REF",
    "Candidate",
    "OfferView",
    "PastMatch",
    "QueueRow",
    "RequestCard",
    "add_request",
    "age",
    "answer_offer",
    "ask_mentor",
    "check_urgency",
    "coordinators",
    "create_request",
    "flag_overdue_batch",
    "offer_view",
    "queue",
    "request_card",
]
