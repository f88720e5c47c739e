"""Recording a check-in: the matches and parties `staff` may choose (re-checked on every
press), the day and the note checked, the check-in saved and audited (without the note); and
the match to propose a check-in for once a concern or a help thread is closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, caseload, texts
from bot.services.checkins.overdue_sql import local_today
from bot.services.dates import read_day
from bot.services.errors import Invalid, NotAllowed
from domain.values import Actor
from storage.models import (
    CheckIn,
    CheckInHow,
    CheckInParty,
    Concern,
    Family,
    HelpRequest,
    Match,
    MatchMentor,
    Person,
    Role,
)

NOTE_MAX = 500  # UTF-16 units


OLDEST_DAYS = 366  # a check-in is recorded within a year of the day it happened


CHOICES_PER_PAGE = 8


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str
    started_on: date


@dataclass(frozen=True)
class PartyChoice:
    party: CheckInParty
    person_id: int | None  # None: the family as a whole
    name: str


async def match_for(session: AsyncSession, staff: Actor, match_id: int) -> MatchChoice:
    """One of the matches `staff` may record a check-in for (their caseload, their
    organisation's), re-checked on every press: NotAllowed otherwise."""
    staff = await actors.row(session, staff)
    row = (
        await session.execute(
            select(Match.id, Family.name, Match.started_on)
            .join(Family, Family.id == Match.family_id)
            .where(caseload.scope(staff), Match.id == match_id)
        )
    ).first()
    if row is None:
        raise NotAllowed("not a match of this member of staff")
    return MatchChoice(row[0], row[1], row[2])


async def match_choices(
    session: AsyncSession, staff: Actor, page: int
) -> tuple[list[MatchChoice], int, int]:
    """A page of the matches `staff` may record a check-in for, by match number:
    (choices, the page, pages)."""
    staff = await actors.row(session, staff)
    where = caseload.scope(staff)
    total = int(await session.scalar(select(func.count(Match.id)).where(where)) or 0)
    pages = max(1, -(-total // CHOICES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = (
        await session.execute(
            select(Match.id, Family.name, Match.started_on)
            .join(Family, Family.id == Match.family_id)
            .where(where)
            .order_by(Match.id)
            .offset(page * CHOICES_PER_PAGE)
            .limit(CHOICES_PER_PAGE)
        )
    ).all()
    return [MatchChoice(r[0], r[1], r[2]) for r in rows], page, pages


async def party_choices(session: AsyncSession, staff: Actor, match_id: int) -> list[PartyChoice]:
    """The match's mentors and mentees by name, then the family as a whole."""
    choice = await match_for(session, staff, match_id)
    match = await session.get(Match, choice.id)
    assert match is not None
    mentors = (
        await session.execute(
            select(Person.id, Person.name)
            .join(MatchMentor, MatchMentor.mentor_id == Person.id)
            .where(MatchMentor.match_id == match.id, Person.erased_at.is_(None))
            .order_by(Person.id)
        )
    ).all()
    mentees = (
        await session.execute(
            select(Person.id, Person.name)
            .where(
                Person.family_id == match.family_id,
                Person.role == Role.MENTEE,
                Person.erased_at.is_(None),
            )
            .order_by(Person.id)
        )
    ).all()
    return [
        *(PartyChoice(CheckInParty.MENTOR, pid, name) for pid, name in mentors),
        *(PartyChoice(CheckInParty.MENTEE, pid, name) for pid, name in mentees),
        PartyChoice(CheckInParty.FAMILY, None, choice.family_name),
    ]


async def party_for(
    session: AsyncSession, staff: Actor, match_id: int, party: str, person_id: int | None
) -> PartyChoice:
    """The party chosen by a press, re-checked against the match's people."""
    for choice in await party_choices(session, staff, match_id):
        if choice.party.value == party and choice.person_id == person_id:
            return choice
    raise NotAllowed("not a party of this match")


def parse_day(text: str, locale: str, now: datetime, tz: str) -> date:
    """A typed day (bot.services.dates), read in the reader's language: Invalid
    ("date_unreadable") when it is not one."""
    local_now = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    day = read_day(text, locale, local_now, "past")
    if day is None:
        raise Invalid("date_unreadable")
    return day


def check_day(day: date, today: date) -> None:
    """A check-in happened today or before, within the last year."""
    if day > today:
        raise Invalid("date_future")
    if day < today - timedelta(days=OLDEST_DAYS):
        raise Invalid("date_too_old")


def check_note(text: str) -> str | None:
    return texts.check(text, NOTE_MAX, "note_too_long") or None


@dataclass(frozen=True)
class Entry:
    match_id: int
    party: CheckInParty
    person_id: int | None
    how: CheckInHow
    occurred_on: date
    note: str | None


async def record(
    session: AsyncSession, now: datetime, tz: str, staff: Actor, entry: Entry
) -> CheckIn:
    """Save a check-in, every choice re-checked; audited (without the note)."""
    await party_for(session, staff, entry.match_id, entry.party.value, entry.person_id)
    check_day(entry.occurred_on, local_today(now, tz))
    note = check_note(entry.note) if entry.note else None
    check_in = CheckIn(
        organisation_id=staff.organisation_id,
        match_id=entry.match_id,
        staff_id=staff.id,
        party=entry.party,
        person_id=entry.person_id,
        how=entry.how,
        occurred_on=entry.occurred_on,
        note=note,
        created_at=now,
    )
    session.add(check_in)
    await session.flush()
    audit.record(
        session,
        now,
        "checkin.recorded",
        actor_id=staff.id,
        organisation_id=staff.organisation_id,
        target=("match", entry.match_id),
        check_in=check_in.id,
        party=entry.party.value,
        how=entry.how.value,
    )
    return check_in


async def proposed_after_closing(
    session: AsyncSession,
    staff: Actor,
    *,
    concern_id: int | None = None,
    help_id: int | None = None,
) -> int | None:
    """The match to propose a check-in for once `staff` closed a concern or a help thread:
    its match, when it is one `staff` may record a check-in for; else None."""
    if staff.role not in (Role.WORKER, Role.COORDINATOR):
        return None
    if concern_id is not None:
        match_id = await session.scalar(select(Concern.match_id).where(Concern.id == concern_id))
    else:
        match_id = await session.scalar(
            select(HelpRequest.match_id).where(HelpRequest.id == help_id)
        )
    if match_id is None:
        return None
    try:
        return (await match_for(session, staff, match_id)).id
    except NotAllowed:
        return None
