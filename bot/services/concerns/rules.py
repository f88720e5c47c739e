"""Concerns: limits, the values the service returns, and who can be reached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services import texts
from bot.services.errors import NotAllowed
from bot.services.help import OpenHelp
from storage.models import (
    ConcernCategory,
    ConcernStatus,
    Consent,
    Person,
    Severity,
)

CARD = "concern_card"


REF = "concern"


DESCRIPTION_MAX = 2000  # UTF-16 units; a card that would pass 4096 is cut, with a button


NOTE_MAX = 500


REPLY_MAX = 2000


DELIVERY_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family: str


@dataclass(frozen=True)
class SeverityChoice:
    severity: Severity
    minutes: int


@dataclass(frozen=True)
class Raised:
    concern_id: int
    severity: Severity
    status: ConcernStatus
    deadline: datetime | None
    emergency_phone: str
    office_phone: str | None
    reached: bool  # somebody on the staff will receive the card
    worker_name: str
    worker_reached: bool  # the referring worker got the card (else a later level did)
    coordinators_alerted: bool  # the coordinators got the card too


@dataclass(frozen=True)
class WorkerChoice:
    id: int
    name: str


@dataclass(frozen=True)
class PendingConcern:
    id: int
    category: ConcernCategory
    severity: Severity
    status: ConcernStatus
    family: str
    raised_at: datetime
    deadline: datetime | None


@dataclass(frozen=True)
class Pending:
    concerns: list[PendingConcern]
    help: list[OpenHelp]  # from bot.services.help


def reachable(person: Person | None) -> bool:
    """The bot can deliver to this person: active, linked, agreed, and not blocked."""
    return (
        person is not None
        and person.active
        and person.telegram_id is not None
        and person.reachable
        and person.consent == Consent.GIVEN
    )


def require_staff(actor: Person) -> None:
    if not actor.role.is_staff or not actor.active:
        raise NotAllowed("staff only")


def check_description(text: str) -> str:
    """A concern's description as typed: `TooLong` past `DESCRIPTION_MAX` UTF-16 units."""
    return texts.check(text, DESCRIPTION_MAX)


def unique(persons: Iterable[Person]) -> list[Person]:
    seen: dict[int, Person] = {}
    for p in persons:
        seen.setdefault(p.id, p)
    return list(seen.values())


def age(now: datetime, since: datetime) -> timedelta:
    return max(now - since, timedelta(0))
