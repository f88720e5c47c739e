"""The weekly digest for workers and coordinators: what happened in their caseload (a
coordinator: the organisation) over the last seven days, what needs them now, and a chart of
meetings per week over the last twelve weeks (a coordinator's has two series: the open matches
and the whole programme, ended matches included), as a separate photo message (captions stop at
1,024 characters).

It goes on the organisation's weekday (`Organisation.digest_weekday`, 0 Monday) from its hour
(`digest_hour`), both in each reader's own timezone, in the reader's language; once a day at
most (a `DigestRun` row, written with the messages); and not at all when there is nothing to
say. Every figure is a SQL count over the reader's scope (`bot.services.caseload.scope`).
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot import charts
from bot.i18n import Translator
from bot.services import activity, caseload, checkins, outbox, people, support
from bot.services.progress import REMIND_AFTER
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    Concern,
    ConcernStatus,
    DigestRun,
    HelpRequest,
    JobStatus,
    Match,
    MatchMentor,
    Meeting,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    ReportRequest,
    Role,
    ThreadStatus,
)

WEEKS = 12
COMPOSED_PER_BATCH = 2  # a chart takes a few hundred milliseconds to draw
WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Digest:
    person_id: int
    locale: str
    text: str  # empty: nothing to say
    chart: bytes | None
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.text


async def _count(session: AsyncSession, query: object) -> int:
    return int(await session.scalar(query) or 0)  # type: ignore[call-overload]


async def figures(session: AsyncSession, staff: Person, now: datetime, tz: str) -> dict[str, int]:
    """The digest's numbers for `staff`'s scope."""
    where = caseload.scope(staff)
    await caseload.custom_plans(session)  # before the first count, not from the sixth digest
    ids = select(Match.id).where(where).scalar_subquery()
    today = now.astimezone(ZoneInfo(tz)).date()
    since = now - WINDOW
    f: dict[str, int] = {}
    f["meetings"] = await _count(
        session,
        select(func.count(Meeting.id)).where(
            Meeting.match_id.in_(ids), Meeting.occurred_on > today - WINDOW
        ),
    )
    f["minutes"] = await _count(
        session,
        select(func.coalesce(func.sum(Meeting.duration_minutes), 0)).where(
            Meeting.match_id.in_(ids), Meeting.occurred_on > today - WINDOW
        ),
    )
    answers = (
        select(func.count())
        .select_from(AppointmentAnswer)
        .join(Appointment, Appointment.id == AppointmentAnswer.appointment_id)
        .where(Appointment.match_id.in_(ids), AppointmentAnswer.answered_at > since)
    )
    f["coming"] = await _count(session, answers.where(AppointmentAnswer.answer == Answer.COMING))
    f["cannot"] = await _count(session, answers.where(AppointmentAnswer.answer != Answer.COMING))
    f["new_concerns"] = await _count(
        session,
        select(func.count(Concern.id)).where(Concern.match_id.in_(ids), Concern.raised_at > since),
    )
    f["closed_concerns"] = await _count(
        session,
        select(func.count(Concern.id)).where(
            Concern.match_id.in_(ids), Concern.resolved_at > since
        ),
    )
    f["new_help"] = await _count(
        session,
        select(func.count(HelpRequest.id)).where(
            HelpRequest.match_id.in_(ids), HelpRequest.created_at > since
        ),
    )
    f["closed_help"] = await _count(
        session,
        select(func.count(HelpRequest.id)).where(
            HelpRequest.match_id.in_(ids),
            HelpRequest.closed_at > since,
            HelpRequest.status == ThreadStatus.CLOSED,
        ),
    )
    # What needs them.
    f["unacknowledged"] = await _count(
        session,
        select(func.count(Concern.id)).where(
            Concern.match_id.in_(ids),
            Concern.status.in_([ConcernStatus.OPEN, ConcernStatus.UNACKNOWLEDGED]),
            Concern.ack_deadline_at < now,
        ),
    )
    f["reports_overdue"] = await _count(
        session,
        select(func.count(func.distinct(ReportRequest.match_id))).where(
            ReportRequest.match_id.in_(ids),
            ReportRequest.status == JobStatus.PENDING,
            ReportRequest.requested_at < now - REMIND_AFTER,
        ),
    )
    org = await session.get(Organisation, staff.organisation_id)
    quiet_after = int(((org.quiet_days if org else None) or [14])[0])
    f["quiet"] = await _count(  # as /matches' quiet filter counts them
        session,
        select(func.count(Match.id)).where(
            where, activity.quiet_since(today - timedelta(days=quiet_after))
        ),
    )
    f["checkins_overdue"] = await checkins.overdue_count(session, staff, today)
    people_ids = union(
        select(MatchMentor.mentor_id.label("pid")).where(MatchMentor.match_id.in_(ids)),
        select(Person.id.label("pid"))
        .join(Match, and_(Match.family_id == Person.family_id, Person.role == Role.MENTEE))
        .where(where),
    ).subquery()
    f["unreachable"] = await _count(
        session,
        select(func.count(Person.id)).where(
            Person.id.in_(select(people_ids.c.pid)),
            ~Person.reachable,
            Person.active,
            Person.telegram_id.is_not(None),
        ),
    )
    f["undelivered"] = await _count(
        session,
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.person_id.in_(select(people_ids.c.pid)),
            OutboxMessage.status == OutboxStatus.FAILED,
            OutboxMessage.created_at > since,
        ),
    )
    f["support"] = await support.flagged_count(session, staff, now)
    return f


async def weekly_meetings(
    session: AsyncSession, staff: Person, today: date, *, whole_programme: bool = False
) -> tuple[list[date], list[int]]:
    """Meetings per week (weeks starting on Monday) over the last `WEEKS` weeks."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    where = (
        Match.organisation_id == staff.organisation_id if whole_programme else caseload.scope(staff)
    )
    rows = await session.execute(
        select(Meeting.occurred_on, func.count(Meeting.id))
        .join(Match, Match.id == Meeting.match_id)
        .where(where, Meeting.occurred_on >= first, Meeting.occurred_on <= today)
        .group_by(Meeting.occurred_on)
    )
    counts = [0] * WEEKS
    for day, n in rows.all():
        d = day if isinstance(day, date) else date.fromisoformat(str(day))
        counts[min(WEEKS - 1, (d - first).days // 7)] += int(n)
    return [first + timedelta(weeks=i) for i in range(WEEKS)], counts


def render(tr: Translator, staff: Person, f: dict[str, int]) -> str:
    _ = tr.gettext
    happened: list[str] = []
    if f["meetings"]:
        happened.append(
            tr.ngettext(
                "%(n)s meeting, %(time)s in all", "%(n)s meetings, %(time)s in all", f["meetings"]
            )
            % {"n": tr.number(f["meetings"]), "time": tr.duration(f["minutes"])}
        )
    if f["coming"] or f["cannot"]:
        happened.append(
            _("families' answers: %(yes)s coming, %(no)s can't come")
            % {"yes": tr.number(f["coming"]), "no": tr.number(f["cannot"])}
        )
    if f["new_concerns"] or f["closed_concerns"]:
        happened.append(
            tr.ngettext(
                "%(n)s new concern, %(closed)s resolved",
                "%(n)s new concerns, %(closed)s resolved",
                f["new_concerns"],
            )
            % {"n": tr.number(f["new_concerns"]), "closed": tr.number(f["closed_concerns"])}
        )
    if f["new_help"] or f["closed_help"]:
        happened.append(
            tr.ngettext(
                "%(n)s new help request, %(closed)s closed",
                "%(n)s new help requests, %(closed)s closed",
                f["new_help"],
            )
            % {"n": tr.number(f["new_help"]), "closed": tr.number(f["closed_help"])}
        )
    needs: list[str] = []
    texts = {
        "unacknowledged": tr.ngettext(
            "%(n)s concern past its acknowledgement deadline",
            "%(n)s concerns past their acknowledgement deadline",
            f["unacknowledged"],
        ),
        "reports_overdue": tr.ngettext(
            "%(n)s progress report overdue",
            "%(n)s progress reports overdue",
            f["reports_overdue"],
        ),
        "quiet": tr.ngettext("%(n)s quiet match", "%(n)s quiet matches", f["quiet"]),
        "checkins_overdue": tr.ngettext(
            "%(n)s match with a staff check-in overdue",
            "%(n)s matches with a staff check-in overdue",
            f.get("checkins_overdue", 0),
        ),
        "unreachable": tr.ngettext(
            "%(n)s person the bot cannot reach",
            "%(n)s people the bot cannot reach",
            f["unreachable"],
        ),
        "undelivered": tr.ngettext(
            "%(n)s message that could not be delivered",
            "%(n)s messages that could not be delivered",
            f["undelivered"],
        ),
        "support": tr.ngettext(
            "%(n)s mentor who may need support (send /mentors)",
            "%(n)s mentors who may need support (send /mentors)",
            f.get("support", 0),
        ),
    }
    for key, text in texts.items():
        if f.get(key):
            needs.append(text % {"n": tr.number(f[key])})
    if not happened and not needs:
        return ""
    title = (
        _("<b>Your week: your caseload</b>")
        if staff.role == Role.WORKER
        else _("<b>Your week: the programme</b>")
    )
    lines = [title, "", _("<b>The last 7 days</b>")]
    lines += [f"• {h}" for h in happened] or [_("No meeting or answer was logged.")]
    lines += ["", _("<b>Needs you</b>")]
    lines += [f"• {n}" for n in needs] or [_("Nothing is waiting for you.")]
    lines += ["", _("Send /matches to see each match, those needing attention first.")]
    return "\n".join(lines)


async def compose(session: AsyncSession, staff: Person, now: datetime) -> Digest:
    """The digest as `staff` would get it now (for the scheduler and `mentorbot digest`)."""
    rd = await people.reader(session, staff)
    tr = rd.tr
    f = await figures(session, staff, now, rd.tz)
    text = render(tr, staff, f)
    if not text:
        return Digest(staff.id, rd.locale, "", None, f)
    today = now.astimezone(ZoneInfo(rd.tz)).date()
    weeks, counts = await weekly_meetings(session, staff, today)
    series = [
        charts.Series(
            tr.gettext("Your caseload")
            if staff.role == Role.WORKER
            else tr.gettext("Open matches"),
            [float(c) for c in counts],
        )
    ]
    if staff.role == Role.COORDINATOR:
        # Beside the open matches, the whole programme: the matches ended since count too.
        _, programme = await weekly_meetings(session, staff, today, whole_programme=True)
        series.append(
            charts.Series(tr.gettext("The whole programme"), [float(c) for c in programme])
        )
    # Drawn in a worker thread: the event loop goes on serving updates meanwhile.
    chart = await asyncio.to_thread(
        functools.partial(
            charts.bar_chart,
            title=tr.gettext("Meetings per week, last 12 weeks"),
            categories=[tr.day(w, "d MMM") for w in weeks],
            series=series,
            locale=rd.locale,
            y_label=tr.gettext("Meetings"),
        )
    )
    return Digest(staff.id, rd.locale, text, chart, f)


def due(now: datetime, tz: str, weekday: int, hour: int) -> date | None:
    """The reader's local day when their digest is due now, else None."""
    local = now.astimezone(ZoneInfo(tz))
    if local.weekday() != weekday or local.time() < time(hour, 0):
        return None
    return local.date()


async def digest_batch(
    session: AsyncSession, now: datetime, after_id: int, limit: int
) -> tuple[int, int | None]:
    """Walk the linked workers and coordinators by id; compose and queue the digests due.
    Returns (messages queued, the last id looked at, or None when the walk is over)."""
    staff = list(
        (
            await session.execute(
                select(Person)
                .where(
                    Person.role.in_([Role.WORKER, Role.COORDINATOR]),
                    Person.active,
                    Person.telegram_id.is_not(None),
                    Person.id > after_id,
                )
                .order_by(Person.id)
                .limit(limit)
            )
        ).scalars()
    )
    if not staff:
        return 0, None
    queued = composed = 0
    for person in staff:
        if composed >= COMPOSED_PER_BATCH:
            await session.flush()
            return queued, person.id - 1
        rd = await people.reader(session, person)
        day = due(now, rd.tz, rd.org.digest_weekday, rd.org.digest_hour)
        if day is None:
            continue
        done = await session.scalar(
            select(DigestRun.id).where(DigestRun.person_id == person.id, DigestRun.day == day)
        )
        if done is not None:
            continue
        digest = await compose(session, person, now)
        composed += 1
        session.add(DigestRun(person_id=person.id, day=day, sent=not digest.empty, created_at=now))
        if digest.empty:
            continue
        key = f"digest:{person.id}:{day.isoformat()}"
        if outbox.enqueue(session, now, person, "digest", digest.text, dedupe_key=key):
            queued += 1
        if digest.chart is not None and outbox.enqueue(
            session,
            now,
            person,
            "digest_chart",
            "",
            document=outbox.Document("digest.png", digest.chart, "image/png"),
            dedupe_key=f"{key}:chart",
        ):
            queued += 1
    await session.flush()
    return queued, staff[-1].id if len(staff) == limit else None
