"""Meetings: what mentors log after seeing their family, and what co-mentors see of it.

Pure rules (durations typed by people, dates against today and the match's start, the window in
which a mentor may still correct a log) are plain functions; the use cases below them re-check
on every call that the acting mentor belongs to the match and that the match is active.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.i18n import NP_
from bot.services import actors, audit, texts
from bot.services.dates import ascii_digits, read_day
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain.values import Actor
from storage.models import Family, Match, MatchMentor, MatchStatus, Meeting, Person, Role

MAX_MINUTES = 12 * 60
EDIT_WINDOW_DAYS = 30
COMMON_DURATIONS = (30, 60, 90, 120, 180)
MOODS = (1, 2, 3, 4, 5)
UNWELL_MOOD = 2  # at or below: offer to raise a concern

# Activity codes, in the order shown; labels are translated when rendered.
ACTIVITIES: dict[str, str] = {
    # Translators: something done at a meeting, a button the mentor ticks.
    "walk": NP_("meeting activity", "Walk or outing"),
    # Translators: something done at a meeting: playing or watching sport together.
    "sport": NP_("meeting activity", "Sport"),
    # Translators: something done at a meeting: practising the country's language.
    "language": NP_("meeting activity", "Language practice"),
    "paperwork": NP_("meeting activity", "Paperwork or appointments"),
    "job": NP_("meeting activity", "Job or training search"),
    # Translators: something done at a meeting: looking for a flat, dealing with the landlord.
    "housing": NP_("meeting activity", "Housing"),
    # Translators: something done at a meeting: going to the doctor or a health centre together.
    "health": NP_("meeting activity", "Health visit"),
    "culture": NP_("meeting activity", "Cultural or leisure"),
    "meal": NP_("meeting activity", "Shared meal"),
    # Translators: something done at a meeting that is none of the others (an activity).
    "other": NP_("meeting activity", "Other"),
}
MOOD_LABELS: dict[int, str] = {
    # Translators: how the family seemed at a meeting, 1 of 5 (mood, not a level).
    1: NP_("mood", "😟 Very low"),
    # Translators: how the family seemed at a meeting, 2 of 5: sad, down (mood, not a level).
    2: NP_("mood", "🙁 Low"),
    # Translators: how the family seemed at a meeting, 3 of 5.
    3: NP_("mood", "😐 Okay"),
    # Translators: how the family seemed at a meeting, 4 of 5.
    4: NP_("mood", "🙂 Well"),
    # Translators: how the family seemed at a meeting, 5 of 5.
    5: NP_("mood", "😄 Very well"),
}


# --- pure rules ---------------------------------------------------------------------------

_HOUR_UNITS = (
    r"h|hr|hrs|hour|hours|hora|horas|hores|heure|heures|ч|час|часа|часов|год|години|годин"
    r"|ساعة|ساعات|ساعت|ساعه|ሰዓት"
)
_MIN_UNITS = (
    r"m|mn|min|mins|minute|minutes|minuto|minutos|minut|minuts|мин|минут|минуты|хв"
    r"|хвилин|хвилини|دقيقة|دقائق|دقیقه|ደቒቕ|'"
)
_COLON = re.compile(r"(\d{1,2})\s*[:.]\s*(\d{2})")
_HOURS_MINUTES = re.compile(
    rf"(\d+(?:[.,]\d+)?)\s*(?:{_HOUR_UNITS})\.?\s*(?:(\d+)\s*(?:{_MIN_UNITS})?\.?)?"
)
_MINUTES = re.compile(rf"(\d+)\s*(?:{_MIN_UNITS})?\.?")
_DECIMAL_HOURS = re.compile(r"(\d+[.,]\d)")


def parse_duration(text: str) -> int:
    """Minutes from what a person typed: "45", "90 min", "1:30", "1h30", "1 h 30", "2h",
    "1,5" (a decimal number is hours). Raises Invalid("duration_not_number") for anything
    else, and the range errors of `check_duration`."""
    s = " ".join(ascii_digits(text).lower().split())
    minutes: int | None = None
    if m := _COLON.fullmatch(s):
        hours, mins = int(m[1]), int(m[2])
        if mins < 60:
            minutes = hours * 60 + mins
    elif m := _HOURS_MINUTES.fullmatch(s):
        hours_f = float(m[1].replace(",", "."))
        minutes = round(hours_f * 60) + (int(m[2]) if m[2] else 0)
        if m[2] and (int(m[2]) >= 60 or hours_f != int(hours_f)):
            minutes = None
    elif m := _MINUTES.fullmatch(s):
        minutes = int(m[1])
    elif m := _DECIMAL_HOURS.fullmatch(s):
        minutes = round(float(m[1].replace(",", ".")) * 60)
    if minutes is None:
        raise Invalid("duration_not_number")
    check_duration(minutes)
    return minutes


def parse_small_number(text: str) -> int | None:
    """A whole number typed alone ("4", "٤"), or None."""
    s = ascii_digits(text).strip()
    return int(s) if s.isascii() and s.isdigit() and len(s) <= 3 else None


def check_duration(minutes: int) -> None:
    if minutes <= 0:
        raise Invalid("duration_zero")
    if minutes > MAX_MINUTES:
        raise Invalid("duration_too_long")


def local_today(now: datetime, tz: str) -> date:
    """The date it is now where the person lives."""
    return now.astimezone(ZoneInfo(tz)).date()


def parse_day(text: str, locale: str, now: datetime, tz: str) -> date:
    """A date typed in the person's language and usual format ("ayer", "27/2", "05.02",
    "last Friday", "28 de febrero"), read relative to their local today. Raises
    Invalid("date_unreadable"). Range checks are `check_day`'s."""
    local_now = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    day = read_day(text, locale, local_now, "past")
    if day is None:
        raise Invalid("date_unreadable")
    return day


def check_day(day: date, today: date, started_on: date) -> None:
    """A meeting happened today or before, and not before the match started."""
    if day > today:
        raise Invalid("date_future")
    if day < started_on:
        raise Invalid("date_before_match")


def in_edit_window(day: date, today: date) -> bool:
    """A mentor may correct a meeting of the last `EDIT_WINDOW_DAYS` days (today included)."""
    return today - timedelta(days=EDIT_WINDOW_DAYS) < day <= today


def check_activities(codes: Sequence[str]) -> list[str]:
    """Known activity codes, in the canonical order, without repeats; at least one."""
    chosen = [code for code in ACTIVITIES if code in set(codes)]
    if not chosen or len(codes) != len(chosen):
        raise Invalid("activities")
    return chosen


def check_mood(mood: int) -> None:
    if mood not in MOODS:
        raise Invalid("mood")


NOTES_MAX = 2000  # UTF-16 units


def check_notes(notes: str | None) -> str | None:
    text = (notes or "").strip()
    return texts.check(text, NOTES_MAX, "notes_too_long") or None


@dataclass(frozen=True)
class Entry:
    """A meeting as the mentor describes it, before it is stored."""

    match_id: int
    occurred_on: date
    duration_minutes: int
    activities: tuple[str, ...]
    mood: int
    notes: str | None = None


def validate(entry: Entry, today: date, started_on: date) -> Entry:
    """The whole entry checked; returns it normalised (activities ordered, notes trimmed)."""
    check_day(entry.occurred_on, today, started_on)
    check_duration(entry.duration_minutes)
    check_mood(entry.mood)
    return Entry(
        match_id=entry.match_id,
        occurred_on=entry.occurred_on,
        duration_minutes=entry.duration_minutes,
        activities=tuple(check_activities(entry.activities)),
        mood=entry.mood,
        notes=check_notes(entry.notes),
    )


# --- who may do what ------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str
    started_on: date


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


async def active_matches(session: AsyncSession, mentor: Actor) -> list[MatchChoice]:
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


async def choice(session: AsyncSession, mentor: Actor, match_id: int) -> MatchChoice:
    """One of the mentor's active matches, re-checked (NotAllowed otherwise)."""
    mentor = await actors.row(session, mentor)
    match = await mentor_match(session, mentor, match_id)
    return MatchChoice(match.id, await family_name(session, match), match.started_on)


async def family_name(session: AsyncSession, match: Match) -> str:
    family = await session.get(Family, match.family_id)
    return family.name if family else ""


# --- logging and correcting -----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingView:
    id: int
    match_id: int
    family_name: str
    occurred_on: date
    duration_minutes: int
    activities: tuple[str, ...]
    mood: int | None
    notes: str | None

    def entry(self) -> Entry:
        return Entry(
            self.match_id,
            self.occurred_on,
            self.duration_minutes,
            self.activities,
            self.mood or 3,
            self.notes,
        )


async def check_new_day(
    session: AsyncSession, now: datetime, tz: str, mentor: Actor, match_id: int, day: date
) -> int | None:
    """Check a chosen day for a new log of `match_id`; returns the id of the mentor's own
    meeting already logged that day (a possible duplicate), or None."""
    mentor = await actors.row(session, mentor)
    match = await mentor_match(session, mentor, match_id)
    check_day(day, local_today(now, tz), match.started_on)
    return await duplicate_of(session, mentor, match_id, day)


async def duplicate_of(
    session: AsyncSession,
    mentor: Actor,
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


async def log_meeting(
    session: AsyncSession,
    now: datetime,
    tz: str,
    mentor: Actor,
    entry: Entry,
    *,
    allow_duplicate: bool = False,
) -> Meeting:
    """Store a meeting the mentor had with their match. Raises Invalid(code) for bad input,
    Invalid("duplicate") when the mentor already logged one that day and did not say to add
    another, NotAllowed when the match is not theirs or not active."""
    mentor = await actors.row(session, mentor)
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
    session: AsyncSession, now: datetime, tz: str, mentor: Actor, meeting_id: int, day: date
) -> None:
    """Check a new date for one of the mentor's own meetings being corrected: the checks of a
    new log, and inside the correction window."""
    mentor = await actors.row(session, mentor)
    _, match = await _own_meeting(session, now, tz, mentor, meeting_id)
    today = local_today(now, tz)
    check_day(day, today, match.started_on)
    if not in_edit_window(day, today):
        raise Invalid("date_outside_window")


async def own_meeting(
    session: AsyncSession, now: datetime, tz: str, mentor: Actor, meeting_id: int
) -> MeetingView:
    """One of the mentor's own meetings that they may still correct."""
    mentor = await actors.row(session, mentor)
    meeting, match = await _own_meeting(session, now, tz, mentor, meeting_id)
    return _view(meeting, await family_name(session, match))


async def update_meeting(
    session: AsyncSession,
    now: datetime,
    tz: str,
    mentor: Actor,
    meeting_id: int,
    entry: Entry,
) -> Meeting:
    """Correct one of the mentor's own meetings of the last `EDIT_WINDOW_DAYS` days, with the
    same checks as a new log; the corrected date must stay inside the window too."""
    mentor = await actors.row(session, mentor)
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
    session: AsyncSession, now: datetime, tz: str, mentor: Actor
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


# --- what co-mentors see ------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One recent meeting of a match, by anyone in it."""

    mentor_id: int
    mentor_name: str
    occurred_on: date
    duration_minutes: int


@dataclass(frozen=True)
class MatchOverview:
    id: int
    family_name: str
    started_on: date
    worker_name: str
    co_mentors: tuple[str, ...]
    latest: tuple[Seen, ...]


async def overview(session: AsyncSession, mentor: Actor, latest: int = 3) -> list[MatchOverview]:
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
