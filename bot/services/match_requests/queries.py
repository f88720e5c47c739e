"""Reads of requests and offers, and their authorisation: a worker sees their own requests, a
coordinator their organisation's; only the mentor asked sees an offer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, profiles
from bot.services.errors import NotAllowed, NotFound
from bot.services.match_requests.rules import (
    MAX_ID,
    OPEN_REQUESTS,
    OfferView,
    QueueRow,
    age,
    overdue,
)
from bot.services.matching import FamilyFacts
from domain.values import Actor
from storage.models import (
    Family,
    Match,
    MatchMentor,
    MatchOffer,
    MatchRequest,
    MatchStatus,
    Organisation,
    Person,
    Role,
)


async def org_of(session: AsyncSession, org_id: int) -> Organisation:
    org = await session.get(Organisation, org_id)
    assert org is not None
    return org


async def coordinators(session: AsyncSession, org_id: int) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .where(Person.organisation_id == org_id, Person.role == Role.COORDINATOR, Person.active)
        .order_by(Person.id)
    )
    return list(rows.scalars())


async def open_for_family(session: AsyncSession, family_id: int) -> str | None:
    if await session.scalar(
        select(Match.id).where(
            Match.family_id == family_id,
            Match.status.in_((MatchStatus.PROPOSED, MatchStatus.ACTIVE)),
        )
    ):
        return "open_match"
    if await session.scalar(
        select(MatchRequest.id).where(
            MatchRequest.family_id == family_id, MatchRequest.status.in_(OPEN_REQUESTS)
        )
    ):
        return "open_request"
    return None


async def last_closed(session: AsyncSession, family_id: int) -> int | None:
    return await session.scalar(
        select(Match.id)
        .where(Match.family_id == family_id, Match.status == MatchStatus.CLOSED)
        .order_by(Match.closed_at.desc(), Match.id.desc())
        .limit(1)
    )


async def visible(session: AsyncSession, staff: Person, req_id: int) -> MatchRequest:
    if not staff.active or staff.role not in (Role.WORKER, Role.COORDINATOR):
        raise NotAllowed("staff only")
    req = await session.get(MatchRequest, req_id) if 0 < req_id <= MAX_ID else None
    if req is None:
        raise NotFound("no such request")
    if req.organisation_id != staff.organisation_id:
        raise NotAllowed("request of another organisation")
    if staff.role == Role.WORKER and req.worker_id != staff.id:
        raise NotAllowed("not this worker's request")
    return req


async def queue(session: AsyncSession, staff: Actor, now: datetime) -> list[QueueRow]:
    """Open requests, oldest first: all of the organisation's for a coordinator, their own
    for a worker."""
    if not staff.active or staff.role not in (Role.WORKER, Role.COORDINATOR):
        raise NotAllowed("staff only")
    org = await org_of(session, staff.organisation_id)
    query = (
        select(MatchRequest, Family.name)
        .join(Family, Family.id == MatchRequest.family_id)
        .where(MatchRequest.organisation_id == org.id, MatchRequest.status.in_(OPEN_REQUESTS))
        .order_by(MatchRequest.created_at, MatchRequest.id)
    )
    if staff.role == Role.WORKER:
        query = query.where(MatchRequest.worker_id == staff.id)
    out = []
    for req, name in (await session.execute(query)).all():
        accepted = 0
        if req.match_id is not None:
            accepted = len(
                (
                    await session.execute(
                        select(MatchMentor.mentor_id).where(MatchMentor.match_id == req.match_id)
                    )
                ).all()
            )
        out.append(
            QueueRow(
                req.id,
                name,
                req.urgency,
                req.status,
                age(now, req.created_at),
                overdue(org, req, now),
                req.previous_match_id is not None,
                accepted,
            )
        )
    return out


async def summary_of(session: AsyncSession, req: MatchRequest) -> dict[str, Any]:
    view = await profiles.family_view(session, req.family_id)
    needs = [t for t in profiles.parse_topics([*view.needs, *req.needs])]
    return {
        "needs": needs,
        "area": view.area,
        "languages": view.languages,
        "availability": view.availability,
    }


async def facts_of(session: AsyncSession, req: MatchRequest) -> FamilyFacts:
    view = await profiles.family_view(session, req.family_id)
    return profiles.facts_of_family(view, req.needs)


async def own_offer(session: AsyncSession, mentor: Person, offer_id: int) -> MatchOffer:
    offer = await session.get(MatchOffer, offer_id) if 0 < offer_id <= MAX_ID else None
    if offer is None:
        raise NotFound("no such offer")
    if offer.mentor_id != mentor.id:
        raise NotAllowed("not this mentor's offer")
    return offer


async def offer_view(session: AsyncSession, mentor: Actor, offer_id: int) -> OfferView:
    mentor = await actors.row(session, mentor)
    offer = await own_offer(session, mentor, offer_id)
    return OfferView(offer.id, offer.status, dict(offer.summary or {}))
