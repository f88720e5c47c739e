"""Progress reports: a mentor's structured account of how a match is going, by domain, sent
to the referring worker in the worker's own language; and the programme's cadence of asking
for them (one report per match per period; one reminder when a request is ignored)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator, isolate
from bot.services import audit, outbox, people, texts
from bot.services.errors import Invalid
from bot.services.meetings import mentor_match
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

DOMAINS: dict[str, str] = {
    "language": N_("Language"),
    "social": N_("Social network"),
    "autonomy": N_("Autonomy with paperwork and services"),
    "work": N_("Work or training"),
    "housing": N_("Housing"),
    "wellbeing": N_("Wellbeing"),
}
RATINGS = (1, 2, 3, 4)
RATING_LABELS: dict[int, str] = {
    1: N_("Needs a lot of support"),
    2: N_("Some progress"),
    3: N_("Good progress"),
    4: N_("Doing well"),
}
RELATIONSHIP_LABELS: dict[int, str] = {
    1: N_("Difficult"),
    2: N_("Could be better"),
    3: N_("Good"),
    4: N_("Very good"),
}
REMIND_AFTER = timedelta(days=7)
COMMENT_MAX = 1000  # UTF-16 units, as Telegram counts them


# --- pure rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportEntry:
    match_id: int
    ratings: Mapping[str, int]
    comments: Mapping[str, str | None] = field(default_factory=dict)
    relationship: int = 0
    needs_support: bool = False


def validate(entry: ReportEntry) -> dict[str, dict[str, object]]:
    """The `domains` column of a valid report; Invalid(code) otherwise."""
    if set(entry.ratings) != set(DOMAINS) or not set(entry.comments) <= set(DOMAINS):
        raise Invalid("domains")
    domains: dict[str, dict[str, object]] = {}
    for code in DOMAINS:
        rating = entry.ratings[code]
        if rating not in RATINGS:
            raise Invalid("rating")
        comment = (entry.comments.get(code) or "").strip() or None
        if comment is not None:
            texts.check(comment, COMMENT_MAX, "comment_too_long")
        domains[code] = {"rating": rating, "comment": comment}
    if entry.relationship not in RATINGS:
        raise Invalid("relationship")
    return domains


def period_due(anchor: datetime, now: datetime, cadence_days: int) -> bool:
    """A new report is due once a whole period has passed since the anchor (the match's
    start, the last report, or the last request, whichever is latest)."""
    return now - anchor >= timedelta(days=max(cadence_days, 1))


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def outside_quiet_hours(moment: datetime, tz: str, quiet_start: str, quiet_end: str) -> datetime:
    """`moment`, or the end of the person's quiet hours if it falls inside them (local
    "HH:MM" bounds, possibly spanning midnight)."""
    local = moment.astimezone(ZoneInfo(tz))
    start, end, now_m = _minutes(quiet_start), _minutes(quiet_end), local.hour * 60 + local.minute
    if start == end:
        return moment
    inside = (start <= now_m or now_m < end) if start > end else (start <= now_m < end)
    if not inside:
        return moment
    day = local.date() if now_m < end else local.date() + timedelta(days=1)
    wake = datetime.combine(day, time(end // 60, end % 60), tzinfo=ZoneInfo(tz))
    return wake.astimezone(moment.tzinfo)


# --- reports --------------------------------------------------------------------------------


async def submit(
    session: AsyncSession, now: datetime, mentor: Person, entry: ReportEntry
) -> ProgressReport:
    """Store a report on one of the mentor's active matches, fulfil the match's pending
    requests, and queue it for the referring worker in the worker's language."""
    match = await mentor_match(session, mentor, entry.match_id)
    domains = validate(entry)
    report = ProgressReport(
        match_id=match.id,
        mentor_id=mentor.id,
        domains=domains,
        relationship=entry.relationship,
        needs_support=entry.needs_support,
        comment=None,
        created_at=now,
    )
    session.add(report)
    await session.flush()
    pending = await session.execute(
        select(ReportRequest).where(
            ReportRequest.match_id == match.id, ReportRequest.status == JobStatus.PENDING
        )
    )
    for request in pending.scalars():
        request.status = JobStatus.DONE
        request.report_id = report.id
        request.remind_at = None
    worker = await session.get(Person, match.worker_id)
    if worker is not None and worker.active:
        rd = await people.reader(session, worker)
        family = await session.get(Family, match.family_id)
        text = render_for_worker(
            rd.tr, rd.tz, report, family.name if family else "", mentor.name, match.id
        )
        outbox.enqueue(
            session,
            now,
            worker,
            "progress_report",
            text,
            buttons=[[(rd.tr.gettext("Open the match"), f"mt:{match.id}")]],
            ref=("progress_report", report.id),
            dedupe_key=f"progress_report:{report.id}",
        )
    audit.record(
        session,
        now,
        "report.submitted",
        actor_id=mentor.id,
        organisation_id=mentor.organisation_id,
        target=("progress_report", report.id),
        match_id=match.id,
        needs_support=entry.needs_support,
    )
    return report


def render_for_worker(
    tr: Translator,
    tz: str,
    report: ProgressReport,
    family_name: str,
    mentor_name: str,
    match_id: int,
) -> str:
    """The report as the referring worker reads it: their language, their timezone."""
    _ = tr.gettext
    lines = [
        _("<b>Progress report: %(family)s family</b> (match no. %(match)s)")
        % {"family": isolate(family_name), "match": match_id},
        _("From %(mentor)s, %(when)s")
        % {"mentor": isolate(mentor_name), "when": tr.when(report.created_at, tz)},
        "",
    ]
    for code, label in DOMAINS.items():
        item = report.domains.get(code) or {}
        rating = int(item.get("rating") or 0)
        lines.append(
            _("%(domain)s: %(rating)s/%(scale)s · %(label)s")
            % {
                "domain": _(label),
                "rating": tr.number(rating),
                "scale": tr.number(len(RATINGS)),
                "label": _(RATING_LABELS[rating]) if rating in RATING_LABELS else "",
            }
        )
        if item.get("comment"):
            lines.append("   " + isolate(str(item["comment"])))
    lines.append("")
    lines.append(
        _("How the relationship is going: %(rating)s/%(scale)s · %(label)s")
        % {
            "rating": tr.number(report.relationship),
            "scale": tr.number(len(RATINGS)),
            "label": _(RELATIONSHIP_LABELS[report.relationship]),
        }
    )
    if report.needs_support:
        lines.append(_("⚠️ The mentor asks for support from staff."))
    else:
        lines.append(_("The mentor does not need support from staff."))
    return "\n".join(lines)


# --- the cadence ------------------------------------------------------------------------------


def _start_of(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))


async def ask_for_reports(session: AsyncSession, now: datetime) -> int:
    """The due job: ask the mentors of each active match whose period has passed without a
    report; remind once those who have not answered after `REMIND_AFTER`. Returns how many
    messages it queued."""
    return await _new_requests(session, now) + await _reminders(session, now)


async def _new_requests(session: AsyncSession, now: datetime) -> int:
    last_report = (
        select(ProgressReport.match_id, func.max(ProgressReport.created_at).label("at"))
        .group_by(ProgressReport.match_id)
        .subquery()
    )
    last_request = (
        select(ReportRequest.match_id, func.max(ReportRequest.requested_at).label("at"))
        .group_by(ReportRequest.match_id)
        .subquery()
    )
    query = (
        select(Match, Organisation, last_report.c.at, last_request.c.at)
        .join(Organisation, Organisation.id == Match.organisation_id)
        .outerjoin(last_report, last_report.c.match_id == Match.id)
        .outerjoin(last_request, last_request.c.match_id == Match.id)
        .where(Match.status == MatchStatus.ACTIVE)
        .order_by(Match.id)
        .with_for_update(of=Match, skip_locked=True)  # PostgreSQL; SQLite has no row locks
    )
    queued = 0
    for match, org, reported_at, requested_at in (await session.execute(query)).all():
        anchors = [_start_of(match.started_on, org.timezone), reported_at, requested_at]
        anchor = max(a for a in anchors if a is not None)
        if not period_due(anchor, now, org.report_cadence_days):
            continue
        # Requests of an earlier period that were never answered are superseded.
        stale = await session.execute(
            select(ReportRequest).where(
                ReportRequest.match_id == match.id, ReportRequest.status == JobStatus.PENDING
            )
        )
        for old in stale.scalars():
            old.status, old.remind_at = JobStatus.SKIPPED, None
        mentors = await session.execute(
            select(Person)
            .join(MatchMentor, MatchMentor.mentor_id == Person.id)
            .where(MatchMentor.match_id == match.id, Person.active)
            .order_by(Person.id)
        )
        for mentor in mentors.scalars():
            request = ReportRequest(
                match_id=match.id,
                mentor_id=mentor.id,
                requested_at=now,
                remind_at=now + REMIND_AFTER,
                status=JobStatus.PENDING,
            )
            session.add(request)
            await session.flush()
            queued += await _ask(session, now, mentor, match, request, reminder=False)
    return queued


async def _reminders(session: AsyncSession, now: datetime) -> int:
    query = (
        select(ReportRequest)
        .where(
            ReportRequest.status == JobStatus.PENDING,
            ReportRequest.remind_at.is_not(None),
            ReportRequest.remind_at <= now,
        )
        .order_by(ReportRequest.id)
        .with_for_update(skip_locked=True)
    )
    queued = 0
    for request in list((await session.execute(query)).scalars()):
        request.remind_at = None  # once only
        mentor = await session.get(Person, request.mentor_id)
        match = await session.get(Match, request.match_id)
        if mentor is None or match is None or match.status != MatchStatus.ACTIVE:
            request.status = JobStatus.CANCELLED
            continue
        queued += await _ask(session, now, mentor, match, request, reminder=True)
    return queued


async def _ask(
    session: AsyncSession,
    now: datetime,
    mentor: Person,
    match: Match,
    request: ReportRequest,
    *,
    reminder: bool,
) -> int:
    if not mentor.active:
        return 0
    rd = await people.reader(session, mentor)
    family = await session.get(Family, match.family_id)
    name = isolate(family.name if family else "")
    _ = rd.tr.gettext
    if reminder:
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
        buttons=[[(_("Report now"), f"rp:m:{match.id}")]],
        ref=("report_request", request.id),
        dedupe_key=f"report_request:{request.id}:{int(reminder)}",
        not_before=outside_quiet_hours(now, rd.tz, mentor.quiet_start, mentor.quiet_end),
    )
    return 1 if sent is not None else 0


async def pending_for(session: AsyncSession, mentor: Person) -> list[int]:
    """Ids of the matches for which the programme is waiting for this mentor's report."""
    result = await session.execute(
        select(ReportRequest.match_id)
        .where(ReportRequest.mentor_id == mentor.id, ReportRequest.status == JobStatus.PENDING)
        .distinct()
    )
    return sorted(result.scalars())
