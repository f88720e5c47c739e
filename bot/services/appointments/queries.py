"""Reads and authorisation of appointments: who may manage a match's appointments (its
mentors and staff), which appointments are a mentee's family's, and the views cards show."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, actors
from bot.services.appointments.rules import MatchChoice
from bot.services.appointments.views import AppointmentView, Attendee
from bot.services.errors import Invalid, NotFound
from domain.values import Actor
from storage.match_life import MatchStage
from storage.models import (
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    Consent,
    Family,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
)

# Who may do what ---------------------------------------------------------------------------------


async def _is_mentor_of(session: AsyncSession, person: Person, match_id: int) -> bool:
    row = await session.get(MatchMentor, (match_id, person.id))
    return row is not None


async def _may_manage(session: AsyncSession, person: Person, match: Match) -> bool:
    """The match's mentors, its referring worker, the organisation's coordinators, and an
    admin one of its concerns was escalated to (`bot.services.access`)."""
    if person.organisation_id != match.organisation_id or not person.active:
        return False
    if person.role == Role.MENTOR:
        return await _is_mentor_of(session, person, match.id)
    return await access.may_see_match(session, person, match)


async def _managed_match(session: AsyncSession, person: Person, match_id: int) -> Match:
    match = await session.get(Match, match_id)
    if match is None or not await _may_manage(session, person, match):
        raise NotFound("match")
    if not _plannable(match):
        raise Invalid("match_not_active")
    return match


def _plannable(match: Match) -> bool:
    """Active matches, and a forming one at its three-party first meeting."""
    return match.status == MatchStatus.ACTIVE or (
        match.status == MatchStatus.PROPOSED and match.stage == MatchStage.FIRST_MEETING
    )


async def _managed_appointment(
    session: AsyncSession, person: Person, appointment_id: int
) -> tuple[Appointment, Match]:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("appointment")
    match = await session.get(Match, appointment.match_id)
    if match is None or not await _may_manage(session, person, match):
        raise NotFound("appointment")
    return appointment, match


async def _family_appointment(
    session: AsyncSession, person: Person, appointment_id: int
) -> tuple[Appointment, Match, str]:
    """An appointment of the person's own family (mentees only), its match and the family's
    name, in one query."""
    if person.role != Role.MENTEE or person.family_id is None:
        raise NotFound("appointment")
    row = (
        await session.execute(
            select(Appointment, Match, Family.name)
            .join(Match, Match.id == Appointment.match_id)
            .outerjoin(Family, Family.id == Match.family_id)
            .where(Appointment.id == appointment_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("appointment")
    appointment, match, family_name = row
    if match.family_id != person.family_id or match.organisation_id != person.organisation_id:
        raise NotFound("appointment")
    return appointment, match, family_name or ""


# Views -------------------------------------------------------------------------------------------


async def _mentors(session: AsyncSession, match_id: int) -> list[Person]:
    result = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match_id, Person.active.is_(True))
        .order_by(Person.id)
    )
    return list(result.scalars())


async def view_of(
    session: AsyncSession,
    appointment: Appointment,
    match: Match,
    family_name: str | None = None,
) -> AppointmentView:
    """What a card shows: the mentors' names, and the family's members with their answers
    (one query each; the family's name too unless the caller loaded it). The members who use
    the bot (`reminders.recipients_of_family`) are its attendees; the others, and those who
    blocked the bot, are named as not reached."""
    if family_name is None:
        family_name = (
            await session.execute(select(Family.name).where(Family.id == match.family_id))
        ).scalar_one_or_none() or ""
    mentor_names = (
        await session.execute(
            select(Person.name)
            .join(MatchMentor, MatchMentor.mentor_id == Person.id)
            .where(MatchMentor.match_id == match.id, Person.active.is_(True))
            .order_by(Person.id)
        )
    ).scalars()
    members = (
        await session.execute(
            select(
                Person.id,
                Person.name,
                Person.telegram_id.is_not(None) & (Person.consent == Consent.GIVEN),
                Person.reachable,
                AppointmentAnswer.answer,
            )
            .outerjoin(
                AppointmentAnswer,
                (AppointmentAnswer.appointment_id == appointment.id)
                & (AppointmentAnswer.person_id == Person.id),
            )
            .where(
                Person.family_id == match.family_id,
                Person.role == Role.MENTEE,
                Person.active.is_(True),
            )
            .order_by(Person.id)
        )
    ).all()
    attendees = [
        Attendee(pid, name, given, bool(reachable))
        for pid, name, uses_bot, reachable, given in members
        if uses_bot
    ]
    using = {a.person_id for a in attendees}
    unreached = [
        name for pid, name, _, reachable, _ in members if pid not in using or not reachable
    ]
    return AppointmentView(
        id=appointment.id,
        match_id=match.id,
        family_name=family_name,
        starts_at=appointment.starts_at,
        duration_minutes=appointment.duration_minutes,
        place=appointment.place,
        note=appointment.note,
        status=appointment.status,
        sequence=appointment.sequence,
        mentor_names=list(mentor_names),
        attendees=attendees,
        unreached=unreached,
    )


async def matches_of(session: AsyncSession, person: Actor) -> list[MatchChoice]:
    """The active matches a mentor may plan for, with their family's name."""
    if person.role != Role.MENTOR:
        return []
    result = await session.execute(
        select(Match.id, Family.name)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .where(
            MatchMentor.mentor_id == person.id,
            Match.status == MatchStatus.ACTIVE,
            Match.organisation_id == person.organisation_id,
        )
        .order_by(Family.name, Match.id)
    )
    return [MatchChoice(mid, name) for mid, name in result.all()]


async def last_place(session: AsyncSession, person: Actor, match_id: int) -> str | None:
    """The place of the match's latest appointment, offered again as one tap."""
    person = await actors.row(session, person)
    await _managed_match(session, person, match_id)
    result = await session.execute(
        select(Appointment.place)
        .where(Appointment.match_id == match_id)
        .order_by(Appointment.starts_at.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def _upcoming(
    session: AsyncSession, query: Select[Appointment, Match], now: datetime, limit: int
) -> list[AppointmentView]:
    result = await session.execute(
        query.add_columns(Family.name)
        .outerjoin(Family, Family.id == Match.family_id)
        .where(Appointment.status == AppointmentStatus.PLANNED, Appointment.starts_at > now)
        .order_by(Appointment.starts_at)
        .limit(limit)
    )
    return [await view_of(session, a, m, name or "") for a, m, name in result.all()]


async def upcoming_for_manager(
    session: AsyncSession, person: Actor, now: datetime, limit: int = 10
) -> list[AppointmentView]:
    """A mentor's coming appointments, over all their matches."""
    query = (
        select(Appointment, Match)
        .join(Match, Match.id == Appointment.match_id)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .where(
            MatchMentor.mentor_id == person.id,
            Match.organisation_id == person.organisation_id,
        )
    )
    return await _upcoming(session, query, now, limit)


async def upcoming_for_mentee(
    session: AsyncSession, person: Actor, now: datetime, limit: int = 10
) -> list[AppointmentView]:
    """The coming appointments of the person's family."""
    if person.role != Role.MENTEE or person.family_id is None:
        return []
    query = (
        select(Appointment, Match)
        .join(Match, Match.id == Appointment.match_id)
        .where(
            Match.family_id == person.family_id,
            Match.organisation_id == person.organisation_id,
        )
    )
    return await _upcoming(session, query, now, limit)


async def get_for_family(
    session: AsyncSession, person: Actor, appointment_id: int
) -> AppointmentView:
    person = await actors.row(session, person)
    appointment, match, family_name = await _family_appointment(session, person, appointment_id)
    return await view_of(session, appointment, match, family_name)


async def get_for_manager(
    session: AsyncSession, person: Actor, appointment_id: int
) -> AppointmentView:
    person = await actors.row(session, person)
    appointment, match = await _managed_appointment(session, person, appointment_id)
    return await view_of(session, appointment, match)


async def _org(session: AsyncSession, match: Match) -> Organisation:
    org = await session.get(Organisation, match.organisation_id)
    assert org is not None
    return org


async def _match(session: AsyncSession, match_id: int) -> Match:
    match = await session.get(Match, match_id)
    assert match is not None
    return match
