"""What `/matches` lists and how: who may list which matches (`scope`), the filters, the
values of a page (`Health`, `Page`) and the attention score (the package's docstring)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.services.errors import NotAllowed
from storage.models import CheckInParty, Match, MatchStatus, Person, Role

PAGE_SIZE = 8
ANSWER_WINDOW = timedelta(days=30)
MAX_WEEKS = 12
WEIGHTS = {"concern": 10, "help": 5, "unreachable": 3, "answer": 2}


class Filter(enum.StrEnum):
    """What `/matches` can be narrowed to (the value travels in the button's data)."""

    ALL = "a"
    QUIET = "q"
    REPORT = "r"
    CONCERN = "c"
    CHECKIN = "k"  # a staff check-in overdue (bot.services.checkins)


@dataclass(frozen=True)
class Health:
    match_id: int
    family_name: str
    status: MatchStatus
    started_on: date
    last_meeting: date | None
    quiet_days: int  # since the last logged meeting, or since the start
    meetings_this_month: int
    minutes_this_month: int
    next_appointment: datetime | None
    report_overdue_days: int | None  # None: no report asked for; -1: asked, not overdue yet
    open_concerns: int
    open_help: int
    answers_coming: int
    answers_cannot: int
    answers_none: int
    unreachable: int
    attention: int
    checkins_overdue: tuple[CheckInParty, ...] = ()  # the parties (bot.services.checkins)


@dataclass(frozen=True)
class Page:
    lines: tuple[Health, ...]
    page: int  # from 0
    pages: int
    total: int
    filter: Filter
    quiet_after: int  # days: the organisation's first quiet threshold


async def custom_plans(session: AsyncSession) -> None:
    """asyncpg prepares statements, and after five runs PostgreSQL may switch one to a
    generic plan: for these aggregates (dates and times as parameters) a thousand times slower
    (benchmarks/caseload_bench.py). Plan them for their values, in this transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def scope(staff: Person) -> ColumnElement[bool]:
    """The matches `staff` may list: a worker's own caseload, a coordinator's organisation.
    Anyone else is refused."""
    if not staff.active or staff.role not in (Role.WORKER, Role.COORDINATOR):
        raise NotAllowed("workers and coordinators only")
    mine = and_(Match.organisation_id == staff.organisation_id, Match.status != MatchStatus.CLOSED)
    if staff.role == Role.WORKER:
        return and_(mine, Match.worker_id == staff.id)
    return mine


def attention_score(
    *,
    open_concerns: int,
    open_help: int,
    unreachable: int,
    answers_missed: int,
    quiet_days: int,
    quiet_after: int,
    report_overdue_days: int | None,
) -> int:
    """The formula of the package's docstring, in Python (`facts.attention` computes the
    same in SQL)."""
    quiet_weeks = (
        0 if quiet_days < quiet_after else min(MAX_WEEKS, 1 + (quiet_days - quiet_after) // 7)
    )
    report_weeks = (
        0
        if report_overdue_days is None or report_overdue_days < 0
        else min(MAX_WEEKS, 1 + report_overdue_days // 7)
    )
    return (
        WEIGHTS["concern"] * open_concerns
        + WEIGHTS["help"] * open_help
        + WEIGHTS["unreachable"] * unreachable
        + WEIGHTS["answer"] * answers_missed
        + quiet_weeks
        + report_weeks
    )
