"""The help queries: the matches a person may ask about, the open requests staff see, a
thread as one participant sees it, and who a message goes to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, actors
from bot.services.errors import NotAllowed, NotFound
from bot.services.help.rules import authorise
from bot.services.help.values import MatchChoice, OpenHelp, Thread
from domain import MatchStatus, Role, ThreadStatus
from domain.values import Actor
from storage.models import (
    Family,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    Organisation,
    Person,
)


async def mentor_matches(session: AsyncSession, mentor: Actor) -> list[MatchChoice]:
    """The active matches a mentor can ask about, oldest first."""
    if mentor.role != Role.MENTOR:
        raise NotAllowed("only mentors ask about a match")
    rows = await session.execute(
        select(Match.id, Family.name, Person.name)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .join(Person, Person.id == Match.worker_id)
        .where(
            MatchMentor.mentor_id == mentor.id,
            Match.organisation_id == mentor.organisation_id,
            Match.status == MatchStatus.ACTIVE,
        )
        .order_by(Match.id)
    )
    return [MatchChoice(mid, family, worker) for mid, family, worker in rows.all()]


async def mentor_match(session: AsyncSession, mentor: Actor, match_id: int) -> MatchChoice:
    """One of the mentor's active matches; NotFound for any other."""
    for choice in await mentor_matches(session, mentor):
        if choice.id == match_id:
            return choice
    raise NotFound("not one of this mentor's active matches")


async def mentee_match(session: AsyncSession, mentee: Actor) -> MatchChoice | None:
    """The match a mentee's request goes to: their family's active match (the latest when
    there are several), or None."""
    mentee = await actors.row(session, mentee)
    if mentee.role != Role.MENTEE:
        raise NotAllowed("only mentees ask as mentees")
    match = await family_match(session, mentee)
    if match is None:
        return None
    family = await session.get(Family, match.family_id)
    worker = await session.get(Person, match.worker_id)
    assert family is not None and worker is not None
    return MatchChoice(match.id, family.name, worker.name)


async def open_requests(session: AsyncSession, org_id: int) -> list[OpenHelp]:
    """The organisation's open help requests: unanswered ones first, by deadline, then the
    rest by age."""
    rows = await session.execute(
        select(HelpRequest, Person.name)
        .join(Person, Person.id == HelpRequest.requester_id)
        .where(
            HelpRequest.organisation_id == org_id,
            HelpRequest.status == ThreadStatus.OPEN,
        )
        .order_by(HelpRequest.created_at, HelpRequest.id)
    )
    found = [
        OpenHelp(
            id=hr.id,
            kind=hr.kind,
            requester_name=name,
            created_at=hr.created_at,
            answer_due_at=hr.answer_due_at,
            requester_id=hr.requester_id,
            worker_id=hr.worker_id,
            match_id=hr.match_id,
        )
        for hr, name in rows.all()
    ]
    return sorted(found, key=lambda h: (h.answer_due_at is None, h.answer_due_at or h.created_at))


async def open_requests_for(session: AsyncSession, actor: Person) -> list[OpenHelp]:
    """The open help requests `actor` (staff) may see: a worker's own, the organisation's
    for a coordinator, those escalation brought to an admin."""
    if not actor.role.is_staff or not actor.active:
        raise NotAllowed("staff only")
    found = await open_requests(session, actor.organisation_id)
    if actor.role == Role.COORDINATOR:
        return found
    if actor.role == Role.WORKER:
        return [h for h in found if h.worker_id == actor.id]
    kept = []
    for h in found:
        hr = await session.get(HelpRequest, h.id)
        if hr is not None and await access.may_see_help(session, actor, hr):
            kept.append(h)
    return kept


async def thread(session: AsyncSession, person: Actor, request_id: int) -> Thread:
    """A help request this person may write in (NotAllowed otherwise), open or not."""
    person = await actors.row(session, person)
    hr = await get(session, request_id)
    as_staff = await authorise(session, person, hr)
    requester = await session.get(Person, hr.requester_id)
    assert requester is not None
    return Thread(hr.id, hr.kind, hr.status, hr.requester_id, requester.name, as_staff)


async def whole_text(session: AsyncSession, person: Actor, message_id: int) -> str:
    """One message of a help thread, whole, for someone who may read the thread."""
    person = await actors.row(session, person)
    message = await session.get(HelpMessage, message_id)
    if message is None:
        raise NotFound("no such help message")
    await authorise(session, person, await get(session, message.help_request_id))
    return message.text


# --- internals, shared by the actions and the job --------------------------------------


async def get(session: AsyncSession, request_id: int, *, lock: bool = False) -> HelpRequest:
    query = select(HelpRequest).where(HelpRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    hr = (await session.execute(query)).scalar_one_or_none()
    if hr is None:
        raise NotFound("no such help request")
    return hr


async def family_match(session: AsyncSession, mentee: Person) -> Match | None:
    if mentee.family_id is None:
        return None
    result = await session.execute(
        select(Match)
        .where(
            Match.family_id == mentee.family_id,
            Match.organisation_id == mentee.organisation_id,
            Match.status == MatchStatus.ACTIVE,
        )
        .order_by(Match.started_on.desc(), Match.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def family_name(session: AsyncSession, hr: HelpRequest) -> str:
    if hr.match_id is None:
        return ""
    result = await session.execute(
        select(Family.name).join(Match, Match.family_id == Family.id).where(Match.id == hr.match_id)
    )
    return result.scalar_one_or_none() or ""


async def first_message(session: AsyncSession, request_id: int) -> HelpMessage:
    result = await session.execute(
        select(HelpMessage)
        .where(HelpMessage.help_request_id == request_id)
        .order_by(HelpMessage.created_at, HelpMessage.id)
        .limit(1)
    )
    return result.scalar_one()


async def coordinators(session: AsyncSession, org_id: int, *, exclude: int | None) -> list[Person]:
    """The organisation's active coordinators, or its admins when it has no coordinator."""
    for role in (Role.COORDINATOR, Role.ADMIN):
        result = await session.execute(
            select(Person)
            .where(Person.organisation_id == org_id, Person.role == role, Person.active)
            .order_by(Person.id)
        )
        found = [p for p in result.scalars() if p.id != exclude]
        if found:
            return found
    return []


async def staff_side(
    session: AsyncSession,
    hr: HelpRequest,
    org: Organisation,
    *,
    exclude: int | None,
    fallback: bool = True,
) -> list[Person]:
    """The staff a requester's message goes to: the assigned worker and any other staff who
    wrote in the thread. When none of them can be reached through the bot (no Telegram,
    blocked, left), the coordinators instead, so that the message never lands nowhere."""
    result = await session.execute(
        select(Person)
        .where(
            Person.organisation_id == org.id,
            Person.active,
            (Person.id == hr.worker_id)
            | Person.id.in_(
                select(HelpMessage.author_id).where(HelpMessage.help_request_id == hr.id)
            ),
        )
        .order_by(Person.id)
    )
    staff = [p for p in result.scalars() if p.role.is_staff and p.id != exclude]
    staff.sort(key=lambda p: p.id != hr.worker_id)
    if fallback and not any(reachable(p) for p in staff):
        known = {p.id for p in staff}
        staff.extend(
            p for p in await coordinators(session, org.id, exclude=exclude) if p.id not in known
        )
    return staff


def reachable(person: Person) -> bool:
    return person.telegram_id is not None and person.reachable
