"""Reads and authorisation of meetings: a match is the acting mentor's and active, or
NotAllowed; a meeting is the mentor's own and inside the correction window, or refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.meetings.rules import (
    EDIT_WINDOW_DAYS,
    MatchChoice,
    MatchOverview,
    MeetingView,
    Seen,
    check_day,
    in_edit_window,
    local_today,
)
from storage.models import Family, Match, MatchMentor, MatchStatus, Meeting, Person, Role


async def mentor_match(session: AsyncSession, mentor: Person, match_id: int) -> Match:
    """The match, if `mentor` is one of its mentors and it is active; else NotAllowed."""
    if mentor.role != Role.MENTOR or not mentor.active:
        raise NotAllowed("not a mentor")
    result = await session.execute(
        select(Match)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .where(
            Match.id == match_id,
            MatchMentor.mentor_id == mentor.id,
            Match.organisation_id == mentor.organisation_id,
        )
    )
    match = result.scalar_one_or_none()
    if match is None or match.status != MatchStatus.ACTIVE:
        raise NotAllowed("not this mentor's active match")
    return match


async def active_matches(session: AsyncSession, mentor: Person) -> list[MatchChoice]:
    """The mentor's active matches, by family name."""
    if mentor.role != Role.MENTOR or not mentor.active:
        return []
    result = await session.execute(
        select(Match.id, Family.name, Match.started_on)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .where(
            MatchMentor.mentor_id == mentor.id,
            Match.status == MatchStatus.ACTIVE,
            Match.organisation_id == mentor.organisation_id,
        )
        .order_by(Family.name, Match.id)
    )
    return [MatchChoice(mid, name, started) for mid, name, started in result.all()]


async def choice(session: AsyncSession, mentor: Person, match_id: int) -> MatchChoice:
    """One of the mentor's active matches, re-checked (NotAllowed otherwise)."""
    match = await mentor_match(session, mentor, match_id)
    return MatchChoice(match.id, await family_name(session, match), match.started_on)


async def family_name(session: AsyncSession, match: Match) -> str:
    family = await session.get(Family, match.family_id)
    return family.name if family else ""


async def check_new_day(
    session: AsyncSession, now: datetime, tz: str, mentor: Person, match_id: int, day: date
) -> int | None:
    """Check a chosen day for a new log of `match_id`; returns the id of the mentor's own
    meeting already logged that day (a possible duplicate), or None."""
    match = await mentor_match(session, mentor, match_id)
    check_day(day, local_today(now, tz), match.started_on)
    return await duplicate_of(session, mentor, match_id, day)


async def duplicate_of(
    session: AsyncSession,
    mentor: Person,
    match_id: int,
    day: date,
    exclude_id: int | None = None,
) -> int | None:
    """The mentor's own meeting with this match on this day, if there is one."""
    query = select(Meeting.id).where(
        Meeting.match_id == match_id,
        Meeting.mentor_id == mentor.id,
        Meeting.occurred_on == day,
    )
    if exclude_id is not None:
        query = query.where(Meeting.id != exclude_id)
    result = await session.execute(query.order_by(Meeting.id).limit(1))
    return result.scalar_one_or_none()


async def _own_meeting(
    session: AsyncSession, now: datetime, tz: str, mentor: Person, meeting_id: int
) -> tuple[Meeting, Match]:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.mentor_id != mentor.id:
        raise NotFound("no such meeting of this mentor")
    match = await mentor_match(session, mentor, meeting.match_id)
    if not in_edit_window(meeting.occurred_on, local_today(now, tz)):
        raise NotAllowed("outside the correction window")
    return meeting, match


async def check_corrected_day(
    session: AsyncSession, now: datetime, tz: str, mentor: Person, meeting_id: int, day: date
) -> None:
    """Check a new date for one of the mentor's own meetings being corrected: the checks of a
    new log, and inside the correction window."""
    _, match = await _own_meeting(session, now, tz, mentor, meeting_id)
    today = local_today(now, tz)
    check_day(day, today, match.started_on)
    if not in_edit_window(day, today):
        raise Invalid("date_outside_window")


async def own_meeting(
    session: AsyncSession, now: datetime, tz: str, mentor: Person, meeting_id: int
) -> MeetingView:
    """One of the mentor's own meetings that they may still correct."""
    meeting, match = await _own_meeting(session, now, tz, mentor, meeting_id)
    return _view(meeting, await family_name(session, match))


def _view(meeting: Meeting, family: str) -> MeetingView:
    return MeetingView(
        id=meeting.id,
        match_id=meeting.match_id,
        family_name=family,
        occurred_on=meeting.occurred_on,
        duration_minutes=meeting.duration_minutes,
        activities=tuple(str(a) for a in meeting.activities or ()),
        mood=meeting.mood,
        notes=meeting.notes,
    )


async def recent_own(
    session: AsyncSession, now: datetime, tz: str, mentor: Person
) -> list[MeetingView]:
    """The mentor's own meetings inside the correction window, newest first, for matches
    they are still active in."""
    today = local_today(now, tz)
    since = today - timedelta(days=EDIT_WINDOW_DAYS - 1)
    result = await session.execute(
        select(Meeting, Family.name)
        .join(Match, Match.id == Meeting.match_id)
        .join(
            MatchMentor, (MatchMentor.match_id == Match.id) & (MatchMentor.mentor_id == mentor.id)
        )
        .join(Family, Family.id == Match.family_id)
        .where(
            Meeting.mentor_id == mentor.id,
            Meeting.occurred_on >= since,
            Meeting.occurred_on <= today,
            Match.status == MatchStatus.ACTIVE,
        )
        .order_by(Meeting.occurred_on.desc(), Meeting.id.desc())
    )
    return [_view(meeting, name) for meeting, name in result.all()]


async def overview(session: AsyncSession, mentor: Person, latest: int = 3) -> list[MatchOverview]:
    """Each of the mentor's active matches: family, co-mentors, referring worker, and the
    latest meetings logged by anyone in the match."""
    out: list[MatchOverview] = []
    if mentor.role != Role.MENTOR or not mentor.active:
        return out
    # The mentor's active matches with their family's and worker's names, in one query (the
    # conditions of `active_matches` and `mentor_match`: each match is read once).
    worker = aliased(Person)
    found = await session.execute(
        select(Match.id, Family.name, Match.started_on, worker.name)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .outerjoin(worker, worker.id == Match.worker_id)
        .where(
            MatchMentor.mentor_id == mentor.id,
            Match.status == MatchStatus.ACTIVE,
            Match.organisation_id == mentor.organisation_id,
        )
        .order_by(Family.name, Match.id)
    )
    for match_id, family, started_on, worker_name in found.all():
        mentors = await session.execute(
            select(Person.name)
            .join(MatchMentor, MatchMentor.mentor_id == Person.id)
            .where(MatchMentor.match_id == match_id, Person.id != mentor.id, Person.active)
            .order_by(Person.name)
        )
        seen = await session.execute(
            select(Meeting.mentor_id, Person.name, Meeting.occurred_on, Meeting.duration_minutes)
            .join(Person, Person.id == Meeting.mentor_id)
            .where(Meeting.match_id == match_id)
            .order_by(Meeting.occurred_on.desc(), Meeting.id.desc())
            .limit(latest)
        )
        out.append(
            MatchOverview(
                id=match_id,
                family_name=family,
                started_on=started_on,
                worker_name=worker_name or "",
                co_mentors=tuple(mentors.scalars()),
                latest=tuple(Seen(*row) for row in seen.all()),
            )
        )
    return out
