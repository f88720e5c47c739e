"""Reading profiles: a mentor's and a family's, as stored, and as the scoring function
(`bot.services.matching`) sees them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.matching import FamilyFacts, MentorFacts
from domain.values import Actor
from storage.models import (
    FamilyProfile,
    Match,
    MatchMentor,
    MatchStatus,
    MentorProfile,
    Person,
    Role,
)


@dataclass(frozen=True)
class MentorView:
    person_id: int
    languages: dict[str, int]
    area: str | None
    availability: list[str]
    skills: list[str]
    capacity: int
    gender: str | None
    load: int  # open matches


@dataclass(frozen=True)
class FamilyView:
    family_id: int
    languages: dict[str, int]
    area: str | None
    needs: list[str]
    availability: list[str]
    preferences: dict[str, Any]


async def open_load(session: AsyncSession, mentor_ids: list[int]) -> dict[int, int]:
    """How many open matches (proposed or active) each mentor has now."""
    if not mentor_ids:
        return {}
    rows = await session.execute(
        select(MatchMentor.mentor_id, func.count())
        .join(Match, Match.id == MatchMentor.match_id)
        .where(
            MatchMentor.mentor_id.in_(mentor_ids),
            Match.status.in_((MatchStatus.PROPOSED, MatchStatus.ACTIVE)),
        )
        .group_by(MatchMentor.mentor_id)
    )
    found = {mentor_id: int(n) for mentor_id, n in rows.all()}
    return {i: found.get(i, 0) for i in mentor_ids}


def build_mentor_view(person_id: int, row: MentorProfile | None, load: int) -> MentorView:
    if row is None:
        return MentorView(person_id, {}, None, [], [], 1, None, load)
    return MentorView(
        person_id,
        {str(k): int(v) for k, v in (row.languages or {}).items()},
        row.area,
        list(row.availability or []),
        list(row.skills or []),
        row.capacity,
        row.gender.value if row.gender else None,
        load,
    )


async def mentor_view(session: AsyncSession, person: Actor) -> MentorView:
    row = await session.get(MentorProfile, person.id)
    load = (await open_load(session, [person.id]))[person.id]
    return build_mentor_view(person.id, row, load)


async def family_view(session: AsyncSession, family_id: int) -> FamilyView:
    row = await session.get(FamilyProfile, family_id)
    if row is None:
        return FamilyView(family_id, {}, None, [], [], {})
    return FamilyView(
        family_id,
        {str(k): int(v) for k, v in (row.languages or {}).items()},
        row.area,
        list(row.needs or []),
        list(row.availability or []),
        dict(row.preferences or {}),
    )


async def mentors_of_org(session: AsyncSession, organisation_id: int) -> list[MentorFacts]:
    """Every active mentor of an organisation, as the scoring function sees them."""
    rows = (
        await session.execute(
            select(Person.id, MentorProfile)
            .outerjoin(MentorProfile, MentorProfile.person_id == Person.id)
            .where(
                Person.organisation_id == organisation_id,
                Person.role == Role.MENTOR,
                Person.active,
            )
            .order_by(Person.id)
        )
    ).all()
    loads = await open_load(session, [pid for pid, _ in rows])
    return [facts_of_mentor(build_mentor_view(pid, row, loads[pid])) for pid, row in rows]


def facts_of_mentor(view: MentorView) -> MentorFacts:
    return MentorFacts(
        id=view.person_id,
        languages=view.languages,
        area=view.area,
        availability=frozenset(view.availability),
        skills=frozenset(view.skills),
        capacity=view.capacity,
        load=view.load,
        gender=view.gender,
    )


def facts_of_family(view: FamilyView, needs: Iterable[str] = ()) -> FamilyFacts:
    return FamilyFacts(
        languages=view.languages,
        area=view.area,
        needs=frozenset(view.needs) | frozenset(needs),
        availability=frozenset(view.availability),
        preferences=view.preferences,
    )
