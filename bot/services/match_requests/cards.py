"""A request's card: the family, the worker, its age, the summary mentors will see and, for a
coordinator, the best mentors with their scores and the family's earlier matches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, profiles
from bot.services.match_requests.queries import facts_of, org_of, summary_of, visible
from bot.services.match_requests.rules import (
    PROPOSE,
    Candidate,
    PastMatch,
    RequestCard,
    age,
    overdue,
)
from bot.services.matching import rank
from domain.values import Actor
from storage.models import Family, Match, MatchMentor, MatchOffer, MatchStatus, Person, Role


async def request_card(
    session: AsyncSession, staff: Actor, request_id: int, now: datetime
) -> RequestCard:
    staff = await actors.row(session, staff)
    req = await visible(session, staff, request_id)
    org = await org_of(session, req.organisation_id)
    family = await session.get(Family, req.family_id)
    worker = await session.get(Person, req.worker_id)
    assert family is not None and worker is not None
    candidates: list[Candidate] = []
    left_out = 0
    if staff.role == Role.COORDINATOR:
        mentors = await profiles.mentors_of_org(session, org.id)
        proposed, out = rank(mentors, await facts_of(session, req))
        left_out = len(out)
        offers = {}
        if req.match_id is not None:
            offers = {
                o.mentor_id: o.status
                for o in (
                    await session.execute(
                        select(MatchOffer).where(MatchOffer.match_id == req.match_id)
                    )
                ).scalars()
            }
        names = dict(
            (
                await session.execute(
                    select(Person.id, Person.name).where(
                        Person.id.in_([s.mentor_id for s in proposed[:PROPOSE]])
                    )
                )
            ).all()
        )
        candidates = [
            Candidate(s.mentor_id, names[s.mentor_id], s, offers.get(s.mentor_id))
            for s in proposed[:PROPOSE]
        ]
    # The family's earlier matches and how they ended: for coordinators (rematches).
    history_rows = await session.execute(
        select(Match)
        .where(Match.family_id == req.family_id, Match.status == MatchStatus.CLOSED)
        .order_by(Match.closed_at.desc(), Match.id.desc())
    )
    history = []
    for m in history_rows.scalars() if staff.role == Role.COORDINATOR else []:
        n = len(
            (
                await session.execute(
                    select(MatchMentor.mentor_id).where(MatchMentor.match_id == m.id)
                )
            ).all()
        )
        history.append(
            PastMatch(
                m.id, m.started_on, m.closed_at, m.closure_code.value if m.closure_code else None, n
            )
        )
    return RequestCard(
        id=req.id,
        family_name=family.name,
        worker_name=worker.name,
        needs=list(req.needs or []),
        urgency=req.urgency,
        note=req.note,
        status=req.status,
        age_days=age(now, req.created_at),
        overdue=overdue(org, req, now),
        summary=await summary_of(session, req),
        candidates=candidates,
        left_out=left_out,
        history=history,
        rematch_policy=org.rematch_policy,
    )
