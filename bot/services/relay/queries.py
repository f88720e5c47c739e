"""Who a relayed message reaches, and who may act on it: a mentee's active match, its
mentors and worker, a mentor's families, the members of a family."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import people
from bot.services.errors import Invalid, NotFound
from bot.services.relay.rules import MENTORS, SENT, FamilyChoice
from storage.models import Family, Match, MatchMentor, MatchStatus, Person, Relay, Role


async def family_match(session: AsyncSession, mentee: Person) -> Match | None:
    if mentee.role != Role.MENTEE or mentee.family_id is None:
        return None
    found = await session.execute(
        select(Match)
        .where(
            Match.family_id == mentee.family_id,
            Match.organisation_id == mentee.organisation_id,
            Match.status == MatchStatus.ACTIVE,
        )
        .order_by(Match.started_on.desc(), Match.id.desc())
        .limit(1)
    )
    return found.scalar_one_or_none()


async def match_mentors(session: AsyncSession, match_id: int) -> list[Person]:
    found = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match_id, Person.active.is_(True))
        .order_by(Person.name, Person.id)
    )
    return list(found.scalars())


async def match_worker(session: AsyncSession, match: Match) -> Person | None:
    worker = await session.get(Person, match.worker_id)
    return worker if worker is not None and worker.active else None


async def own_offer(session: AsyncSession, mentee: Person, relay_id: int) -> Relay:
    relay = await session.get(Relay, relay_id)
    if relay is None or relay.sender_id != mentee.id or relay.answer_to_id is not None:
        raise NotFound("no such relay")
    return relay


def phone_of(person: Person) -> str | None:
    return people.international_phone(person.phone) if person.phone else None


async def _sent_to_staff(
    session: AsyncSession, staff: Person, relay_id: int
) -> tuple[Relay, Match]:
    """A relayed message of `staff`'s organisation, sent and not an answer, with its match."""
    relay = await session.get(Relay, relay_id)
    if relay is None or relay.status != SENT or relay.answer_to_id is not None:
        raise NotFound("no such relay")
    if relay.organisation_id != staff.organisation_id or relay.match_id is None:
        raise NotFound("no such relay")
    match = await session.get(Match, relay.match_id)
    if match is None:
        raise NotFound("no such relay")
    return relay, match


async def answerable(session: AsyncSession, staff: Person, relay_id: int) -> tuple[Relay, Person]:
    """A relayed message `staff` may answer: one that was sent to them (a mentor of the
    match, for a message to the mentors; its worker, for one to the office)."""
    relay, match = await _sent_to_staff(session, staff, relay_id)
    if relay.audience == MENTORS:
        allowed = staff.id in {m.id for m in await match_mentors(session, match.id)}
    else:
        allowed = staff.id == match.worker_id
    if not allowed:
        raise NotFound("not a recipient of this relay")
    if match.status != MatchStatus.ACTIVE:
        raise Invalid("relay_closed")
    sender = await session.get(Person, relay.sender_id)
    if sender is None or not sender.active:
        raise Invalid("relay_closed")
    return relay, sender


async def mentor_families(session: AsyncSession, mentor: Person) -> list[FamilyChoice]:
    """The families of the mentor's active matches."""
    if mentor.role != Role.MENTOR:
        return []
    found = await session.execute(
        select(Match.id, Family.name)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .where(
            MatchMentor.mentor_id == mentor.id,
            Match.status == MatchStatus.ACTIVE,
            Match.organisation_id == mentor.organisation_id,
        )
        .order_by(Family.name, Match.id)
    )
    return [FamilyChoice(mid, name) for mid, name in found.all()]


async def mentor_match(session: AsyncSession, mentor: Person, match_id: int) -> FamilyChoice:
    for choice in await mentor_families(session, mentor):
        if choice.match_id == match_id:
            return choice
    raise NotFound("not a match of this mentor")


async def family_choice(session: AsyncSession, mentor: Person, match_id: int) -> FamilyChoice:
    """One of the mentor's families (refused for anyone else's)."""
    return await mentor_match(session, mentor, match_id)


async def family_members(session: AsyncSession, match_id: int) -> list[Person]:
    match = await session.get(Match, match_id)
    assert match is not None
    found = await session.execute(
        select(Person)
        .where(
            Person.family_id == match.family_id,
            Person.role == Role.MENTEE,
            Person.active.is_(True),
        )
        .order_by(Person.name, Person.id)
    )
    return list(found.scalars())
