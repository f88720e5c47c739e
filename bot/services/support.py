"""The mentor support signal: which mentors may need the coordinators' support, because
volunteers who feel unsupported leave.

Per active mentor of the organisation, over the last `WINDOW_DAYS` (90) days:

- `help`: help requests they opened;
- `wait_hours`: the mean time they waited for a first answer from staff (a request still
  unanswered counts until now), in whole hours;
- `concerns`: concerns they raised;
- `quiet`: their open matches with no logged meeting for the organisation's first quiet
  threshold (14 days by default).

A mentor is flagged when any figure reaches the organisation's threshold
(`Organisation.support_thresholds`, set with `mentorbot org set --support-thresholds`; the keys
not set there take `DEFAULTS`): 3 help requests, a mean wait of 48 hours, 2 concerns, 2 quiet
matches. The suggestion follows the reason: a supervision call when the mentor asked for help
often, waited long or raised concerns; a group session with other mentors when their matches
have gone quiet. Flagged mentors come first by how many thresholds they reach, then by help
requests.

Every figure is a grouped SQL aggregate over the organisation (one row per mentor with
something to count); no match is loaded to be counted. Coordinators only.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import activity
from bot.services.caseload import custom_plans
from bot.services.errors import Invalid, NotAllowed
from domain.values import Actor
from storage.models import (
    Concern,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
)

WINDOW_DAYS = 90
DEFAULTS: dict[str, int] = {"help": 3, "wait_hours": 48, "concerns": 2, "quiet": 2}
LIMITS: dict[str, tuple[int, int]] = {
    "help": (1, 100),
    "wait_hours": (1, 24 * 30),
    "concerns": (1, 100),
    "quiet": (1, 100),
}


class Suggestion(enum.StrEnum):
    CALL = "call"  # a supervision call
    GROUP = "group"  # a group session with other mentors


@dataclass(frozen=True)
class MentorSignal:
    mentor_id: int
    name: str
    help: int
    wait_hours: int | None  # None: no help request in the window
    concerns: int
    quiet: int
    over: frozenset[str]  # the thresholds reached
    suggestion: Suggestion


@dataclass(frozen=True)
class Signals:
    thresholds: dict[str, int]
    mentors: list[MentorSignal]


def thresholds(org: Organisation) -> dict[str, int]:
    stored = org.support_thresholds or {}
    return {key: int(stored.get(key, default)) for key, default in DEFAULTS.items()}


def check_thresholds(value: str | Mapping[str, Any]) -> dict[str, int]:
    """`help=3,wait_hours=48,concerns=2,quiet=2` (any of the keys) or a mapping."""
    items: list[tuple[str, Any]]
    if isinstance(value, str):
        items = []
        for part in value.split(","):
            key, sep, number = part.partition("=")
            if not sep:
                raise Invalid("support", f"give key=value pairs, e.g. {_example()}")
            items.append((key.strip().replace("-", "_"), number.strip()))
    else:
        items = list(value.items())
    out: dict[str, int] = {}
    for key, number in items:
        if key not in DEFAULTS:
            raise Invalid("support", f"unknown threshold {key!r} (one of {', '.join(DEFAULTS)})")
        low, high = LIMITS[key]
        try:
            whole = int(str(number))
        except ValueError:
            raise Invalid("support", f"{key} must be a whole number") from None
        if not low <= whole <= high:
            raise Invalid("support", f"{key} must be between {low} and {high}")
        out[key] = whole
    return out


def _example() -> str:
    return ",".join(f"{k}={v}" for k, v in DEFAULTS.items())


def _hours(later: Any, earlier: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def _suggest(over: frozenset[str]) -> Suggestion:
    return Suggestion.CALL if over & {"help", "wait_hours", "concerns"} else Suggestion.GROUP


async def signals(
    session: AsyncSession, staff: Actor, now: datetime, *, flagged_only: bool = True
) -> Signals:
    """The support signal of the organisation's mentors (by default, the flagged ones)."""
    if not staff.active or staff.role != Role.COORDINATOR:
        raise NotAllowed("coordinators only")
    await custom_plans(session)
    org = await session.get(Organisation, staff.organisation_id)
    assert org is not None
    limits = thresholds(org)
    since = now - timedelta(days=WINDOW_DAYS)
    dialect = session.get_bind().dialect.name
    in_org = HelpRequest.organisation_id == org.id

    first_answer = (
        select(
            HelpMessage.help_request_id.label("rid"),
            func.min(HelpMessage.created_at).label("at"),
        )
        .join(HelpRequest, HelpRequest.id == HelpMessage.help_request_id)
        .where(
            in_org,
            HelpRequest.created_at >= since,
            HelpMessage.author_id != HelpRequest.requester_id,
        )
        .group_by(HelpMessage.help_request_id)
        .subquery()
    )
    answered = func.coalesce(first_answer.c.at, literal(now, HelpRequest.created_at.type))
    helps = (
        select(
            HelpRequest.requester_id.label("pid"),
            func.count(HelpRequest.id).label("n"),
            func.avg(_hours(answered, HelpRequest.created_at, dialect)).label("wait"),
        )
        .outerjoin(first_answer, first_answer.c.rid == HelpRequest.id)
        .where(in_org, HelpRequest.created_at >= since)
        .group_by(HelpRequest.requester_id)
        .subquery()
    )
    concerns = (
        select(Concern.raised_by_id.label("pid"), func.count(Concern.id).label("n"))
        .where(Concern.organisation_id == org.id, Concern.raised_at >= since)
        .group_by(Concern.raised_by_id)
        .subquery()
    )
    quiet_after = int((org.quiet_days or [14])[0])
    today = now.astimezone(ZoneInfo(org.timezone)).date()
    quiet = (
        select(MatchMentor.mentor_id.label("pid"), func.count(Match.id).label("n"))
        .join(Match, Match.id == MatchMentor.match_id)
        .where(
            Match.organisation_id == org.id,
            Match.status != MatchStatus.CLOSED,
            activity.quiet_since(today - timedelta(days=quiet_after)),
        )
        .group_by(MatchMentor.mentor_id)
        .subquery()
    )
    n_help = func.coalesce(helps.c.n, 0)
    n_concerns = func.coalesce(concerns.c.n, 0)
    n_quiet = func.coalesce(quiet.c.n, 0)
    query = (
        select(Person.id, Person.name, n_help, helps.c.wait, n_concerns, n_quiet)
        .outerjoin(helps, helps.c.pid == Person.id)
        .outerjoin(concerns, concerns.c.pid == Person.id)
        .outerjoin(quiet, quiet.c.pid == Person.id)
        .where(
            Person.organisation_id == org.id,
            Person.role == Role.MENTOR,
            Person.active,
            Person.erased_at.is_(None),
        )
        .order_by(Person.id)
    )
    if flagged_only:
        query = query.where(
            (n_help >= limits["help"])
            | (helps.c.wait >= limits["wait_hours"])
            | (n_concerns >= limits["concerns"])
            | (n_quiet >= limits["quiet"])
        )
    out: list[MentorSignal] = []
    for pid, name, n_h, wait, n_c, n_q in (await session.execute(query)).all():
        wait_hours = None if wait is None else int(float(wait))
        figures = {"help": int(n_h), "wait_hours": wait_hours or 0, "concerns": int(n_c),
                   "quiet": int(n_q)}  # fmt: skip
        over = frozenset(k for k, v in figures.items() if v >= limits[k])
        out.append(
            MentorSignal(pid, name, int(n_h), wait_hours, int(n_c), int(n_q), over, _suggest(over))
        )
    out.sort(key=lambda s: (-len(s.over), -s.help, s.mentor_id))
    return Signals(limits, out)


async def flagged_count(session: AsyncSession, staff: Person, now: datetime) -> int:
    """How many mentors are flagged (0 for anyone but a coordinator): for the digest."""
    if not staff.active or staff.role != Role.COORDINATOR:
        return 0
    return len((await signals(session, staff, now)).mentors)
