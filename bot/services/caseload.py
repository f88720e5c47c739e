"""`/matches`: a worker's caseload (the matches they refer) or a coordinator's organisation, a
page at a time, each match with its health, the ones that need attention first.

Everything is aggregated in SQL, one grouped subquery per fact, joined to the page's matches:
no match is loaded into Python to be counted, and a page costs the same at 50 or 5,000 matches
(benchmarks/caseload_bench.py).

The attention score (higher first; ties by match number) adds up:

    10 × open concerns
  +  5 × open help requests
  +  3 × people of the match the bot cannot reach
  +  2 × appointments of the last 30 days someone could not come to, or nobody answered
  +  1 for each whole week without a logged meeting past the organisation's first quiet
        threshold (14 days by default; counted from the match's start before any meeting),
        at most 12
  +  1 when a progress report is overdue (asked more than 7 days ago, unanswered), and 1 more
        for each further whole week, at most 12

so an open concern outweighs two months of silence, and a quiet match climbs a place a week.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, literal, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bot.services import actors, checkins
from bot.services.errors import NotAllowed
from bot.services.progress import REMIND_AFTER
from domain.values import Actor
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    CheckInParty,
    Concern,
    ConcernStatus,
    Family,
    HelpRequest,
    JobStatus,
    Match,
    MatchMentor,
    MatchStatus,
    Meeting,
    Organisation,
    Person,
    ReportRequest,
    Role,
    ThreadStatus,
)

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


def _local_today(now: datetime, tz: str) -> date:
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
    """The formula of the module's docstring, in Python (the SQL below computes the same)."""
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
    today = _local_today(now, tz)
    month_start = today.replace(day=1)
    in_scope = select(Match.id).where(where).scalar_subquery()

    meetings = (
        select(
            Meeting.match_id.label("match_id"),
            func.max(Meeting.occurred_on).label("last"),
            func.sum(case((Meeting.occurred_on >= month_start, 1), else_=0)).label("n_month"),
            func.sum(
                case((Meeting.occurred_on >= month_start, Meeting.duration_minutes), else_=0)
            ).label("min_month"),
        )
        .where(Meeting.match_id.in_(in_scope))
        .group_by(Meeting.match_id)
        .subquery()
    )
    upcoming = (
        select(Appointment.match_id.label("match_id"), func.min(Appointment.starts_at).label("at"))
        .where(
            Appointment.match_id.in_(in_scope),
            Appointment.status == AppointmentStatus.PLANNED,
            Appointment.starts_at > now,
        )
        .group_by(Appointment.match_id)
        .subquery()
    )
    reports = (
        select(
            ReportRequest.match_id.label("match_id"),
            func.min(ReportRequest.requested_at).label("asked"),
        )
        .where(ReportRequest.match_id.in_(in_scope), ReportRequest.status == JobStatus.PENDING)
        .group_by(ReportRequest.match_id)
        .subquery()
    )
    concerns = (
        select(Concern.match_id.label("match_id"), func.count().label("n"))
        .where(Concern.match_id.in_(in_scope), Concern.status != ConcernStatus.RESOLVED)
        .group_by(Concern.match_id)
        .subquery()
    )
    helps = (
        select(HelpRequest.match_id.label("match_id"), func.count().label("n"))
        .where(HelpRequest.match_id.in_(in_scope), HelpRequest.status == ThreadStatus.OPEN)
        .group_by(HelpRequest.match_id)
        .subquery()
    )
    answers = (
        select(
            Appointment.match_id.label("match_id"),
            func.sum(case((AppointmentAnswer.answer == Answer.COMING, 1), else_=0)).label("yes"),
            func.sum(
                case((AppointmentAnswer.answer.in_([Answer.CANNOT, Answer.RESCHEDULE]), 1), else_=0)
            ).label("no"),
            func.sum(case((AppointmentAnswer.answer.is_(None), 1), else_=0)).label("none"),
        )
        .select_from(Appointment)
        .outerjoin(AppointmentAnswer, AppointmentAnswer.appointment_id == Appointment.id)
        .where(
            Appointment.match_id.in_(in_scope),
            Appointment.status == AppointmentStatus.PLANNED,
            Appointment.starts_at <= now,
            Appointment.starts_at > now - ANSWER_WINDOW,
        )
        .group_by(Appointment.match_id)
        .subquery()
    )
    lost = ~Person.reachable & Person.active & Person.telegram_id.is_not(None)
    people = union_all(
        select(MatchMentor.match_id.label("match_id"), Person.id.label("pid"))
        .join(Person, Person.id == MatchMentor.mentor_id)
        .where(MatchMentor.match_id.in_(in_scope), lost),
        select(Match.id.label("match_id"), Person.id.label("pid"))
        .join(Person, and_(Person.family_id == Match.family_id, Person.role == Role.MENTEE))
        .where(where, lost),
    ).subquery()
    unreachable = (
        select(people.c.match_id, func.count().label("n")).group_by(people.c.match_id).subquery()
    )

    last_day = func.coalesce(meetings.c.last, Match.started_on)
    quiet_weeks = sum(
        (
            case((last_day <= today - timedelta(days=quiet_after + 7 * k), 1), else_=0)
            for k in range(MAX_WEEKS)
        ),
        start=literal(0),
    )
    report_weeks = sum(
        (
            case((reports.c.asked < now - REMIND_AFTER - timedelta(days=7 * k), 1), else_=0)
            for k in range(MAX_WEEKS)
        ),
        start=literal(0),
    )
    n_concerns = func.coalesce(concerns.c.n, 0)
    missed = func.coalesce(answers.c.no, 0) + func.coalesce(answers.c.none, 0)
    attention = (
        WEIGHTS["concern"] * n_concerns
        + WEIGHTS["help"] * func.coalesce(helps.c.n, 0)
        + WEIGHTS["unreachable"] * func.coalesce(unreachable.c.n, 0)
        + WEIGHTS["answer"] * missed
        + quiet_weeks
        + report_weeks
    ).label("attention")

    checkin_sub, checkin_due = checkins.overdue_columns(in_scope, today, checkins.cadence_of(org))
    checkin_flags = [case((c, 1), else_=0) for c in checkin_due.values()]
    conditions: list[ColumnElement[bool]] = [where]
    if filter == Filter.QUIET:
        conditions.append(last_day <= today - timedelta(days=quiet_after))
    elif filter == Filter.REPORT:
        conditions.append(reports.c.asked < now - REMIND_AFTER)
    elif filter == Filter.CONCERN:
        conditions.append(concerns.c.n > 0)
    elif filter == Filter.CHECKIN:
        conditions.append(checkins.any_overdue(checkin_due))

    def joined(columns: list[Any]) -> Select[Any]:
        return (
            select(*columns)
            .select_from(Match)
            .join(Family, Family.id == Match.family_id)
            .outerjoin(meetings, meetings.c.match_id == Match.id)
            .outerjoin(upcoming, upcoming.c.match_id == Match.id)
            .outerjoin(reports, reports.c.match_id == Match.id)
            .outerjoin(concerns, concerns.c.match_id == Match.id)
            .outerjoin(helps, helps.c.match_id == Match.id)
            .outerjoin(answers, answers.c.match_id == Match.id)
            .outerjoin(unreachable, unreachable.c.match_id == Match.id)
            .outerjoin(checkin_sub, checkin_sub.c.match_id == Match.id)
            .where(*conditions)
        )

    total = int(await session.scalar(joined([func.count(Match.id)])) or 0)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    rows = await session.execute(
        joined(
            [
                Match.id,
                Family.name,
                Match.status,
                Match.started_on,
                meetings.c.last,
                meetings.c.n_month,
                meetings.c.min_month,
                upcoming.c.at,
                reports.c.asked,
                concerns.c.n,
                helps.c.n,
                answers.c.yes,
                answers.c.no,
                answers.c.none,
                unreachable.c.n,
                attention,
                *checkin_flags,
            ]
        )
        .order_by(attention.desc(), Match.id)
        .offset(page * page_size)
        .limit(page_size)
    )
    lines = []
    for r in rows.all():
        (mid, name, status, started, last, n_month, min_month, at, asked) = r[:9]
        (n_con, n_help, yes, no, none, n_lost, score) = r[9:16]
        late = tuple(p for p, flag in zip(checkins.PARTIES, r[16:], strict=True) if flag)
        last = _as_date(last)
        since = last or started
        overdue = None if asked is None else _overdue_days(now - asked - REMIND_AFTER)
        lines.append(
            Health(
                match_id=mid,
                family_name=name,
                status=status,
                started_on=started,
                last_meeting=last,
                quiet_days=max(0, (today - since).days),
                meetings_this_month=int(n_month or 0),
                minutes_this_month=int(min_month or 0),
                next_appointment=at,
                report_overdue_days=overdue,
                open_concerns=int(n_con or 0),
                open_help=int(n_help or 0),
                answers_coming=int(yes or 0),
                answers_cannot=int(no or 0),
                answers_none=int(none or 0),
                unreachable=int(n_lost or 0),
                attention=int(score or 0),
                checkins_overdue=late,
            )
        )
    return Page(tuple(lines), page, pages, total, filter, quiet_after)


def _as_date(value: object) -> date | None:
    """A max() over a date column: a date on PostgreSQL, the stored text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _overdue_days(late: timedelta) -> int:
    """Whole days overdue, -1 when not overdue yet."""
    return late.days if late > timedelta(0) else -1
