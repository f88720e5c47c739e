"""The programme's cadence of asking for reports, the scheduler's batches: one request per
match per period to each of its mentors, and one reminder when a request is ignored."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.progress import MatchPick
from bot.services import outbox, people
from bot.services.progress.rules import REMIND_AFTER, outside_quiet_hours, period_due
from storage.models import (
    Family,
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
    not answered after `REMIND_AFTER`. Returns how many messages it queued. The scheduler
    uses `request_batch` and `remind_batch` instead, a bounded batch per transaction."""
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
    (messages queued, the match id to go on after, or None when the walk reached the end).
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
    ids = [match.id for match, _org in rows]
    reported = dict(
        (
            await session.execute(
                select(ProgressReport.match_id, func.max(ProgressReport.created_at))
                .where(ProgressReport.match_id.in_(ids))
                .group_by(ProgressReport.match_id)
            )
        ).all()
    )
    requested = dict(
        (
            await session.execute(
                select(ReportRequest.match_id, func.max(ReportRequest.requested_at))
                .where(ReportRequest.match_id.in_(ids))
                .group_by(ReportRequest.match_id)
            )
        ).all()
    )
    due: list[tuple[Match, Organisation]] = []
    for match, org in rows:
        anchors = [
            _start_of(match.started_on, org.timezone),
            reported.get(match.id),
            requested.get(match.id),
        ]
        anchor = max(a for a in anchors if a is not None)
        if period_due(anchor, now, org.report_cadence_days):
            due.append((match, org))
    # The walk goes on after the last match asked for (when more were due than `limit`), else
    # after the last one looked at; it ends with the table.
    last: int | None = rows[-1][0].id if len(rows) >= scan else None
    if len(due) > limit:
        due = due[:limit]
        last = due[-1][0].id
    if not due:
        return 0, last
    due_ids = [match.id for match, _org in due]
    # Requests of an earlier period that were never answered are superseded.
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
    families = {
        family.id: family
        for family in (
            await session.execute(
                select(Family).where(Family.id.in_([match.family_id for match, _org in due]))
            )
        ).scalars()
    }
    asked: list[tuple[Person, Match, Organisation, ReportRequest]] = []
    for match, org in due:
        for mentor in mentors.get(match.id, []):
            request = ReportRequest(
                match_id=match.id,
                mentor_id=mentor.id,
                requested_at=now,
                remind_at=now + REMIND_AFTER,
                status=JobStatus.PENDING,
            )
            session.add(request)
            asked.append((mentor, match, org, request))
    await session.flush()
    queued = 0
    for mentor, match, org, request in asked:
        rd = (
            people.Reader(mentor, org)
            if mentor.organisation_id == org.id
            else await people.reader(session, mentor)
        )
        family = families.get(match.family_id)
        team = [m.name for m in mentors.get(match.id, []) if m.id != mentor.id]
        queued += _ask(session, now, rd, family.name if family else "", match, request, False, team)
    return queued, last


async def remind_batch(session: AsyncSession, now: datetime, limit: int) -> tuple[int, bool]:
    """Remind, once, up to `limit` mentors who have not answered a request after
    `REMIND_AFTER`. Returns (messages queued, whether more may be due)."""
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
    queued = 0
    requests = list((await session.execute(query)).scalars())
    for request in requests:
        request.remind_at = None  # once only
        mentor = await session.get(Person, request.mentor_id)
        match = await session.get(Match, request.match_id)
        if mentor is None or match is None or match.status != MatchStatus.ACTIVE:
            request.status = JobStatus.CANCELLED
            continue
        family = await session.get(Family, match.family_id)
        rd = await people.reader(session, mentor)
        team = await _teammates(session, match.id, mentor.id)
        queued += _ask(session, now, rd, family.name if family else "", match, request, True, team)
    return queued, len(requests) >= limit


async def _teammates(session: AsyncSession, match_id: int, mentor_id: int) -> list[str]:
    found = await session.execute(
        select(Person.name)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match_id, Person.active, Person.id != mentor_id)
        .order_by(Person.id)
    )
    return list(found.scalars())


def _ask(
    session: AsyncSession,
    now: datetime,
    rd: people.Reader,
    family_name: str,
    match: Match,
    request: ReportRequest,
    reminder: bool,
    team: list[str] | None = None,
) -> int:
    mentor = rd.person
    if not mentor.active:
        return 0
    name = isolate(family_name)
    _ = rd.tr.gettext
    if team:
        # One report for the family, whoever of the team sends it.
        values = {"family": name, "others": rd.tr.join([isolate(n) for n in team])}
        if reminder:
            text = (
                _(
                    "A reminder: the programme is waiting for the team's progress report on the "
                    "%(family)s family. %(others)s can send it too; one of you is enough."
                )
                % values
            )
        else:
            text = (
                _(
                    "It is time for a progress report on the %(family)s family: one report for "
                    "the team. %(others)s can send it too; one of you is enough."
                )
                % values
            )
    elif reminder:
        text = _(
            "A reminder: the programme is waiting for your progress report on the %(family)s "
            "family. It takes a few minutes."
        ) % {"family": name}
    else:
        text = _(
            "It is time for a progress report on the %(family)s family. "
            "It takes a few minutes, with buttons."
        ) % {"family": name}
    sent = outbox.enqueue(
        session,
        now,
        mentor,
        "report_reminder" if reminder else "report_request",
        text,
        buttons=[[(_("Report now"), MatchPick(match.id).pack())]],
        ref=("report_request", request.id),
        dedupe_key=f"report_request:{request.id}:{int(reminder)}",
        not_before=outside_quiet_hours(now, rd.tz, mentor.quiet_start, mentor.quiet_end),
    )
    return 1 if sent is not None else 0
