"""The programme report for funders and quality seals: the figures of a period, each with how
it is computed, for the whole organisation (coordinators, the CLI) or for one worker's
caseload (the matches they refer, the concerns and help requests that are theirs).

`figures()` counts from the database; `tables()` words them in a reader's language;
`bot.services.report_render` makes the PDF and the XLSX of those tables. Every figure can be
recomputed from the exports of the same period (docs/exports.md): tests/test_report.py does.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.services import checkins
from bot.services.errors import Invalid, NotAllowed
from bot.services.exports import STREAM_BATCH, Period
from bot.services.meetings import ACTIVITIES
from bot.services.progress import DOMAINS
from domain.values import Actor
from storage.match_life import ClosureKind, ClosureReason, closure_steps_done
from storage.models import (
    Appointment,
    AppointmentAnswer,
    CheckIn,
    CheckInParty,
    Concern,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    MatchStatus,
    Meeting,
    Organisation,
    Person,
    ProgressReport,
    Role,
)

Ts = TypeVarTuple("Ts")

# Ages of matches, in days: under 3 months, 3-6, 6-12, a year or more.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under_3_months", 0, 91),
    ("3_to_6_months", 91, 183),
    ("6_to_12_months", 183, 365),
    ("12_months_or_more", 365, None),
)


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


@dataclass
class Month:
    meetings: int = 0
    minutes: int = 0
    mood_sum: int = 0
    mood_n: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def mood(self) -> float | None:
        return round(self.mood_sum / self.mood_n, 2) if self.mood_n else None


@dataclass
class Figures:
    scope: Scope
    period: Period
    now: datetime
    # people and families
    families: int = 0  # accompanied: a match open at some time in the period
    families_new: int = 0  # whose match started in the period
    families_active_end: int = 0  # with a match still open at the end of the period
    families_closed: int = 0  # whose match closed in the period
    mentees: int = 0  # the mentees of the families accompanied
    mentors: int = 0  # the mentors of those matches
    # matches
    by_status: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    # meetings
    months: dict[str, Month] = field(default_factory=dict)  # "2026-03"
    activities: dict[str, int] = field(default_factory=dict)
    # progress: domain -> (mean rating, reports)
    progress: dict[str, tuple[float, int]] = field(default_factory=dict)
    progress_reports: int = 0
    needs_support: int = 0
    # concerns
    concerns: dict[tuple[str, str], int] = field(default_factory=dict)  # (category, severity)
    sla_met: int = 0
    sla_due: int = 0
    ack_median_minutes: float | None = None
    # help
    help_by_kind: dict[str, int] = field(default_factory=dict)
    help_answered: int = 0
    help_in_time: int = 0
    help_due: int = 0
    help_median_hours: float | None = None
    # reminder answers
    answers: dict[str, int] = field(default_factory=dict)
    # closures in the period: per reason; per kind (planned, unplanned); with every step
    closures_by_reason: dict[str, int] = field(default_factory=dict)
    closures_by_kind: dict[str, int] = field(default_factory=dict)
    closures_complete: int = 0
    # staff check-ins against the organisation's cadence (bot.services.checkins)
    checkin_matches: int = 0  # matches with a check-in window within the period
    checkin_matches_met: int = 0  # of those, the ones whose every window was met
    checkin_windows: int = 0  # windows (per party) within the period
    checkin_windows_met: int = 0
    checkins: int = 0  # check-ins made in the period

    @property
    def closures(self) -> int:
        return sum(self.closures_by_reason.values())

    @property
    def closures_complete_share(self) -> float | None:
        """Per cent of the period's closures that recorded every closure step."""
        return round(100 * self.closures_complete / self.closures, 1) if self.closures else None

    @property
    def checkin_share(self) -> float | None:
        """Per cent of the matches that met every check-in window of the period."""
        if not self.checkin_matches:
            return None
        return round(100 * self.checkin_matches_met / self.checkin_matches, 1)

    @property
    def meetings(self) -> int:
        return sum(m.meetings for m in self.months.values())

    @property
    def hours(self) -> float:
        return round(sum(m.minutes for m in self.months.values()) / 60, 1)


def months_of(period: Period) -> list[str]:
    """Every month the period touches, "YYYY-MM", in order."""
    out: list[str] = []
    day = period.first.replace(day=1)
    while day <= period.last:
        out.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _in_scope(stmt: Select[*Ts], scope: Scope) -> Select[*Ts]:
    stmt = stmt.where(Match.organisation_id == scope.org.id)
    if scope.worker_id is not None:
        stmt = stmt.where(Match.worker_id == scope.worker_id)
    return stmt


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def age_bucket(days: int) -> str:
    for name, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days < high):
            return name
    return AGE_BUCKETS[0][0]


async def figures(session: AsyncSession, now: datetime, scope: Scope, period: Period) -> Figures:
    f = Figures(scope, period, now)
    zone = ZoneInfo(scope.org.timezone)
    await _matches(session, f, zone)
    await _meetings(session, f)
    await _progress(session, f)
    await _concerns(session, f)
    await _help(session, f)
    await _answers(session, f)
    await _closures(session, f)
    await _check_ins(session, f, zone)
    return f


async def _matches(session: AsyncSession, f: Figures, zone: ZoneInfo) -> None:
    p = f.period
    stmt = _in_scope(
        select(Match.id, Match.family_id, Match.status, Match.started_on, Match.closed_at).where(
            Match.started_on <= p.last, or_(Match.closed_at.is_(None), Match.closed_at >= p.start)
        ),
        f.scope,
    )
    rows = (await session.execute(stmt)).all()
    status = Counter(str(r.status) for r in rows)
    f.by_status = {s.value: status.get(s.value, 0) for s in MatchStatus}
    running = [r for r in rows if r.status != MatchStatus.PROPOSED]
    families = {r.family_id for r in running}
    f.families = len(families)
    f.families_new = len({r.family_id for r in running if r.started_on >= p.first})
    f.families_closed = len(
        {r.family_id for r in running if r.closed_at is not None and r.closed_at < p.end}
    )
    f.families_active_end = len(
        {r.family_id for r in running if r.closed_at is None or r.closed_at >= p.end}
    )
    ages: Counter[str] = Counter()
    for r in running:
        until = p.last
        if r.closed_at is not None and r.closed_at < p.end:
            until = _local_day(r.closed_at, zone)
        ages[age_bucket((until - r.started_on).days)] += 1
    f.by_age = {name: ages.get(name, 0) for name, _low, _high in AGE_BUCKETS}
    if families:
        f.mentees = int(
            await session.scalar(
                select(func.count(Person.id)).where(
                    Person.role == Role.MENTEE, Person.family_id.in_(families)
                )
            )
            or 0
        )
        match_ids = [r.id for r in running]
        mentors: set[int] = set()
        for chunk in range(0, len(match_ids), 1000):
            mentors.update(
                await session.scalars(
                    select(MatchMentor.mentor_id).where(
                        MatchMentor.match_id.in_(match_ids[chunk : chunk + 1000])
                    )
                )
            )
        f.mentors = len(mentors)


async def _meetings(session: AsyncSession, f: Figures) -> None:
    p = f.period
    f.months = {m: Month() for m in months_of(p)}
    activities: Counter[str] = Counter()
    stmt = _in_scope(
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
    stmt = _in_scope(
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


async def _concerns(session: AsyncSession, f: Figures) -> None:
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


async def _help(session: AsyncSession, f: Figures) -> None:
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


async def _answers(session: AsyncSession, f: Figures) -> None:
    p = f.period
    stmt = _in_scope(
        select(AppointmentAnswer.answer, func.count())
        .join(Appointment, Appointment.id == AppointmentAnswer.appointment_id)
        .join(Match, Match.id == Appointment.match_id)
        .where(Appointment.starts_at >= p.start, Appointment.starts_at < p.end)
        .group_by(AppointmentAnswer.answer),
        f.scope,
    )
    found = {str(a): int(n) for a, n in (await session.execute(stmt)).all()}
    f.answers = {a: found.get(a, 0) for a in ("coming", "cannot", "reschedule")}


async def _closures(session: AsyncSession, f: Figures) -> None:
    """Matches closed in the period (the `matches` export's rows whose `closed_at` is in it),
    by reason and kind, and how many recorded every step their kind requires."""
    p = f.period
    stmt = _in_scope(
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


async def _check_ins(session: AsyncSession, f: Figures, zone: ZoneInfo) -> None:
    """Staff check-in compliance per match: of the matches running in the period (not only
    proposed), for each party, the windows of the organisation's cadence that began and ended
    within the period, before the day the match closed; a window is met with as many
    check-ins with that party as the cadence asks (the `check-ins` export's rows)."""
    p = f.period
    cadence = checkins.cadence_of(f.scope.org)
    matches = (
        await session.execute(
            _in_scope(
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
    stmt = _in_scope(
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
        closed_on = None if closed_at is None else _local_day(closed_at, zone)
        parties = [q for q in checkins.PARTIES if has_mentee or q != CheckInParty.MENTEE]
        windows, met = checkins.compliance_of_match(
            started_on, closed_on, contacts.get(match_id, {}), p.first, p.last, cadence, parties
        )
        if windows:
            f.checkin_matches += 1
            f.checkin_matches_met += int(met == windows)
            f.checkin_windows += windows
            f.checkin_windows_met += met


# Labels of codes, translated when the report is worded.
STATUS_LABELS = {
    "proposed": N_("Proposed"),
    "active": N_("Active"),
    "closed": N_("Closed"),
}
AGE_LABELS = {
    "under_3_months": N_("Under 3 months"),
    "3_to_6_months": N_("3 to 6 months"),
    "6_to_12_months": N_("6 to 12 months"),
    "12_months_or_more": N_("A year or more"),
}
KIND_LABELS = {
    "planned": N_("Planned"),
    "unplanned": N_("Unplanned"),
}
ANSWER_LABELS = {
    "coming": N_("Coming"),
    "cannot": N_("Cannot come"),
    "reschedule": N_("Asked for another time"),
}


# Periods staff can ask for in Telegram: code (in the button's callback data) -> label.
PERIODS: dict[str, str] = {
    "m0": N_("This month"),
    "m1": N_("Last month"),
    "q0": N_("This quarter"),
    "q1": N_("Last quarter"),
}


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
    return _local_day(now, ZoneInfo(scope.org.timezone))
