"""A worker's request for mentors for a family (in the bot or the CLI's `request add`): the
family found or made, the request queued, the coordinators told (`MentorsRequested`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, events, outbox, profiles, texts
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.match_requests.queries import coordinators, last_closed, open_for_family, org_of
from bot.services.match_requests.rules import MAX_ID, REF, check_note, check_urgency
from domain.events import MentorsRequested
from domain.values import Actor
from storage.match_life import RequestStatus, Urgency
from storage.models import Family, MatchRequest, Person, Role


async def create_request(
    session: AsyncSession,
    now: datetime,
    worker: Actor,
    *,
    family_name: str | None = None,
    family_id: int | None = None,
    needs: Sequence[str] | str = (),
    urgency: str | Urgency = Urgency.NORMAL,
    note: str | None = None,
    actor_id: int | None = None,
) -> MatchRequest:
    """A worker's request for mentors for a family of their organisation: found by name (made
    when new: a referral) or id. A family with an open match or request cannot have another.
    A family whose last match closed comes back as a rematch, its history kept."""
    if worker.role != Role.WORKER or not worker.active:
        raise NotAllowed("workers only")
    topics = profiles.parse_topics(needs)
    level = check_urgency(urgency)
    clean_note = check_note(note)
    org = await org_of(session, worker.organisation_id)
    family: Family | None
    if family_id is not None:
        family = await session.get(Family, family_id) if 0 < family_id <= MAX_ID else None
        if family is None or family.organisation_id != org.id:
            raise NotFound(f"unknown family {family_id}")
    else:
        name = " ".join(texts.clean(family_name or "").split())
        if not name or len(name) > 200:
            raise Invalid("name", "give the family's name (at most 200 characters)")
        family = await session.scalar(
            select(Family).where(Family.organisation_id == org.id, Family.name == name)
        )
        if family is None:
            family = Family(organisation_id=org.id, name=name, created_at=now)
            session.add(family)
            await session.flush()
            audit.record(
                session,
                now,
                "family.created",
                actor_id=actor_id,
                organisation_id=org.id,
                target=("family", family.id),
            )
    busy = await open_for_family(session, family.id)
    if busy is not None:
        raise Invalid(busy, f"family {family.id} already has an open match or request")
    req = MatchRequest(
        organisation_id=org.id,
        family_id=family.id,
        worker_id=worker.id,
        needs=topics,
        urgency=level,
        note=clean_note,
        status=RequestStatus.WAITING,
        previous_match_id=await last_closed(session, family.id),
        created_at=now,
    )
    session.add(req)
    await session.flush()
    audit.record(
        session,
        now,
        "request.created",
        actor_id=actor_id,
        organisation_id=org.id,
        target=(REF, req.id),
        family_id=family.id,
        urgency=level.value,
    )
    told = tuple(p.id for p in await coordinators(session, org.id) if outbox.deliverable(p))
    events.record(session, now, MentorsRequested(req.id, told))
    return req


async def add_request(
    session: AsyncSession,
    now: datetime,
    *,
    family: str | int,
    worker: str | int,
    needs: str = "",
    urgency: str = "normal",
    note: str | None = None,
) -> MatchRequest:
    """The CLI's `request add`: a worker and a family by id."""
    text = str(worker).strip()
    person = await session.get(Person, int(text)) if text.isdigit() else None
    if person is None:
        raise NotFound(f"unknown person {str(worker)!r}")
    if person.role != Role.WORKER:
        raise Invalid("wrong_role", f"person {person.id} is a {person.role.value}, not a worker")
    ref = str(family).strip()
    if ref.isdigit():
        return await create_request(
            session, now, person, family_id=int(ref), needs=needs, urgency=urgency, note=note
        )
    return await create_request(
        session, now, person, family_name=ref, needs=needs, urgency=urgency, note=note
    )
