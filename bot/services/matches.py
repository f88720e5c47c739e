"""A match as staff see it: who is in it, how it is going (the latest meetings and progress
report), and what is still open about it (concerns, help requests). Staff of the match's own
organisation only, and there only by relationship (`bot.services.access`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, actors
from bot.services import help as help_requests
from bot.services.errors import NotAllowed, NotFound
from bot.services.meetings import Seen, family_name
from domain.values import Actor
from storage.models import (
    Concern,
    ConcernStatus,
    Match,
    MatchMentor,
    MatchStatus,
    Meeting,
    Person,
    ProgressReport,
    Role,
)

LATEST_MEETINGS = 3
MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger number names no match


@dataclass(frozen=True)
class LatestReport:
    id: int
    created_at: datetime
    mentor_name: str
    relationship: int  # 1..4, progress.RELATIONSHIP_LABELS
    needs_support: bool


@dataclass(frozen=True)
class MatchCard:
    id: int
    family_name: str
    members: tuple[str, ...]  # the family's mentees
    mentors: tuple[str, ...]
    worker_name: str
    status: MatchStatus
    started_on: date
    meetings: tuple[Seen, ...]  # newest first
    report: LatestReport | None
    open_concerns: int
    open_help_requests: int


async def staff_match(session: AsyncSession, staff: Person, match_id: int) -> Match:
    """The match, if `staff` may see it (`bot.services.access`: its referring worker, the
    organisation's coordinators, an admin one of its concerns was escalated to); NotFound when
    there is no such match, NotAllowed for anyone else."""
    if not staff.role.is_staff or not staff.active:
        raise NotAllowed("staff only")
    match = await session.get(Match, match_id) if 0 < match_id <= MAX_ID else None
    if match is None:
        raise NotFound("no such match")
    if match.organisation_id != staff.organisation_id:
        raise NotAllowed("match of another organisation")
    if not await access.may_see_match(session, staff, match):
        raise NotAllowed("not this person's match")
    return match


async def match_card(
    session: AsyncSession, staff: Actor, match_id: int, now: datetime
) -> MatchCard:
    """Everything staff need to pick a match up from a notification."""
    staff = await actors.row(session, staff)
    del now  # the card shows stored facts only; the reader's clock is the handler's concern
    match = await staff_match(session, staff, match_id)
    members = await session.execute(
        select(Person.name)
        .where(
            Person.family_id == match.family_id,
            Person.role == Role.MENTEE,
            Person.active,
        )
        .order_by(Person.name, Person.id)
    )
    mentors = await session.execute(
        select(Person.name)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match.id, Person.active)
        .order_by(Person.name, Person.id)
    )
    worker = await session.get(Person, match.worker_id)
    seen = await session.execute(
        select(Meeting.mentor_id, Person.name, Meeting.occurred_on, Meeting.duration_minutes)
        .join(Person, Person.id == Meeting.mentor_id)
        .where(Meeting.match_id == match.id)
        .order_by(Meeting.occurred_on.desc(), Meeting.id.desc())
        .limit(LATEST_MEETINGS)
    )
    latest = (
        await session.execute(
            select(ProgressReport, Person.name)
            .join(Person, Person.id == ProgressReport.mentor_id)
            .where(ProgressReport.match_id == match.id)
            .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())
            .limit(1)
        )
    ).first()
    report = None
    if latest is not None:
        row, mentor_name = latest
        report = LatestReport(
            row.id, row.created_at, mentor_name, row.relationship, row.needs_support
        )
    open_concerns = await session.scalar(
        select(func.count(Concern.id)).where(
            Concern.match_id == match.id, Concern.status != ConcernStatus.RESOLVED
        )
    )
    open_help = [
        h
        for h in await help_requests.open_requests(session, match.organisation_id)
        if h.match_id == match.id
    ]
    return MatchCard(
        id=match.id,
        family_name=await family_name(session, match),
        members=tuple(members.scalars()),
        mentors=tuple(mentors.scalars()),
        worker_name=worker.name if worker else "",
        status=match.status,
        started_on=match.started_on,
        meetings=tuple(Seen(*r) for r in seen.all()),
        report=report,
        open_concerns=int(open_concerns or 0),
        open_help_requests=len(open_help),
    )
