"""The cadence in SQL: the same rule as `overdue_on`, as conditions over check-ins grouped
per match and joined to a page of matches (nothing is loaded per match), and the staff's
count and list of matches with a check-in overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.services import actors, caseload
from bot.services.checkins.cadence import PARTIES, Cadence, cadence_of, previous_month_start
from domain.values import Actor
from storage.models import (
    CheckIn,
    CheckInParty,
    Family,
    Match,
    MatchStatus,
    Organisation,
    Person,
    Role,
)


class first_month_end(FunctionElement[date]):
    """`month_later(day)` in SQL: PostgreSQL's interval arithmetic clamps to the month's end;
    SQLite's does not, so the end of the next month caps it."""

    type = Date()
    inherit_cache = True
    name = "first_month_end"


@compiles(first_month_end, "postgresql")
def _first_month_end_pg(element: first_month_end, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = list(element.clauses)
    return f"CAST(({compiler.process(day, **kw)}) + INTERVAL '1 month' AS DATE)"


@compiles(first_month_end)
def _first_month_end_sqlite(element: first_month_end, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = list(element.clauses)
    d = compiler.process(day, **kw)
    return f"min(date({d}, '+1 month'), date({d}, 'start of month', '+2 months', '-1 day'))"


def overdue_columns(
    in_scope: Any, today: date, cadence: Cadence
) -> tuple[Any, dict[CheckInParty, ColumnElement[bool]]]:
    """A subquery of the check-ins of the matches `in_scope` (a scalar subquery of match ids)
    grouped per match, to outer-join on `Match.id == sub.c.match_id`, and per party the
    condition (over `Match` and the subquery) that its check-in is overdue on `today`."""
    first_end = first_month_end(Match.started_on)
    previous = previous_month_start(today)
    columns: list[Any] = [CheckIn.match_id.label("match_id")]
    for party in PARTIES:
        mine = and_(
            CheckIn.party == party,
            CheckIn.occurred_on >= Match.started_on,
            CheckIn.occurred_on <= today,
        )
        columns += [
            func.sum(case((and_(mine, CheckIn.occurred_on < first_end), 1), else_=0)).label(
                f"{party.value}_first"
            ),
            func.sum(case((and_(mine, CheckIn.occurred_on >= first_end), 1), else_=0)).label(
                f"{party.value}_after"
            ),
            func.sum(case((and_(mine, CheckIn.occurred_on >= previous), 1), else_=0)).label(
                f"{party.value}_recent"
            ),
        ]
    sub = (
        select(*columns)
        .join(Match, Match.id == CheckIn.match_id)
        .where(CheckIn.match_id.in_(in_scope))
        .group_by(CheckIn.match_id)
        .subquery()
    )
    outer_first_end = first_month_end(Match.started_on)
    conditions: dict[CheckInParty, ColumnElement[bool]] = {}
    has_mentee = has_mentee_clause()
    for party in PARTIES:
        n_first = func.coalesce(sub.c[f"{party.value}_first"], 0)
        n_after = func.coalesce(sub.c[f"{party.value}_after"], 0)
        n_recent = func.coalesce(sub.c[f"{party.value}_recent"], 0)
        short_first = and_(n_first < cadence.first_month, n_after == 0)
        conditions[party] = and_(
            Match.status == MatchStatus.ACTIVE,
            has_mentee if party == CheckInParty.MENTEE else true(),
            Match.started_on <= today,
            or_(
                and_(short_first, outer_first_end <= today),
                and_(~short_first, outer_first_end <= previous, n_recent < cadence.monthly),
            ),
        )
    return sub, conditions


def has_mentee_clause(before: datetime | None = None) -> ColumnElement[bool]:
    """The match's family has a mentee (added before `before`): only then is the mentee a
    party of the cadence."""
    conditions = [
        Person.family_id == Match.family_id,
        Person.role == Role.MENTEE,
        Person.erased_at.is_(None),
    ]
    if before is not None:
        conditions.append(Person.created_at < before)
    return exists(select(Person.id).where(*conditions))


def any_overdue(conditions: dict[CheckInParty, ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(*conditions.values())


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


@dataclass(frozen=True)
class Overdue:
    match_id: int
    family_name: str
    parties: tuple[CheckInParty, ...]


async def overdue(
    session: AsyncSession, staff: Actor, today: date, *, limit: int = 20
) -> tuple[int, list[Overdue]]:
    """How many of `staff`'s matches have a check-in overdue, and the first `limit` of them
    (oldest match first)."""
    staff = await actors.row(session, staff)
    where = caseload.scope(staff)
    await caseload.custom_plans(session)  # dates as parameters: plan for their values
    org = await session.get(Organisation, staff.organisation_id)
    assert org is not None
    in_scope = select(Match.id).where(where).scalar_subquery()
    sub, conditions = overdue_columns(in_scope, today, cadence_of(org))
    flags = [case((c, 1), else_=0) for c in conditions.values()]
    base = (
        select(Match.id, Family.name, *flags)
        .join(Family, Family.id == Match.family_id)
        .outerjoin(sub, sub.c.match_id == Match.id)
        .where(where, any_overdue(conditions))
    )
    total = int(await session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = (await session.execute(base.order_by(Match.id).limit(limit))).all()
    found = [
        Overdue(
            r[0],
            r[1],
            tuple(p for p, flag in zip(PARTIES, r[2:], strict=True) if flag),
        )
        for r in rows
    ]
    return total, found


async def overdue_count(session: AsyncSession, staff: Person, today: date) -> int:
    total, _found = await overdue(session, staff, today, limit=0)
    return total
