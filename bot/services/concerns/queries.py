"""Concerns: reads, and who may see and act on a concern (see `bot.services.access`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, people
from bot.services import help as help_requests
from bot.services.concerns.rules import (
    MatchChoice,
    Pending,
    PendingConcern,
    SeverityChoice,
    reachable,
    require_staff,
)
from bot.services.errors import NotAllowed, NotFound
from bot.services.escalation import (
    Level,
    ack_minutes,
    pending_order,
)
from storage.models import (
    Concern,
    ConcernEvent,
    ConcernStatus,
    Family,
    Match,
    MatchMentor,
    MatchStatus,
    Person,
    Role,
    Severity,
)


async def raisable_matches(session: AsyncSession, person: Person) -> list[MatchChoice]:
    """The matches this person may raise a concern on: a mentor's own matches, a mentee's
    family's matches; not closed ones."""
    query = select(Match.id, Family.name).join(Family, Family.id == Match.family_id)
    if person.role == Role.MENTOR:
        query = query.join(MatchMentor, MatchMentor.match_id == Match.id).where(
            MatchMentor.mentor_id == person.id
        )
    elif person.role == Role.MENTEE and person.family_id is not None:
        query = query.where(Match.family_id == person.family_id)
    else:
        return []
    query = query.where(
        Match.organisation_id == person.organisation_id, Match.status != MatchStatus.CLOSED
    ).order_by(Match.started_on.desc(), Match.id.desc())
    rows = (await session.execute(query)).all()
    return [MatchChoice(id=row[0], family=row[1]) for row in rows]


async def check_match(session: AsyncSession, person: Person, match_id: int) -> MatchChoice:
    """The match, if this person may raise a concern on it; NotAllowed otherwise."""
    for choice in await raisable_matches(session, person):
        if choice.id == match_id:
            return choice
    raise NotAllowed("not a match of this person")


async def severity_choices(session: AsyncSession, person: Person) -> list[SeverityChoice]:
    org = await people.organisation_of(session, person)
    return [SeverityChoice(s, ack_minutes(org.ack_deadlines_minutes, s)) for s in Severity]


async def emergency_phone(session: AsyncSession, person: Person) -> str:
    return (await people.organisation_of(session, person)).emergency_phone


async def staff_concern(
    session: AsyncSession, actor: Person, concern_id: int, *, lock: bool = False
) -> Concern:
    """The concern, if it is `actor`'s now (see `bot.services.access`): the worker it is
    assigned to, the coordinators, the admins once it was escalated to them. Locked for the
    transaction when acting on it, so that an acknowledgement and an escalation never
    interleave."""
    require_staff(actor)
    query = select(Concern).where(Concern.id == concern_id)
    if lock:
        query = query.with_for_update()
    concern = (await session.execute(query)).scalar_one_or_none()
    if concern is None:
        raise NotFound("no such concern")
    if concern.organisation_id != actor.organisation_id:
        raise NotAllowed("concern of another organisation")
    if not access.may_see_concern(actor, concern):
        raise NotAllowed("not this person's concern")
    return concern


async def events_of(session: AsyncSession, concern_id: int) -> list[ConcernEvent]:
    rows = await session.execute(
        select(ConcernEvent).where(ConcernEvent.concern_id == concern_id).order_by(ConcernEvent.id)
    )
    return list(rows.scalars())


async def staff_of(session: AsyncSession, org_id: int, roles: Iterable[Role]) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .where(
            Person.organisation_id == org_id,
            Person.role.in_(list(roles)),
            Person.active.is_(True),
        )
        .order_by(Person.id)
    )
    return list(rows.scalars())


class Levels:
    """Who is at each level of one concern's chain, loaded once per transaction."""

    def __init__(self, worker: Person | None, coordinators: list[Person], admins: list[Person]):
        self.people: dict[Level, list[Person]] = {
            Level.WORKER: [worker] if worker is not None else [],
            Level.COORDINATORS: coordinators,
            Level.ADMINS: admins,
        }

    def reachable(self, level: Level) -> bool:
        return any(reachable(p) for p in self.people[level])

    def at(self, level: Level) -> list[Person]:
        return [p for p in self.people[level] if reachable(p)]


async def load_levels(session: AsyncSession, concern: Concern) -> Levels:
    worker = await session.get(Person, concern.assigned_worker_id)
    staff = await staff_of(session, concern.organisation_id, (Role.COORDINATOR, Role.ADMIN))
    return Levels(
        worker,
        [p for p in staff if p.role == Role.COORDINATOR],
        [p for p in staff if p.role == Role.ADMIN],
    )


async def pending(session: AsyncSession, actor: Person) -> Pending:
    """The open concerns and help requests the actor may see (a worker: their own; a
    coordinator: the organisation's; an admin: what was escalated to them): concerns nobody
    acknowledged first, then the most severe, then the oldest; help requests oldest first."""
    require_staff(actor)
    rows = (
        await session.execute(
            select(Concern, Family.name)
            .join(Match, Match.id == Concern.match_id)
            .join(Family, Family.id == Match.family_id)
            .where(
                Concern.organisation_id == actor.organisation_id,
                Concern.status != ConcernStatus.RESOLVED,
            )
        )
    ).all()
    concerns = sorted(
        (
            PendingConcern(
                c.id, c.category, c.severity, c.status, family, c.raised_at, c.ack_deadline_at
            )
            for c, family in rows
            if access.may_see_concern(actor, c)
        ),
        key=lambda p: pending_order(p.status, p.severity, p.raised_at),
    )
    return Pending(concerns, await help_requests.open_requests_for(session, actor))
