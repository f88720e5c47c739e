"""The facts of each match in scope, one grouped subquery per fact (joined to the page's
matches by `page`), and the attention score computed from them in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Label, Subquery, and_, case, func, literal, select, union_all

from bot.services import checkins
from bot.services.caseload.rules import ANSWER_WINDOW, MAX_WEEKS, WEIGHTS, Filter
from bot.services.progress import REMIND_AFTER
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    Concern,
    ConcernStatus,
    HelpRequest,
    JobStatus,
    Match,
    MatchMentor,
    Meeting,
    Person,
    ReportRequest,
    Role,
    ThreadStatus,
)


@dataclass(frozen=True)
class Facts:
    meetings: Subquery  # the last meeting; meetings and minutes this month
    upcoming: Subquery  # the next planned appointment
    reports: Subquery  # the oldest progress report asked for and not given
    concerns: Subquery  # open concerns
    helps: Subquery  # open help requests
    answers: Subquery  # answers to the appointments of the last 30 days
    unreachable: Subquery  # people of the match the bot cannot reach

    @property
    def last_day(self) -> ColumnElement[Any]:
        """The last logged meeting, or the start of a match without one."""
        return func.coalesce(self.meetings.c.last, Match.started_on)


def facts(where: ColumnElement[bool], in_scope: Any, now: datetime, month_start: date) -> Facts:
    """The facts of the matches `in_scope` (their ids; `where` selects them)."""
    return Facts(
        meetings=_meetings(in_scope, month_start),
        upcoming=_upcoming(in_scope, now),
        reports=_reports(in_scope),
        concerns=_concerns(in_scope),
        helps=_helps(in_scope),
        answers=_answers(in_scope, now),
        unreachable=_unreachable(where, in_scope),
    )


def attention(f: Facts, now: datetime, today: date, quiet_after: int) -> Label[Any]:
    """The attention score (the package's docstring; `rules.attention_score` in Python)."""
    quiet_weeks = sum(
        (
            case((f.last_day <= today - timedelta(days=quiet_after + 7 * k), 1), else_=0)
            for k in range(MAX_WEEKS)
        ),
        start=literal(0),
    )
    report_weeks = sum(
        (
            case((f.reports.c.asked < now - REMIND_AFTER - timedelta(days=7 * k), 1), else_=0)
            for k in range(MAX_WEEKS)
        ),
        start=literal(0),
    )
    n_concerns = func.coalesce(f.concerns.c.n, 0)
    missed = func.coalesce(f.answers.c.no, 0) + func.coalesce(f.answers.c.none, 0)
    return (
        WEIGHTS["concern"] * n_concerns
        + WEIGHTS["help"] * func.coalesce(f.helps.c.n, 0)
        + WEIGHTS["unreachable"] * func.coalesce(f.unreachable.c.n, 0)
        + WEIGHTS["answer"] * missed
        + quiet_weeks
        + report_weeks
    ).label("attention")


def narrowed(
    f: Facts,
    filter: Filter,
    checkin_due: Any,
    now: datetime,
    today: date,
    quiet_after: int,
) -> list[ColumnElement[bool]]:
    """The condition of a filter (none for all the matches)."""
    if filter == Filter.QUIET:
        return [f.last_day <= today - timedelta(days=quiet_after)]
    if filter == Filter.REPORT:
        return [f.reports.c.asked < now - REMIND_AFTER]
    if filter == Filter.CONCERN:
        return [f.concerns.c.n > 0]
    if filter == Filter.CHECKIN:
        return [checkins.any_overdue(checkin_due)]
    return []


def _meetings(in_scope: Any, month_start: date) -> Subquery:
    return (
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


def _upcoming(in_scope: Any, now: datetime) -> Subquery:
    return (
        select(Appointment.match_id.label("match_id"), func.min(Appointment.starts_at).label("at"))
        .where(
            Appointment.match_id.in_(in_scope),
            Appointment.status == AppointmentStatus.PLANNED,
            Appointment.starts_at > now,
        )
        .group_by(Appointment.match_id)
        .subquery()
    )


def _reports(in_scope: Any) -> Subquery:
    return (
        select(
            ReportRequest.match_id.label("match_id"),
            func.min(ReportRequest.requested_at).label("asked"),
        )
        .where(ReportRequest.match_id.in_(in_scope), ReportRequest.status == JobStatus.PENDING)
        .group_by(ReportRequest.match_id)
        .subquery()
    )


def _concerns(in_scope: Any) -> Subquery:
    return (
        select(Concern.match_id.label("match_id"), func.count().label("n"))
        .where(Concern.match_id.in_(in_scope), Concern.status != ConcernStatus.RESOLVED)
        .group_by(Concern.match_id)
        .subquery()
    )


def _helps(in_scope: Any) -> Subquery:
    return (
        select(HelpRequest.match_id.label("match_id"), func.count().label("n"))
        .where(HelpRequest.match_id.in_(in_scope), HelpRequest.status == ThreadStatus.OPEN)
        .group_by(HelpRequest.match_id)
        .subquery()
    )


def _answers(in_scope: Any, now: datetime) -> Subquery:
    return (
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


def _unreachable(where: ColumnElement[bool], in_scope: Any) -> Subquery:
    lost = ~Person.reachable & Person.active & Person.telegram_id.is_not(None)
    people = union_all(
        select(MatchMentor.match_id.label("match_id"), Person.id.label("pid"))
        .join(Person, Person.id == MatchMentor.mentor_id)
        .where(MatchMentor.match_id.in_(in_scope), lost),
        select(Match.id.label("match_id"), Person.id.label("pid"))
        .join(Person, and_(Person.family_id == Match.family_id, Person.role == Role.MENTEE))
        .where(where, lost),
    ).subquery()
    return select(people.c.match_id, func.count().label("n")).group_by(people.c.match_id).subquery()
