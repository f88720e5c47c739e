"""A mentee's contacts: their mentors and referring worker, with only the details each agreed
to share, and the organisation's office, hours and emergency number."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import phonenumbers
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.values import Actor
from storage.models import Match, MatchMentor, MatchStatus, Organisation, Person, Role


@dataclass(frozen=True)
class Contact:
    name: str
    role: Role
    phone: str | None  # formatted for dialling from the organisation's country
    email: str | None


@dataclass(frozen=True)
class Contacts:
    mentors: list[Contact]
    workers: list[Contact]
    office_phone: str | None
    office_hours: str | None
    address: str | None
    emergency_phone: str


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """Timezone name -> ISO country code, from the IANA zone table shipped with tzdata."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            found[fields[2]] = fields[0]
    return found


def region_of(org: Organisation) -> str | None:
    """The organisation's country: from its office phone when written internationally, else
    from its timezone."""
    if org.office_phone and org.office_phone.strip().startswith("+"):
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(org.office_phone))
        except phonenumbers.NumberParseException:
            region = None
        if region and region != "ZZ":
            return str(region)
    return _zone_countries().get(org.timezone)


def format_phone(number: str | None, region: str | None) -> str | None:
    """A phone number as it is dialled from `region`: national format for a number of that
    country, international otherwise. Unreadable numbers are shown as written."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    same_country = region is not None and phonenumbers.region_code_for_number(parsed) == region
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(parsed, fmt))


def _contact(person: Person, region: str | None) -> Contact:
    return Contact(
        name=person.name,
        role=person.role,
        phone=format_phone(person.phone, region) if person.share_phone else None,
        email=person.email if person.share_email else None,
    )


async def for_mentee(session: AsyncSession, mentee: Actor) -> Contacts:
    """The contacts of a mentee: the mentors and workers of their family's active matches."""
    org = await session.get(Organisation, mentee.organisation_id)
    assert org is not None
    region = region_of(org)
    mentors: list[Person] = []
    workers: list[Person] = []
    if mentee.role == Role.MENTEE and mentee.family_id is not None:
        matches = list(
            (
                await session.execute(
                    select(Match).where(
                        Match.family_id == mentee.family_id,
                        Match.organisation_id == mentee.organisation_id,
                        Match.status == MatchStatus.ACTIVE,
                    )
                )
            ).scalars()
        )
        match_ids = [m.id for m in matches]
        if match_ids:
            mentors = list(
                (
                    await session.execute(
                        select(Person)
                        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
                        .where(MatchMentor.match_id.in_(match_ids), Person.active.is_(True))
                        .order_by(Person.name, Person.id)
                        .distinct()
                    )
                ).scalars()
            )
            workers = list(
                (
                    await session.execute(
                        select(Person)
                        .where(
                            Person.id.in_([m.worker_id for m in matches]),
                            Person.active.is_(True),
                        )
                        .order_by(Person.name, Person.id)
                    )
                ).scalars()
            )
    return Contacts(
        mentors=[_contact(p, region) for p in mentors],
        workers=[_contact(p, region) for p in workers],
        office_phone=format_phone(org.office_phone, region),
        office_hours=org.office_hours,
        address=org.address,
        emergency_phone=format_phone(org.emergency_phone, region) or org.emergency_phone,
    )
