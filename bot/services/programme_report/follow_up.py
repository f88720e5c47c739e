"""The report's figures of what the staff follow up: concerns and the time to acknowledge
them, requests for help and the time to answer, closures and their steps, and staff
check-ins against the organisation's cadence."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import checkins
from bot.services.exports import STREAM_BATCH
from bot.services.programme_report.scope import in_scope, local_day
from bot.services.programme_report.values import Figures
from storage.match_life import ClosureKind, ClosureReason, closure_steps_done
from storage.models import (
    CheckIn,
    CheckInParty,
    Concern,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Match,
    MatchStatus,
)


async def concerns(session: AsyncSession, f: Figures) -> None:
    p = f.period
    stmt = select(
        Concern.category, Concern.severity, Concern.raised_at, Concern.acknowledged_at
    ).where(
        Concern.organisation_id == f.scope.org.id,
        Concern.raised_at >= p.start,
        Concern.raised_at < p.end,
    )
    if f.scope.worker_id is not None:
        stmt = stmt.where(Concern.assigned_worker_id == f.scope.worker_id)
    counts: Counter[tuple[str, str]] = Counter()
    waits: list[float] = []
    deadlines = f.scope.org.ack_deadlines_minutes
    for category, severity, raised, acked in (await session.execute(stmt)).all():
        counts[(str(category), str(severity))] += 1
        limit = timedelta(minutes=int(deadlines[str(severity)]))
        if acked is not None:
            waits.append((acked - raised).total_seconds() / 60)
        if acked is not None or raised + limit <= f.now:
            f.sla_due += 1
            f.sla_met += int(acked is not None and acked - raised <= limit)
    f.concerns = dict(counts)
    f.ack_median_minutes = round(statistics.median(waits), 1) if waits else None


async def help_requests(session: AsyncSession, f: Figures) -> None:
    p = f.period
    first_answer = (
        select(func.min(HelpMessage.created_at))
        .where(
            HelpMessage.help_request_id == HelpRequest.id,
            HelpMessage.author_id != HelpRequest.requester_id,
        )
        .scalar_subquery()
    )
    stmt = select(HelpRequest.kind, HelpRequest.created_at, first_answer).where(
        HelpRequest.organisation_id == f.scope.org.id,
        HelpRequest.created_at >= p.start,
        HelpRequest.created_at < p.end,
    )
    if f.scope.worker_id is not None:
        stmt = stmt.where(HelpRequest.worker_id == f.scope.worker_id)
    kinds: Counter[str] = Counter()
    waits: list[float] = []
    target = timedelta(hours=f.scope.org.help_target_hours)
    for kind, created, answered in (await session.execute(stmt)).all():
        kinds[str(kind)] += 1
        if answered is not None:
            waits.append((answered - created).total_seconds() / 3600)
        if answered is not None or created + target <= f.now:
            f.help_due += 1
            f.help_in_time += int(answered is not None and answered - created <= target)
    f.help_by_kind = {k.value: kinds.get(k.value, 0) for k in HelpKind}
    f.help_answered = len(waits)
    f.help_median_hours = round(statistics.median(waits), 1) if waits else None


async def closures(session: AsyncSession, f: Figures) -> None:
    """Matches closed in the period (the `matches` export's rows whose `closed_at` is in it),
    by reason and kind, and how many recorded every step their kind requires."""
    p = f.period
    stmt = in_scope(
        select(Match.closure_code, Match.closure_kind, Match.closure_steps).where(
            Match.started_on <= p.last,
            Match.closed_at >= p.start,
            Match.closed_at < p.end,
            Match.closure_code.is_not(None),
        ),
        f.scope,
    )
    reasons: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for code, kind, steps in (await session.execute(stmt)).all():
        reasons[str(code)] += 1
        if kind is not None:
            kinds[str(kind)] += 1
        f.closures_complete += int(closure_steps_done(kind, steps)[1])
    f.closures_by_reason = {r.value: reasons.get(r.value, 0) for r in ClosureReason}
    f.closures_by_kind = {k.value: kinds.get(k.value, 0) for k in ClosureKind}


async def check_ins(session: AsyncSession, f: Figures, zone: ZoneInfo) -> None:
    """Staff check-in compliance per match: of the matches running in the period (not only
    proposed), for each party, the windows of the organisation's cadence that began and ended
    within the period, before the day the match closed; a window is met with as many
    check-ins with that party as the cadence asks (the `check-ins` export's rows)."""
    p = f.period
    cadence = checkins.cadence_of(f.scope.org)
    matches = (
        await session.execute(
            in_scope(
                select(
                    Match.id,
                    Match.started_on,
                    Match.closed_at,
                    checkins.has_mentee_clause(before=p.end),
                ).where(
                    Match.status != MatchStatus.PROPOSED,
                    Match.started_on <= p.last,
                    or_(Match.closed_at.is_(None), Match.closed_at >= p.start),
                ),
                f.scope,
            )
        )
    ).all()
    contacts: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    stmt = in_scope(
        select(CheckIn.match_id, CheckIn.party, CheckIn.occurred_on)
        .join(Match, Match.id == CheckIn.match_id)
        .where(CheckIn.occurred_on.between(p.first, p.last)),
        f.scope,
    )
    result = await session.stream(stmt.execution_options(yield_per=STREAM_BATCH))
    async for partition in result.partitions(STREAM_BATCH):
        for match_id, party, day in partition:
            contacts[match_id][str(party)].append(day)
            f.checkins += 1
    for match_id, started_on, closed_at, has_mentee in matches:
        closed_on = None if closed_at is None else local_day(closed_at, zone)
        parties = [q for q in checkins.PARTIES if has_mentee or q != CheckInParty.MENTEE]
        windows, met = checkins.compliance_of_match(
            started_on, closed_on, contacts.get(match_id, {}), p.first, p.last, cadence, parties
        )
        if windows:
            f.checkin_matches += 1
            f.checkin_matches_met += int(met == windows)
            f.checkin_windows += windows
            f.checkin_windows_met += met
