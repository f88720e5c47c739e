"""Quiet matches: a match with no logged meeting for a while is noticed, step by step.

Each organisation has three thresholds (`Organisation.quiet_days`, default 14, 28 and 45 days,
the anchors of ReDI Connect and Mentorloop): at the first the mentors get a friendly nudge
(one tap from /log or /plan), at the second the referring worker hears of it, at the third the
coordinators. The days count from the last logged meeting, or from the day the match started
when there is none yet: that day begins a *quiet spell*, and each alert goes once per spell
(a `QuietAlert` row, unique per match, level and spell, written with the messages in one
transaction, so that a restart or a second tick sends nothing twice). Logging a meeting
starts a new spell, so the chain starts again from the mentors.

The alerts are a domain event (`MatchWentQuiet`); what each person reads is the notifications
layer's (`bot.notifications.quiet`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, events, outbox
from bot.services.caseload import custom_plans
from domain.events import MatchWentQuiet
from storage.models import (
    Match,
    MatchMentor,
    MatchStatus,
    Meeting,
    Organisation,
    Person,
    QuietAlert,
    Role,
)

DEFAULT_DAYS = (14, 28, 45)
MENTORS, WORKER, COORDINATORS = 0, 1, 2


def thresholds(org: Organisation) -> tuple[int, int, int]:
    days = list(org.quiet_days or DEFAULT_DAYS)
    if len(days) != 3:
        return DEFAULT_DAYS
    return (int(days[0]), int(days[1]), int(days[2]))


def spell_start(started_on: date, last_meeting: date | None) -> date:
    """The day the current quiet spell began."""
    return max(started_on, last_meeting) if last_meeting is not None else started_on


async def quiet_batch(
    session: AsyncSession, now: datetime, after_id: int, limit: int
) -> tuple[int, int | None]:
    """Send the alerts now due for up to `limit` matches with ids above `after_id`. The
    database picks the matches (an alert of a level whose threshold passed and that the
    current spell has not had yet), so a tick with nothing due costs one query. Returns
    (messages queued, the last id handled, or None when there is nothing more)."""
    await custom_plans(session)
    orgs = list((await session.execute(select(Organisation))).scalars())
    last = (
        select(Meeting.match_id.label("match_id"), func.max(Meeting.occurred_on).label("day"))
        .group_by(Meeting.match_id)
        .subquery()
    )
    spell = case(
        (and_(last.c.day.is_not(None), last.c.day > Match.started_on), last.c.day),
        else_=Match.started_on,
    )
    spells = (
        select(Match.id.label("id"), Match.organisation_id.label("org"), spell.label("spell"))
        .outerjoin(last, last.c.match_id == Match.id)
        .where(Match.status == MatchStatus.ACTIVE, Match.id > after_id)
        .subquery()
    )
    due = []
    for org in orgs:
        today = now.astimezone(ZoneInfo(org.timezone)).date()
        for level, days in enumerate(thresholds(org)):
            already = exists().where(
                QuietAlert.match_id == spells.c.id,
                QuietAlert.level == level,
                QuietAlert.spell_from == spells.c.spell,
            )
            due.append(
                and_(
                    spells.c.org == org.id,
                    spells.c.spell <= today - timedelta(days=days),
                    ~already,
                )
            )
    if not due:
        return 0, None
    rows = (
        await session.execute(
            select(spells.c.id, spells.c.spell).where(or_(*due)).order_by(spells.c.id).limit(limit)
        )
    ).all()
    if not rows:
        return 0, None
    by_id = {o.id: o for o in orgs}
    queued = 0
    for match_id, since_raw in rows:
        since = since_raw if isinstance(since_raw, date) else date.fromisoformat(str(since_raw))
        match = await session.get(Match, match_id)
        assert match is not None
        org = by_id[match.organisation_id]
        quiet_for = (now.astimezone(ZoneInfo(org.timezone)).date() - since).days
        sent = set(
            (
                await session.execute(
                    select(QuietAlert.level).where(
                        QuietAlert.match_id == match.id, QuietAlert.spell_from == since
                    )
                )
            ).scalars()
        )
        for level, days in enumerate(thresholds(org)):
            if quiet_for < days or level in sent:
                continue
            session.add(
                QuietAlert(match_id=match.id, level=level, spell_from=since, days=days, sent_at=now)
            )
            told = tuple(
                p.id for p in await _recipients(session, match, level) if outbox.deliverable(p)
            )
            events.record(session, now, MatchWentQuiet(match.id, level, quiet_for, since, told))
            queued += len(told)
            audit.record(
                session,
                now,
                "match.quiet",
                actor_id=None,
                organisation_id=match.organisation_id,
                target=("match", match.id),
                level=level,
                days=quiet_for,
            )
    await session.flush()
    return queued, rows[-1][0] if len(rows) == limit else None


async def _recipients(session: AsyncSession, match: Match, level: int) -> list[Person]:
    if level == MENTORS:
        query = (
            select(Person)
            .join(MatchMentor, MatchMentor.mentor_id == Person.id)
            .where(MatchMentor.match_id == match.id)
        )
    elif level == WORKER:
        query = select(Person).where(Person.id == match.worker_id)
    else:
        query = select(Person).where(
            Person.organisation_id == match.organisation_id, Person.role == Role.COORDINATOR
        )
    return [p for p in (await session.execute(query.order_by(Person.id))).scalars() if p.active]
