"""The callback data of the buttons of profiles, requests and offers, in one place. The
strings never change, so that buttons already in people's chats keep working:

- `pf:<field>[:<value>]` a mentor's `/profile` (`profile_presses`);
- `rq:…` a worker's `/request` and the coordinators' queue: `rq:o:<request>` open a request,
  `rq:a:<request>:<mentor>` ask a mentor; while a worker writes a request, `rq:n:<topic>` a
  need switched, `rq:nd` the needs done, `rq:u:<urgency>` how urgent, `rq:ns` no note;
- `of:y:<offer>` / `of:n:<offer>` / `of:r:<offer>:<reason>` a mentor's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses
from storage.match_life import DeclineReason, Topic, Urgency

PROFILE_PREFIX = "pf"
REQUEST_PREFIX = "rq"
OFFER_PREFIX = "of"


@dataclass(frozen=True)
class OfferYes(presses.Press):
    PREFIX = OFFER_PREFIX
    ACTION = "y"
    offer_id: int


@dataclass(frozen=True)
class OfferNo(presses.Press):
    PREFIX = OFFER_PREFIX
    ACTION = "n"
    offer_id: int


@dataclass(frozen=True)
class OfferReason(presses.Press):
    PREFIX = OFFER_PREFIX
    ACTION = "r"
    offer_id: int
    reason: DeclineReason


@dataclass(frozen=True)
class RequestOpen(presses.Press):
    PREFIX = REQUEST_PREFIX
    ACTION = "o"
    request_id: int


@dataclass(frozen=True)
class RequestAsk(presses.Press):
    PREFIX = REQUEST_PREFIX
    ACTION = "a"
    request_id: int
    mentor_id: int


@dataclass(frozen=True)
class RequestNeed(presses.Press):
    PREFIX = REQUEST_PREFIX
    ACTION = "n"
    topic: Topic


@dataclass(frozen=True)
class RequestNeedsDone(presses.Press):
    PREFIX = REQUEST_PREFIX
    ACTION = "nd"


@dataclass(frozen=True)
class RequestUrgency(presses.Press):
    PREFIX = REQUEST_PREFIX
    ACTION = "u"
    urgency: Urgency


@dataclass(frozen=True)
class RequestNoNote(presses.Press):
    PREFIX = REQUEST_PREFIX
    ACTION = "ns"


OFFER_PRESSES: tuple[type[presses.Press], ...] = (OfferYes, OfferNo, OfferReason)
REQUEST_PRESSES: tuple[type[presses.Press], ...] = (
    RequestOpen,
    RequestAsk,
    RequestNeed,
    RequestNeedsDone,
    RequestUrgency,
    RequestNoNote,
)
# The presses of a worker writing a request (the others are the queue's).
WRITING_PRESSES = (RequestNeed, RequestNeedsDone, RequestUrgency, RequestNoNote)


def parse_offer(args: Sequence[str]) -> presses.Press:
    """An `of` press from the parts after the prefix (`["y", "7"]` for `"of:y:7"`)."""
    return presses.parse(OFFER_PRESSES, args)


def parse_request(args: Sequence[str]) -> presses.Press:
    """An `rq` press from the parts after the prefix (`["o", "9"]` for `"rq:o:9"`)."""
    return presses.parse(REQUEST_PRESSES, args)


def offer_yes(offer_id: int) -> str:
    return OfferYes(offer_id).pack()


def offer_no(offer_id: int) -> str:
    return OfferNo(offer_id).pack()


def offer_reason(offer_id: int, reason: DeclineReason) -> str:
    return OfferReason(offer_id, reason).pack()


def request_open(request_id: int) -> str:
    return RequestOpen(request_id).pack()


def request_ask(request_id: int, mentor_id: int) -> str:
    return RequestAsk(request_id, mentor_id).pack()
