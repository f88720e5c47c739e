"""The limits of requests for mentors and the values the service returns: a row of the
queue, a request's card with its candidates and history, a mentor's view of an offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import texts
from bot.services.errors import Invalid
from bot.services.matching import Score
from storage.match_life import OfferStatus, RequestStatus, Urgency
from storage.models import MatchRequest, Organisation

NOTE_MAX = 1000


PROPOSE = 5  # mentors shown to the coordinator


OPEN_REQUESTS = (RequestStatus.WAITING, RequestStatus.MATCHING)


MAX_ID = 2**31 - 1


REF = "match_request"


@dataclass(frozen=True)
class QueueRow:
    id: int
    family_name: str
    urgency: Urgency
    status: RequestStatus
    age_days: int
    overdue: bool
    rematch: bool
    accepted: int  # mentors who said yes so far


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    name: str
    score: Score
    offer: OfferStatus | None  # already asked


@dataclass(frozen=True)
class PastMatch:
    id: int
    started_on: date
    closed_at: datetime | None
    closure_code: str | None
    mentors: int


@dataclass(frozen=True)
class RequestCard:
    id: int
    family_name: str
    worker_name: str
    needs: list[str]
    urgency: Urgency
    note: str | None
    status: RequestStatus
    age_days: int
    overdue: bool
    summary: dict[str, Any]
    candidates: list[Candidate]
    left_out: int
    history: list[PastMatch]
    rematch_policy: str | None


@dataclass(frozen=True)
class OfferView:
    id: int
    status: OfferStatus
    summary: dict[str, Any]


def age(now: datetime, created: datetime) -> int:
    return max(0, (now - created).days)


def overdue(org: Organisation, req: MatchRequest, now: datetime) -> bool:
    return req.status in OPEN_REQUESTS and now - req.created_at > timedelta(
        days=org.request_age_limit_days
    )


def today(org: Organisation, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


def check_note(note: str | None) -> str | None:
    if note is None:
        return None
    clean = texts.clean(note).strip()
    if len(clean) > NOTE_MAX:
        raise Invalid("too_long", f"the note is longer than {NOTE_MAX} characters")
    return clean or None


def check_urgency(value: str | Urgency) -> Urgency:
    try:
        return Urgency(str(value).strip().lower())
    except ValueError:
        names = ", ".join(u.value for u in Urgency)
        raise Invalid("urgency", f"unknown urgency {value!r} (one of {names})") from None
