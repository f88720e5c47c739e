"""Progress reports: a mentor's structured account of how a match is going, by domain, sent
to the referring worker in the worker's own language; and the programme's cadence of asking
for them (one report per match per period; one reminder when a request is ignored)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, NP_, Translator, isolate
from bot.services import actors, audit, outbox, people, texts
from bot.services.errors import Invalid
from bot.services.meetings import mentor_match
from domain.values import Actor
from storage.models import (
    Family,
    JobStatus,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    OutboxStatus,
    Person,
    ProgressReport,
    ReportRequest,
)

DOMAINS: dict[str, str] = {
    # Translators: an area a progress report rates: learning the country's language (not the app's language setting).
    "language": NP_("progress domain", "Language"),
    # Translators: an area a progress report rates: the people the mentee knows and can turn to, not social media.
    "social": NP_("progress domain", "Social network"),
    # Translators: an area a progress report rates.
    "autonomy": NP_("progress domain", "Autonomy with paperwork and services"),
    # Translators: an area a progress report rates.
    "work": NP_("progress domain", "Work or training"),
    # Translators: an area a progress report rates: having a stable home.
    "housing": NP_("progress domain", "Housing"),
    # Translators: an area a progress report rates: how the mentee feels, health of mind and body.
    "wellbeing": NP_("progress domain", "Wellbeing"),
}
RATINGS = (1, 2, 3, 4)
RATING_LABELS: dict[int, str] = {
    # Translators: a mark from 1 to 4 on a button; 1, the lowest.
    1: NP_("progress rating", "Needs a lot of support"),
    # Translators: a mark from 1 to 4 on a button; 2.
    2: NP_("progress rating", "Some progress"),
    # Translators: a mark from 1 to 4 on a button; 3.
    3: NP_("progress rating", "Good progress"),
    # Translators: a mark from 1 to 4 on a button; 4, the highest.
    4: NP_("progress rating", "Doing well"),
}
RELATIONSHIP_LABELS: dict[int, str] = {
    # Translators: how the mentor-mentee relationship is going, 1 of 4.
    1: NP_("relationship rating", "Difficult"),
    # Translators: how the mentor-mentee relationship is going, 2 of 4.
    2: NP_("relationship rating", "Could be better"),
    # Translators: how the mentor-mentee relationship is going, 3 of 4 (an adjective about the relationship).
    3: NP_("relationship rating", "Good"),
    # Translators: how the mentor-mentee relationship is going, 4 of 4.
    4: NP_("relationship rating", "Very good"),
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
    session: AsyncSession, now: datetime, mentor: Actor, entry: ReportEntry
) -> ProgressReport:
    """Store a report on one of the mentor's active matches, fulfil the match's pending
    requests, and queue it for the referring worker in the worker's language."""
    mentor = await actors.row(session, mentor)
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
    family = await session.get(Family, match.family_id)
    for request in pending.scalars():
        request.status = JobStatus.DONE
        request.report_id = report.id
        request.remind_at = None
        if request.mentor_id != mentor.id:
            await _done_by_another(session, now, request, mentor, family.name if family else "")
    worker = await session.get(Person, match.worker_id)
    if worker is not None and worker.active:
        rd = await people.reader(session, worker)
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


DONE_BY_ANOTHER = N_(
    "%(mentor)s has sent the progress report on the %(family)s family. Nothing more to do."
)


async def _done_by_another(
    session: AsyncSession, now: datetime, request: ReportRequest, author: Person, family: str
) -> None:
    """A co-mentor's prompt for the report `author` sent: its button goes (the prompt and its
    reminder are edited to say who did it), and one not sent yet is withdrawn."""
    teammate = await session.get(Person, request.mentor_id)
    if teammate is None:
        return
    tr = (await people.reader(session, teammate)).tr
    text = tr.gettext(DONE_BY_ANOTHER) % {"mentor": isolate(author.name), "family": isolate(family)}
    for prompt in await outbox.sent_for(session, ("report_request", request.id), teammate.id):
        if prompt.status == OutboxStatus.QUEUED:
            prompt.status, prompt.last_error = OutboxStatus.CANCELLED, "report sent by another"
        elif prompt.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
            outbox.enqueue(
                session, now, teammate, "report_done", text, edit_of=prompt,
                dedupe_key=f"report_done:{prompt.id}",
            )  # fmt: skip


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


@dataclass(frozen=True)
class DoneByTeammate:
    mentor: str
    family: str
    at: datetime


async def done_by_teammate(
    session: AsyncSession, mentor: Actor, match_id: int
) -> DoneByTeammate | None:
    """The report another mentor of the team sent for the mentor's latest request on this
    match (None: the request is still open, or there is none, or the mentor sent it)."""
    request = (
        await session.execute(
            select(ReportRequest)
            .where(ReportRequest.match_id == match_id, ReportRequest.mentor_id == mentor.id)
            .order_by(ReportRequest.requested_at.desc(), ReportRequest.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if request is None or request.status != JobStatus.DONE or request.report_id is None:
        return None
    report = await session.get(ProgressReport, request.report_id)
    if report is None or report.mentor_id == mentor.id:
        return None
    author = await session.get(Person, report.mentor_id)
    match = await session.get(Match, match_id)
    family = await session.get(Family, match.family_id) if match is not None else None
    return DoneByTeammate(
        author.name if author else "", family.name if family else "", report.created_at
    )


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
        buttons=[[(_("Report now"), f"rp:m:{match.id}")]],
        ref=("report_request", request.id),
        dedupe_key=f"report_request:{request.id}:{int(reminder)}",
        not_before=outside_quiet_hours(now, rd.tz, mentor.quiet_start, mentor.quiet_end),
    )
    return 1 if sent is not None else 0


async def pending_for(session: AsyncSession, mentor: Actor) -> list[int]:
    """Ids of the matches for which the programme is waiting for this mentor's report."""
    result = await session.execute(
        select(ReportRequest.match_id)
        .where(ReportRequest.mentor_id == mentor.id, ReportRequest.status == JobStatus.PENDING)
        .distinct()
    )
    return sorted(result.scalars())
