"""Counting a report's figures from the database: the families and matches of the period,
their meetings and progress, the answers to reminders, and (`follow_up`) what the staff
followed up."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.exports import STREAM_BATCH, Period
from bot.services.meetings import ACTIVITIES
from bot.services.programme_report import follow_up
from bot.services.programme_report.scope import Scope, in_scope, local_day
from bot.services.programme_report.values import AGE_BUCKETS, Figures, Month, age_bucket, months_of
from bot.services.progress import DOMAINS
from storage.models import (
    Appointment,
    AppointmentAnswer,
    Match,
    MatchMentor,
    MatchStatus,
    Meeting,
    Person,
    ProgressReport,
    Role,
)

# A match of the period: id, family, status, started on, closed at.
Running = Row[int, int, MatchStatus, date, datetime | None]


async def figures(session: AsyncSession, now: datetime, scope: Scope, period: Period) -> Figures:
    f = Figures(scope, period, now)
    zone = ZoneInfo(scope.org.timezone)
    await _matches(session, f, zone)
    await _meetings(session, f)
    await _progress(session, f)
    await follow_up.concerns(session, f)
    await follow_up.help_requests(session, f)
    await _answers(session, f)
    await follow_up.closures(session, f)
    await follow_up.check_ins(session, f, zone)
    return f


async def _matches(session: AsyncSession, f: Figures, zone: ZoneInfo) -> None:
    p = f.period
    stmt = in_scope(
        select(Match.id, Match.family_id, Match.status, Match.started_on, Match.closed_at).where(
            Match.started_on <= p.last, or_(Match.closed_at.is_(None), Match.closed_at >= p.start)
        ),
        f.scope,
    )
    rows = (await session.execute(stmt)).all()
    status = Counter(str(r.status) for r in rows)
    f.by_status = {s.value: status.get(s.value, 0) for s in MatchStatus}
    running = [r for r in rows if r.status != MatchStatus.PROPOSED]
    _families(f, running)
    f.by_age = _ages(running, p, zone)
    families = {r.family_id for r in running}
    if families:
        f.mentees = await _mentees(session, families)
        f.mentors = await _mentors(session, [r.id for r in running])


def _closed_in(match: Running, p: Period) -> bool:
    """Whether the match closed before the end of the period."""
    return match.closed_at is not None and match.closed_at < p.end


def _families(f: Figures, running: Sequence[Running]) -> None:
    p = f.period
    f.families = len({r.family_id for r in running})
    f.families_new = len({r.family_id for r in running if r.started_on >= p.first})
    f.families_closed = len({r.family_id for r in running if _closed_in(r, p)})
    f.families_active_end = len({r.family_id for r in running if not _closed_in(r, p)})


def _ages(running: Sequence[Running], p: Period, zone: ZoneInfo) -> dict[str, int]:
    """Matches by age at the end of the period, or on the day they closed."""
    ages: Counter[str] = Counter()
    for r in running:
        until = local_day(r.closed_at, zone) if _closed_in(r, p) else p.last
        ages[age_bucket((until - r.started_on).days)] += 1
    return {name: ages.get(name, 0) for name, _low, _high in AGE_BUCKETS}


async def _mentees(session: AsyncSession, families: set[int]) -> int:
    return int(
        await session.scalar(
            select(func.count(Person.id)).where(
                Person.role == Role.MENTEE, Person.family_id.in_(families)
            )
        )
        or 0
    )


async def _mentors(session: AsyncSession, match_ids: list[int]) -> int:
    mentors: set[int] = set()
    for chunk in range(0, len(match_ids), 1000):
        mentors.update(
            await session.scalars(
                select(MatchMentor.mentor_id).where(
                    MatchMentor.match_id.in_(match_ids[chunk : chunk + 1000])
                )
            )
        )
    return len(mentors)


async def _meetings(session: AsyncSession, f: Figures) -> None:
    p = f.period
    f.months = {m: Month() for m in months_of(p)}
    activities: Counter[str] = Counter()
    stmt = in_scope(
        select(Meeting.occurred_on, Meeting.duration_minutes, Meeting.mood, Meeting.activities)
        .join(Match, Match.id == Meeting.match_id)
        .where(Meeting.occurred_on.between(p.first, p.last)),
        f.scope,
    )
    result = await session.stream(stmt.execution_options(yield_per=STREAM_BATCH))
    async for partition in result.partitions(STREAM_BATCH):
        for day, minutes, mood, codes in partition:
            month = f.months[f"{day:%Y-%m}"]
            month.meetings += 1
            month.minutes += minutes
            if mood is not None:
                month.mood_sum += mood
                month.mood_n += 1
            activities.update(set(codes or ()))
    f.activities = {code: activities.get(code, 0) for code in ACTIVITIES}


async def _progress(session: AsyncSession, f: Figures) -> None:
    p = f.period
    stmt = in_scope(
        select(ProgressReport.domains, ProgressReport.needs_support)
        .join(Match, Match.id == ProgressReport.match_id)
        .where(ProgressReport.created_at >= p.start, ProgressReport.created_at < p.end),
        f.scope,
    )
    ratings: dict[str, list[int]] = defaultdict(list)
    for domains, needs in (await session.execute(stmt)).all():
        f.progress_reports += 1
        f.needs_support += int(bool(needs))
        for code in DOMAINS:
            entry = (domains or {}).get(code)
            if isinstance(entry, dict) and isinstance(entry.get("rating"), int):
                ratings[code].append(entry["rating"])
    f.progress = {
        code: (
            round(statistics.fmean(ratings[code]), 2) if ratings[code] else 0.0,
            len(ratings[code]),
        )
        for code in DOMAINS
    }


async def _answers(session: AsyncSession, f: Figures) -> None:
    p = f.period
    stmt = in_scope(
        select(AppointmentAnswer.answer, func.count())
        .join(Appointment, Appointment.id == AppointmentAnswer.appointment_id)
        .join(Match, Match.id == Appointment.match_id)
        .where(Appointment.starts_at >= p.start, Appointment.starts_at < p.end)
        .group_by(AppointmentAnswer.answer),
        f.scope,
    )
    found = {str(a): int(n) for a, n in (await session.execute(stmt)).all()}
    f.answers = {a: found.get(a, 0) for a in ("coming", "cannot", "reschedule")}
