"""Writing profiles: staff set a mentor's or a family's (CLI, CSV import), a mentor their own
(`/profile`). Fields not given stay as they are; changes are audited by field name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.profiles.checks import (
    check_area,
    check_capacity,
    check_gender,
    parse_languages,
    parse_slots,
    parse_topics,
)
from bot.services.profiles.views import FamilyView, MentorView, family_view, mentor_view
from domain.values import Actor
from storage.match_life import PREFERENCE_MENTOR_GENDER
from storage.models import Family, FamilyProfile, MentorProfile, Person, Role


def _mentor_values(
    *,
    languages: str | Mapping[str, Any] | None = None,
    area: str | None = None,
    availability: str | Iterable[str] | None = None,
    skills: str | Iterable[str] | None = None,
    capacity: str | int | None = None,
    gender: str | None = None,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if languages is not None:
        values["languages"] = parse_languages(languages)
    if area is not None:
        values["area"] = check_area(area)
    if availability is not None:
        values["availability"] = parse_slots(availability)
    if skills is not None:
        values["skills"] = parse_topics(skills)
    if capacity is not None:
        values["capacity"] = check_capacity(capacity)
    if gender is not None:
        values["gender"] = check_gender(gender)
    return values


async def _write_mentor(
    session: AsyncSession, now: datetime, person: Person, values: dict[str, Any], actor: int | None
) -> MentorView:
    if not values:
        raise Invalid("nothing", "nothing to change: give at least one profile field")
    row = await session.get(MentorProfile, person.id)
    if row is None:
        row = MentorProfile(
            person_id=person.id,
            languages={},
            availability=[],
            skills=[],
            capacity=1,
            updated_at=now,
        )
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    await session.flush()
    audit.record(
        session,
        now,
        "mentor_profile.updated",
        actor_id=actor,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        fields=sorted(values),
    )
    return await mentor_view(session, person)


async def set_mentor_profile(
    session: AsyncSession, now: datetime, person_id: str | int, **fields: Any
) -> MentorView:
    """Staff (CLI, CSV): a mentor's profile fields; those not given stay as they are."""
    text = str(person_id).strip()
    person = await session.get(Person, int(text)) if text.isdigit() else None
    if person is None:
        raise NotFound(f"unknown person {str(person_id)!r}")
    if person.role != Role.MENTOR:
        raise Invalid("wrong_role", f"person {person.id} is a {person.role.value}, not a mentor")
    return await _write_mentor(session, now, person, _mentor_values(**fields), None)


async def set_own_profile(
    session: AsyncSession, now: datetime, mentor: Actor, **fields: Any
) -> MentorView:
    """A mentor (`/profile`) changing their own profile."""
    mentor = await actors.row(session, mentor)
    if mentor.role != Role.MENTOR or not mentor.active:
        raise NotAllowed("mentors only")
    return await _write_mentor(session, now, mentor, _mentor_values(**fields), mentor.id)


async def set_family_profile(
    session: AsyncSession,
    now: datetime,
    family: Family,
    *,
    languages: str | Mapping[str, Any] | None = None,
    area: str | None = None,
    needs: str | Iterable[str] | None = None,
    availability: str | Iterable[str] | None = None,
    mentor_gender: str | None = None,
    actor_id: int | None = None,
) -> FamilyView:
    values: dict[str, Any] = {}
    if languages is not None:
        values["languages"] = parse_languages(languages)
    if area is not None:
        values["area"] = check_area(area)
    if needs is not None:
        values["needs"] = parse_topics(needs)
    if availability is not None:
        values["availability"] = parse_slots(availability)
    if mentor_gender is not None:
        wanted = check_gender(mentor_gender)
        values["preferences"] = {PREFERENCE_MENTOR_GENDER: wanted.value} if wanted else {}
    if not values:
        raise Invalid("nothing", "nothing to change: give at least one profile field")
    row = await session.get(FamilyProfile, family.id)
    if row is None:
        row = FamilyProfile(
            family_id=family.id,
            languages={},
            needs=[],
            availability=[],
            preferences={},
            updated_at=now,
        )
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    await session.flush()
    audit.record(
        session,
        now,
        "family_profile.updated",
        actor_id=actor_id,
        organisation_id=family.organisation_id,
        target=("family", family.id),
        fields=sorted(values),
    )
    return await family_view(session, family.id)
