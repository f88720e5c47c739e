"""A page of `/matches`: the matches in scope with their facts, narrowed by a filter, the
ones that need attention first (ties by match number)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Label, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, checkins
from bot.services.caseload.facts import Facts, attention, facts, narrowed
from bot.services.caseload.rules import (
    PAGE_SIZE,
    Filter,
    Health,
    Page,
    custom_plans,
    local_today,
    scope,
)
from bot.services.progress import REMIND_AFTER
from domain.values import Actor
from storage.models import Family, Match, Organisation


async def page_of(
    session: AsyncSession,
    staff: Actor,
    now: datetime,
    *,
    tz: str,
    filter: Filter = Filter.ALL,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> Page:
    staff = await actors.row(session, staff)
    where = scope(staff)
    await custom_plans(session)
    org = await session.get(Organisation, staff.organisation_id)
    assert org is not None
    quiet_after = int((org.quiet_days or [14])[0])
    today = local_today(now, tz)
    in_scope = select(Match.id).where(where).scalar_subquery()
    f = facts(where, in_scope, now, today.replace(day=1))
    score = attention(f, now, today, quiet_after)
    checkin_sub, checkin_due = checkins.overdue_columns(in_scope, today, checkins.cadence_of(org))
    checkin_flags = [case((c, 1), else_=0) for c in checkin_due.values()]
    conditions = [where, *narrowed(f, filter, checkin_due, now, today, quiet_after)]

    def joined(columns: list[Any]) -> Select[Any]:
        return _joined(columns, f, checkin_sub, conditions)

    total = int(await session.scalar(joined([func.count(Match.id)])) or 0)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    rows = await session.execute(
        joined(_columns(f, score, checkin_flags))
        .order_by(score.desc(), Match.id)
        .offset(page * page_size)
        .limit(page_size)
    )
    lines = tuple(_health(r, now, today) for r in rows.all())
    return Page(lines, page, pages, total, filter, quiet_after)


def _joined(
    columns: list[Any], f: Facts, checkin_sub: Any, conditions: list[ColumnElement[bool]]
) -> Select[Any]:
    """The matches in scope, each joined to its facts, narrowed by `conditions`."""
    return (
        select(*columns)
        .select_from(Match)
        .join(Family, Family.id == Match.family_id)
        .outerjoin(f.meetings, f.meetings.c.match_id == Match.id)
        .outerjoin(f.upcoming, f.upcoming.c.match_id == Match.id)
        .outerjoin(f.reports, f.reports.c.match_id == Match.id)
        .outerjoin(f.concerns, f.concerns.c.match_id == Match.id)
        .outerjoin(f.helps, f.helps.c.match_id == Match.id)
        .outerjoin(f.answers, f.answers.c.match_id == Match.id)
        .outerjoin(f.unreachable, f.unreachable.c.match_id == Match.id)
        .outerjoin(checkin_sub, checkin_sub.c.match_id == Match.id)
        .where(*conditions)
    )


def _columns(f: Facts, score: Label[Any], checkin_flags: list[Any]) -> list[Any]:
    """A page's columns, in the order `_health` reads them."""
    return [
        Match.id,
        Family.name,
        Match.status,
        Match.started_on,
        f.meetings.c.last,
        f.meetings.c.n_month,
        f.meetings.c.min_month,
        f.upcoming.c.at,
        f.reports.c.asked,
        f.concerns.c.n,
        f.helps.c.n,
        f.answers.c.yes,
        f.answers.c.no,
        f.answers.c.none,
        f.unreachable.c.n,
        score,
        *checkin_flags,
    ]


def _health(r: Sequence[Any], now: datetime, today: date) -> Health:
    (mid, name, status, started, last, n_month, min_month, at, asked) = r[:9]
    (n_con, n_help, yes, no, none, n_lost, score) = r[9:16]
    late = tuple(p for p, flag in zip(checkins.PARTIES, r[16:], strict=True) if flag)
    last = _as_date(last)
    since = last or started
    overdue = None if asked is None else _overdue_days(now - asked - REMIND_AFTER)
    return Health(
        match_id=mid,
        family_name=name,
        status=status,
        started_on=started,
        last_meeting=last,
        quiet_days=max(0, (today - since).days),
        meetings_this_month=_n(n_month),
        minutes_this_month=_n(min_month),
        next_appointment=at,
        report_overdue_days=overdue,
        open_concerns=_n(n_con),
        open_help=_n(n_help),
        answers_coming=_n(yes),
        answers_cannot=_n(no),
        answers_none=_n(none),
        unreachable=_n(n_lost),
        attention=_n(score),
        checkins_overdue=late,
    )


def _n(value: Any) -> int:
    """A count from an outer join: none is 0."""
    return int(value or 0)


def _as_date(value: object) -> date | None:
    """A max() over a date column: a date on PostgreSQL, the stored text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _overdue_days(late: timedelta) -> int:
    """Whole days overdue, -1 when not overdue yet."""
    return late.days if late > timedelta(0) else -1
