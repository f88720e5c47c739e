"""What a report covers (an organisation, or one worker's caseload) and which period: who may
have which report, and the periods staff can ask for in Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import Invalid, NotAllowed
from bot.services.programme_report.labels import PERIODS
from domain.values import Actor
from storage.models import Match, Organisation, Role

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class Scope:
    """What a report covers: an organisation, or one worker's caseload in it."""

    org: Organisation
    worker_id: int | None = None


async def scope_for(session: AsyncSession, actor: Actor) -> Scope:
    """The report a member of the staff may have: a coordinator, their organisation's; a
    worker, their own caseload's. Others have none (an admin sees escalations only)."""
    if not actor.active or actor.role not in (Role.COORDINATOR, Role.WORKER):
        raise NotAllowed("no programme report for this role")
    org = await session.get(Organisation, actor.organisation_id)
    assert org is not None
    return Scope(org, actor.id if actor.role == Role.WORKER else None)


def in_scope(stmt: Select[*Ts], scope: Scope) -> Select[*Ts]:
    stmt = stmt.where(Match.organisation_id == scope.org.id)
    if scope.worker_id is not None:
        stmt = stmt.where(Match.worker_id == scope.worker_id)
    return stmt


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def period_for(code: str, today: date) -> tuple[date, date]:
    """The first and last day of this or last month or quarter; this one ends today."""
    if code not in PERIODS:
        raise Invalid("period", f"unknown period {code!r}")
    months = 1 if code[0] == "m" else 3
    start_month = (today.month - 1) // months * months  # 0-based month the period starts in
    first = date(today.year, start_month + 1, 1)
    if code[1] == "0":
        return first, today
    back = first.month - 1 - months
    first_prev = date(first.year + back // 12, back % 12 + 1, 1)
    return first_prev, first - timedelta(days=1)


def today_of(scope: Scope, now: datetime) -> date:
    return local_day(now, ZoneInfo(scope.org.timezone))
