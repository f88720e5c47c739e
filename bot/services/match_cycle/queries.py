"""Reads of a match's life and its authorisation: a match is the staff member's (its
referring worker, or a coordinator of its organisation) or NotAllowed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, actors
from bot.services.errors import NotAllowed, NotFound
from bot.services.match_cycle.rules import MAX_ID
from domain.values import Actor
from storage.match_life import Party
from storage.models import Family, Match, MatchMentor, Organisation, Person, Role


async def org_of(session: AsyncSession, org_id: int) -> Organisation:
    org = await session.get(Organisation, org_id)
    assert org is not None
    return org


async def mentors(session: AsyncSession, match_id: int) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match_id, Person.active)
        .order_by(Person.id)
    )
    return list(rows.scalars())


async def mentees(session: AsyncSession, match: Match) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .where(Person.family_id == match.family_id, Person.role == Role.MENTEE, Person.active)
        .order_by(Person.id)
    )
    return list(rows.scalars())


async def family_name(session: AsyncSession, match: Match) -> str:
    family = await session.get(Family, match.family_id)
    return family.name if family else ""


async def parties(session: AsyncSession, match: Match, worker: bool) -> list[tuple[Person, Party]]:
    """The mentees and the mentors of a match (and its worker, if `worker`)."""
    out = [(m, Party.MENTEE) for m in await mentees(session, match)]
    out += [(m, Party.MENTOR) for m in await mentors(session, match.id)]
    if worker:
        found = await session.get(Person, match.worker_id)
        if found is not None:
            out.append((found, Party.WORKER))
    return out


async def staff_match(session: AsyncSession, staff: Actor, match_id: int) -> Match:
    """The match, if `staff` is its referring worker or a coordinator of its organisation."""
    staff = await actors.row(session, staff)
    if not staff.active or staff.role not in (Role.WORKER, Role.COORDINATOR):
        raise NotAllowed("staff only")
    match = await session.get(Match, match_id) if 0 < match_id <= MAX_ID else None
    if match is None:
        raise NotFound("no such match")
    if match.organisation_id != staff.organisation_id:
        raise NotAllowed("match of another organisation")
    if not await access.may_see_match(session, staff, match):
        raise NotAllowed("not this person's match")
    return match
