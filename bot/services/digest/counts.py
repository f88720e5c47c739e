"""The digest's figures: SQL counts over the reader's scope (`bot.services.caseload.scope`)
for the last seven days and what needs them now, and the meetings per week of the chart."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import activity, caseload, checkins, support
from bot.services.progress import REMIND_AFTER
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    Concern,
    ConcernStatus,
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
WINDOW = timedelta(days=7)

# The figures of what happened in the last seven days, and of what needs the reader now: a
# digest is sent when one of them is not zero (else there is nothing to say).
HAPPENED = ("meetings", "coming", "cannot", "new_concerns", "closed_concerns", "new_help",
            "closed_help")  # fmt: skip
NEEDS = ("unacknowledged", "reports_overdue", "quiet", "checkins_overdue", "unreachable",
         "undelivered", "support")  # fmt: skip


def has_news(f: dict[str, int]) -> bool:
    """The digest has something to say: a figure of what happened or of what needs the reader
    is not zero."""
    return any(f.get(key) for key in HAPPENED + NEEDS)


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
