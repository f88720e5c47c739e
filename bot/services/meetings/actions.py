"""Logging a meeting and correcting one: the checks of the rules, re-checked against the
database on every call, and an audit event each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.errors import Invalid, NotAllowed
from bot.services.meetings.queries import _own_meeting, duplicate_of, mentor_match
from bot.services.meetings.rules import Entry, in_edit_window, local_today, validate
from storage.models import Meeting, Person


async def log_meeting(
    session: AsyncSession,
    now: datetime,
    tz: str,
    mentor: Person,
    entry: Entry,
    *,
    allow_duplicate: bool = False,
) -> Meeting:
    """Store a meeting the mentor had with their match. Raises Invalid(code) for bad input,
    Invalid("duplicate") when the mentor already logged one that day and did not say to add
    another, NotAllowed when the match is not theirs or not active."""
    match = await mentor_match(session, mentor, entry.match_id)
    clean = validate(entry, local_today(now, tz), match.started_on)
    if not allow_duplicate and await duplicate_of(session, mentor, match.id, clean.occurred_on):
        raise Invalid("duplicate")
    meeting = Meeting(
        match_id=match.id,
        mentor_id=mentor.id,
        occurred_on=clean.occurred_on,
        duration_minutes=clean.duration_minutes,
        activities=list(clean.activities),
        mood=clean.mood,
        notes=clean.notes,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    await session.flush()
    audit.record(
        session,
        now,
        "meeting.logged",
        actor_id=mentor.id,
        organisation_id=mentor.organisation_id,
        target=("meeting", meeting.id),
        match_id=match.id,
    )
    return meeting


async def update_meeting(
    session: AsyncSession,
    now: datetime,
    tz: str,
    mentor: Person,
    meeting_id: int,
    entry: Entry,
) -> Meeting:
    """Correct one of the mentor's own meetings of the last `EDIT_WINDOW_DAYS` days, with the
    same checks as a new log; the corrected date must stay inside the window too."""
    meeting, match = await _own_meeting(session, now, tz, mentor, meeting_id)
    if entry.match_id != meeting.match_id:
        raise NotAllowed("a meeting cannot move to another match")
    today = local_today(now, tz)
    clean = validate(entry, today, match.started_on)
    if not in_edit_window(clean.occurred_on, today):
        raise Invalid("date_outside_window")
    meeting.occurred_on = clean.occurred_on
    meeting.duration_minutes = clean.duration_minutes
    meeting.activities = list(clean.activities)
    meeting.mood = clean.mood
    meeting.notes = clean.notes
    meeting.updated_at = now
    await session.flush()
    audit.record(
        session,
        now,
        "meeting.corrected",
        actor_id=mentor.id,
        organisation_id=mentor.organisation_id,
        target=("meeting", meeting.id),
        match_id=match.id,
    )
    return meeting
