"""Profiles for matching: a mentor's languages (with levels), area, availability, skills,
capacity and gender; a family's languages, area, needs, availability and preferences.

Staff fill them in the CLI (`mentorbot profile mentor|family`) or a CSV import; a mentor
fills their own in the bot (`/profile`). Every value is checked against the fixed lists of
`storage.match_life` before anything is written; changes are audited by field name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, texts
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.matching import FamilyFacts, MentorFacts
from domain.values import Actor
from storage.match_life import (
    ALL_SLOTS,
    PREFERENCE_MENTOR_GENDER,
    Gender,
    LanguageLevel,
    Topic,
)
from storage.models import (
    Family,
    FamilyProfile,
    Match,
    MatchMentor,
    MatchStatus,
    MentorProfile,
    Person,
    Role,
)

AREA_MAX = 100
CAPACITY = (1, 10)
MAX_LANGUAGES = 12
LEVEL_NAMES = {"basic": 1, "good": 2, "fluent": 3, "native": 3}


# parsing and checking ---------------------------------------------------------------------
def check_language(code: str) -> str:
    """A language code Babel knows ("ar", "ti", "prs"), lower case."""
    text = code.strip().lower().replace("_", "-")
    if not text or not text.replace("-", "").isalpha() or len(text) > 12:
        raise Invalid("language", f"unknown language {code!r} (use codes like ar, es, uk)")
    try:
        Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError):
        raise Invalid(
            "language", f"unknown language {code!r} (use codes like ar, es, uk)"
        ) from None
    return text


def check_level(value: str | int) -> int:
    text = str(value).strip().lower()
    level = LEVEL_NAMES.get(text) or (int(text) if text.isdigit() else 0)
    if level not in tuple(LanguageLevel):
        raise Invalid("level", f"unknown language level {value!r} (1 basic, 2 good, 3 fluent)")
    return level


def parse_languages(value: str | Mapping[str, Any]) -> dict[str, int]:
    """ "ar:3,es:2" (a code without a level is fluent) or a mapping, checked."""
    pairs: list[tuple[str, Any]]
    if isinstance(value, str):
        pairs = []
        for item in value.replace(";", ",").split(","):
            if item.strip():
                code, _, level = item.partition(":")
                pairs.append((code, level.strip() or LanguageLevel.FLUENT))
    else:
        pairs = list(value.items())
    out: dict[str, int] = {}
    for code, level in pairs:
        clean = check_language(code)
        if clean in out:
            raise Invalid("language", f"the language {clean!r} is given twice")
        out[clean] = check_level(level)
    if len(out) > MAX_LANGUAGES:
        raise Invalid("language", f"at most {MAX_LANGUAGES} languages")
    return out


def parse_slots(value: str | Iterable[str]) -> list[str]:
    """ "tue:eve,sat:am" (days mon–sun; parts am, pm, eve), in the week's order."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    found: set[str] = set()
    for item in items:
        text = item.strip().lower().replace("-", ":")
        if not text:
            continue
        if text not in ALL_SLOTS:
            raise Invalid(
                "slot", f"unknown time slot {item!r} (use day:part, e.g. tue:eve, sat:am)"
            )
        found.add(text)
    return [s for s in ALL_SLOTS if s in found]


def parse_topics(value: str | Iterable[str]) -> list[str]:
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    known = [t.value for t in Topic]
    found: set[str] = set()
    for item in items:
        text = item.strip().lower()
        if not text:
            continue
        if text not in known:
            raise Invalid("topic", f"unknown topic {item!r} (one of {', '.join(known)})")
        found.add(text)
    return [t for t in known if t in found]


def check_gender(value: str | None) -> Gender | None:
    text = (value or "").strip().lower()
    if not text or text in ("-", "none", "any"):
        return None
    try:
        return Gender(text)
    except ValueError:
        names = ", ".join(g.value for g in Gender)
        raise Invalid("gender", f"unknown gender {value!r} (one of {names})") from None


def check_capacity(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdigit() or not CAPACITY[0] <= int(text) <= CAPACITY[1]:
        raise Invalid(
            "capacity", f"capacity must be a whole number from {CAPACITY[0]} to {CAPACITY[1]}"
        )
    return int(text)


def check_area(value: str) -> str | None:
    area = " ".join(texts.clean(value).split())
    if len(area) > AREA_MAX:
        raise Invalid("area", f"the area is longer than {AREA_MAX} characters")
    return area or None


# reading ----------------------------------------------------------------------------------
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


def _mentor_view(person_id: int, row: MentorProfile | None, load: int) -> MentorView:
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
    return _mentor_view(person.id, row, load)


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
    return [facts_of_mentor(_mentor_view(pid, row, loads[pid])) for pid, row in rows]


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


# writing ----------------------------------------------------------------------------------
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
