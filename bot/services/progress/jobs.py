"""The programme's cadence of asking for reports, the scheduler's batches: one request per
match per period to each of its mentors, and one reminder when a request is ignored. Each is
recorded as `ReportsRequested` (for the mentors the bot can reach); what the mentor reads is
`bot.notifications.progress`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.services import events, outbox
from bot.services.progress.rules import REMIND_AFTER, period_due
from domain.events import ReportsRequested
from storage.models import (
    JobStatus,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    ProgressReport,
    ReportRequest,
)

# --- the cadence ------------------------------------------------------------------------------


def _start_of(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))


async def ask_for_reports(session: AsyncSession, now: datetime) -> int:
    """Everything at once, in the caller's transaction (tests and scripts): ask the mentors of
    each active match whose period has passed without a report; remind once those who have
    not answered after `REMIND_AFTER`. Returns how many mentors it asked or reminded (a
    message each, once its events are dispatched). The scheduler uses `request_batch` and
    `remind_batch` instead, a bounded batch per transaction."""
    queued, after = 0, 0
    while True:
        done, last = await request_batch(session, now, after, 500)
        queued += done
        if last is None:
            break
        after = last
    while True:
        done, more = await remind_batch(session, now, 500)
        queued += done
        if not more:
            return queued


async def request_batch(
    session: AsyncSession, now: datetime, after: int, limit: int, scan: int | None = None
) -> tuple[int, int | None]:
    """Look at up to `scan` (default 10 × `limit`) active matches with an id above `after`,
    and ask the mentors of the first `limit` whose period has passed for a report. Returns
    (mentors asked, the match id to go on after, or None when the walk reached the end).
    A handful of queries whatever the batch size; the matches are locked (`FOR UPDATE SKIP
    LOCKED` on PostgreSQL) before what was already asked for is read, so two processes never
    ask twice."""
    scan = scan or limit * 10
    rows = (
        await session.execute(
            select(Match, Organisation)
            .join(Organisation, Organisation.id == Match.organisation_id)
            .where(Match.status == MatchStatus.ACTIVE, Match.id > after)
            .order_by(Match.id)
            .limit(scan)
            .with_for_update(of=Match, skip_locked=True)  # PostgreSQL; SQLite has no row locks
        )
    ).all()
    if not rows:
        return 0, None
    due = await _due(session, now, [(match, org) for match, org in rows])
    # The walk goes on after the last match asked for (when more were due than `limit`), else
    # after the last one looked at; it ends with the table.
    last: int | None = rows[-1][0].id if len(rows) >= scan else None
    if len(due) > limit:
        due = due[:limit]
        last = due[-1].id
    if not due:
        return 0, last
    return await _ask_mentors(session, now, due), last


async def _due(
    session: AsyncSession, now: datetime, rows: list[tuple[Match, Organisation]]
) -> list[Match]:
    """The matches whose period has passed since the latest of their start, their last
    report and their last request."""
    ids = [match.id for match, _org in rows]
    reported = await _latest(session, ProgressReport.match_id, ProgressReport.created_at, ids)
    requested = await _latest(session, ReportRequest.match_id, ReportRequest.requested_at, ids)
    due: list[Match] = []
    for match, org in rows:
        moments = (reported.get(match.id), requested.get(match.id))
        anchor = max([_start_of(match.started_on, org.timezone), *filter(None, moments)])
        if period_due(anchor, now, org.report_cadence_days):
            due.append(match)
    return due


async def _latest(
    session: AsyncSession,
    match_id: InstrumentedAttribute[int],
    moment: InstrumentedAttribute[datetime],
    ids: list[int],
) -> dict[int, datetime]:
    """The latest `moment` (a report's or a request's) of each of these matches."""
    found = await session.execute(
        select(match_id, func.max(moment)).where(match_id.in_(ids)).group_by(match_id)
    )
    return {match: latest for match, latest in found}


async def _ask_mentors(session: AsyncSession, now: datetime, due: list[Match]) -> int:
    """A new request to each active mentor of these matches, superseding the requests of an
    earlier period that were never answered. Returns how many mentors were asked."""
    due_ids = [match.id for match in due]
    await session.execute(
        update(ReportRequest)
        .where(ReportRequest.match_id.in_(due_ids), ReportRequest.status == JobStatus.PENDING)
        .values(status=JobStatus.SKIPPED, remind_at=None)
        .execution_options(synchronize_session=False)
    )
    mentors: dict[int, list[Person]] = defaultdict(list)
    for match_id, mentor in (
        await session.execute(
            select(MatchMentor.match_id, Person)
            .join(Person, Person.id == MatchMentor.mentor_id)
            .where(MatchMentor.match_id.in_(due_ids), Person.active)
            .order_by(Person.id)
        )
    ).all():
        mentors[match_id].append(mentor)
    asked: list[tuple[Person, ReportRequest]] = []
    for match in due:
        for mentor in mentors.get(match.id, []):
            request = ReportRequest(
                match_id=match.id,
                mentor_id=mentor.id,
                requested_at=now,
                remind_at=now + REMIND_AFTER,
                status=JobStatus.PENDING,
            )
            session.add(request)
            asked.append((mentor, request))
    await session.flush()
    return _record(session, now, asked, reminder=False)


async def remind_batch(session: AsyncSession, now: datetime, limit: int) -> tuple[int, bool]:
    """Remind, once, up to `limit` mentors who have not answered a request after
    `REMIND_AFTER`. Returns (mentors reminded, whether more may be due)."""
    query = (
        select(ReportRequest)
        .where(
            ReportRequest.status == JobStatus.PENDING,
            ReportRequest.remind_at.is_not(None),
            ReportRequest.remind_at <= now,
        )
        .order_by(ReportRequest.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    requests = list((await session.execute(query)).scalars())
    reminding: list[tuple[Person, ReportRequest]] = []
    for request in requests:
        request.remind_at = None  # once only
        mentor = await session.get(Person, request.mentor_id)
        match = await session.get(Match, request.match_id)
        if mentor is None or match is None or match.status != MatchStatus.ACTIVE:
            request.status = JobStatus.CANCELLED
            continue
        reminding.append((mentor, request))
    return _record(session, now, reminding, reminder=True), len(requests) >= limit


def _record(
    session: AsyncSession,
    now: datetime,
    asked: list[tuple[Person, ReportRequest]],
    *,
    reminder: bool,
) -> int:
    """The requests (or their reminders) recorded for the mentors the bot can reach; how
    many."""
    told = tuple(request.id for mentor, request in asked if outbox.deliverable(mentor))
    if told:
        events.record(session, now, ReportsRequested(told, reminder))
    return len(told)
