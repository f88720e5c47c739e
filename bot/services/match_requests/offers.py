"""Asking mentors and their answers: a coordinator asks a proposed mentor (the match is made,
forming, with the first question) and the mentor gets the offer (`MentorAsked`); each yes
adds that mentor to the team, each no keeps its reason; the coordinators and the referring
worker are told (`OfferAnswered`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, events, outbox, profiles
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.match_requests.queries import (
    coordinators,
    facts_of,
    org_of,
    own_offer,
    summary_of,
    visible,
)
from bot.services.match_requests.rules import MAX_ID, OPEN_REQUESTS, OfferView, today
from bot.services.matching import score
from domain.events import MentorAsked, OfferAnswered
from domain.values import Actor
from storage.match_life import DeclineReason, MatchStage, OfferStatus, RequestStatus
from storage.models import (
    Match,
    MatchMentor,
    MatchOffer,
    MatchRequest,
    MatchStatus,
    Organisation,
    Person,
    Role,
)


async def ask_mentor(
    session: AsyncSession,
    now: datetime,
    coordinator: Actor | None,
    request_id: int,
    mentor_id: int,
    *,
    org_id: int | None = None,
) -> MatchOffer:
    """Ask a proposed mentor to join the family's team (a coordinator in the bot, or the CLI
    with `coordinator=None` and the organisation given). The match is made, forming, with the
    first question; the mentor sees only the summary (needs, area, languages, availability)."""
    req = await _open_request(session, coordinator, request_id)
    mentor = await _mentor_of(session, req, mentor_id)
    facts = profiles.facts_of_mentor(await profiles.mentor_view(session, mentor))
    result = score(facts, await facts_of(session, req))
    if not result.eligible:
        raise Invalid("not_eligible", f"mentor {mentor.id} cannot be proposed for this family")
    org = await org_of(session, req.organisation_id)
    actor_id = coordinator.id if coordinator else None
    if req.match_id is None:
        await _form_match(session, now, actor_id, req, org)
    if await session.scalar(
        select(MatchOffer.id).where(
            MatchOffer.match_id == req.match_id, MatchOffer.mentor_id == mentor.id
        )
    ):
        raise Invalid("already_asked", f"mentor {mentor.id} was already asked")
    summary = await summary_of(session, req)
    offer = MatchOffer(
        match_id=req.match_id,
        mentor_id=mentor.id,
        asked_by_id=actor_id,
        score=result.points,
        reasons=[[code, args] for code, args in result.reasons],
        summary=summary,
        status=OfferStatus.ASKED,
        asked_at=now,
    )
    session.add(offer)
    await session.flush()
    audit.record(
        session,
        now,
        "offer.sent",
        actor_id=actor_id,
        organisation_id=org.id,
        target=("match_offer", offer.id),
        mentor_id=mentor.id,
        score=result.points,
    )
    events.record(session, now, MentorAsked(offer.id, mentor.id))
    return offer


async def _open_request(
    session: AsyncSession, coordinator: Actor | None, request_id: int
) -> MatchRequest:
    """The open request a coordinator (or the CLI, with None) asks a mentor for."""
    if coordinator is not None:
        if coordinator.role != Role.COORDINATOR or not coordinator.active:
            raise NotAllowed("coordinators only")
        req = await visible(session, await actors.row(session, coordinator), request_id)
    else:
        found = await session.get(MatchRequest, request_id) if 0 < request_id <= MAX_ID else None
        if found is None:
            raise NotFound(f"unknown request {request_id}")
        req = found
    if req.status not in OPEN_REQUESTS:
        raise Invalid("request_closed", f"request {req.id} is no longer open")
    return req


async def _mentor_of(session: AsyncSession, req: MatchRequest, mentor_id: int) -> Person:
    """An active mentor of the request's organisation."""
    mentor = await session.get(Person, mentor_id) if 0 < mentor_id <= MAX_ID else None
    if (
        mentor is None
        or mentor.role != Role.MENTOR
        or not mentor.active
        or mentor.organisation_id != req.organisation_id
    ):
        raise NotFound(f"unknown mentor {mentor_id}")
    return mentor


async def _form_match(
    session: AsyncSession,
    now: datetime,
    actor_id: int | None,
    req: MatchRequest,
    org: Organisation,
) -> None:
    """The first mentor asked: the match is made, forming, and the request is matching."""
    match = Match(
        organisation_id=req.organisation_id,
        family_id=req.family_id,
        worker_id=req.worker_id,
        status=MatchStatus.PROPOSED,
        stage=MatchStage.FORMING,
        started_on=today(org, now),
        created_at=now,
    )
    session.add(match)
    await session.flush()
    req.match_id = match.id
    req.status = RequestStatus.MATCHING
    audit.record(
        session,
        now,
        "match.created",
        actor_id=actor_id,
        organisation_id=org.id,
        target=("match", match.id),
        request_id=req.id,
    )


async def answer_offer(
    session: AsyncSession,
    now: datetime,
    mentor: Actor,
    offer_id: int,
    *,
    accept: bool,
    reason: DeclineReason | None = None,
) -> OfferView:
    """A mentor's answer. A yes adds them to the match (the team grows one yes at a time); a
    no keeps its reason. The coordinators and the referring worker are told."""
    mentor = await actors.row(session, mentor)
    offer = await own_offer(session, mentor, offer_id)
    if offer.status != OfferStatus.ASKED:
        return OfferView(offer.id, offer.status, dict(offer.summary or {}))
    if not accept and reason is None:
        raise Invalid("reason", "a decline needs a reason")
    match = await session.get(Match, offer.match_id)
    assert match is not None
    if match.status == MatchStatus.CLOSED:
        offer.status = OfferStatus.WITHDRAWN
        return OfferView(offer.id, offer.status, dict(offer.summary or {}))
    offer.status = OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED
    offer.decline_reason = None if accept else reason
    offer.answered_at = now
    if accept:
        session.add(MatchMentor(match_id=match.id, mentor_id=mentor.id))
    await session.flush()
    audit.record(
        session,
        now,
        "offer.answered",
        actor_id=mentor.id,
        organisation_id=match.organisation_id,
        target=("match_offer", offer.id),
        accepted=accept,
        reason=reason.value if reason else None,
    )
    await _tell_staff(session, now, match, offer)
    return OfferView(offer.id, offer.status, dict(offer.summary or {}))


async def _tell_staff(
    session: AsyncSession, now: datetime, match: Match, offer: MatchOffer
) -> None:
    """The coordinators (with the request's button) and the referring worker (after a yes,
    with the button to plan the first meeting) are told of an answer."""
    staff = [
        *await coordinators(session, match.organisation_id),
        *[p for p in [await session.get(Person, match.worker_id)] if p is not None],
    ]
    told = tuple(p.id for p in staff if outbox.deliverable(p))
    events.record(session, now, OfferAnswered(offer.id, told))
