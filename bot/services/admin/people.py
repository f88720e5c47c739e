"""People and families: find, add, change, list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.admin.checks import (
    check_email,
    check_locale,
    check_name,
    check_phone,
    check_quiet_hours,
    check_region,
    check_role,
    check_timezone,
    check_yes_no,
    region_of,
)
from bot.services.admin.organisations import _update, find_org
from bot.services.admin.values import FamilyInfo, PersonInfo, _person_info
from bot.services.errors import Invalid, NotFound
from storage.models import (
    Consent,
    Family,
    Organisation,
    Person,
    Role,
)


async def find_person(session: AsyncSession, ref: str | int, what: str = "person") -> Person:
    """A person by id."""
    text = str(ref).strip().lstrip("#")
    person = await session.get(Person, int(text)) if text.isdigit() else None
    if person is None:
        raise NotFound(f"unknown {what} {str(ref)!r}")
    return person


async def find_family(session: AsyncSession, org: Organisation, ref: str | int) -> Family | None:
    """A family of the organisation by id or exact name, or None."""
    text = str(ref).strip()
    if text.isdigit():
        family = await session.get(Family, int(text))
        if family is not None and family.organisation_id == org.id:
            return family
    result = await session.execute(
        select(Family).where(Family.organisation_id == org.id, Family.name == text)
    )
    return result.scalar_one_or_none()


# families ---------------------------------------------------------------------------------


async def _new_family(session: AsyncSession, now: datetime, org: Organisation, name: str) -> Family:
    family = Family(organisation_id=org.id, name=name, created_at=now)
    session.add(family)
    await session.flush()
    audit.record(
        session,
        now,
        "family.created",
        actor_id=None,
        organisation_id=org.id,
        target=("family", family.id),
    )
    return family


async def add_family(
    session: AsyncSession, now: datetime, *, org: str | int, name: str
) -> FamilyInfo:
    organisation = await find_org(session, org)
    clean = check_name(name, "family name")
    if clean.isdigit():
        raise Invalid("name", "a family name cannot be only digits")
    if await find_family(session, organisation, clean) is not None:
        raise Invalid("family_exists", f"a family named {clean!r} already exists")
    family = await _new_family(session, now, organisation, clean)
    return FamilyInfo(family.id, family.organisation_id, family.name, [])


async def list_families(session: AsyncSession, org: str | int | None = None) -> list[FamilyInfo]:
    query = select(Family).order_by(Family.id)
    if org is not None:
        query = query.where(Family.organisation_id == (await find_org(session, org)).id)
    families = list((await session.execute(query)).scalars())
    members: dict[int, list[int]] = {f.id: [] for f in families}
    if families:
        rows = await session.execute(
            select(Person.family_id, Person.id)
            .where(Person.family_id.in_(list(members)))
            .order_by(Person.id)
        )
        for family_id, person_id in rows.all():
            if family_id is not None:
                members[family_id].append(person_id)
    return [FamilyInfo(f.id, f.organisation_id, f.name, members[f.id]) for f in families]


# people -----------------------------------------------------------------------------------
async def add_person(
    session: AsyncSession,
    now: datetime,
    *,
    org: str | int,
    role: str | Role,
    name: str,
    locale: str | None = None,
    timezone: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    family: str | int | None = None,
    country: str | None = None,
) -> PersonInfo:
    """A person of an organisation. A mentee always belongs to a family: the one named by
    `family` (made when it does not exist yet), else a new family of one."""
    organisation = await find_org(session, org)
    person_role = check_role(role)
    clean_name = check_name(name)
    loc = check_locale(locale)
    tz = check_timezone(timezone)
    region = check_region(country) or region_of(tz or organisation.timezone)
    e164 = check_phone(phone, region)
    mail = check_email(email)
    family_ref = str(family).strip() if family is not None else ""
    if family_ref and person_role != Role.MENTEE:
        raise Invalid("family_role", "only mentees belong to a family")
    existing: Family | None = None
    if family_ref:
        existing = await find_family(session, organisation, family_ref)
        if existing is None and family_ref.isdigit():
            raise NotFound(f"unknown family {family_ref!r}")

    person = Person(
        organisation_id=organisation.id,
        role=person_role,
        name=clean_name,
        locale=loc,
        timezone=tz,
        phone=e164,
        email=mail,
        created_at=now,
    )
    session.add(person)
    await session.flush()
    if person_role == Role.MENTEE:
        if existing is None:
            family_name = family_ref or clean_name
            if await find_family(session, organisation, family_name) is not None:
                family_name = f"{family_name} ({person.id})"
            existing = await _new_family(session, now, organisation, family_name)
        person.family_id = existing.id
        await session.flush()
    audit.record(
        session,
        now,
        "person.created",
        actor_id=None,
        organisation_id=organisation.id,
        target=("person", person.id),
        role=person_role.value,
    )
    return _person_info(person)


async def set_person(
    session: AsyncSession,
    now: datetime,
    person: str | int,
    *,
    locale: str | None = None,
    timezone: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    share_phone: str | bool | None = None,
    share_email: str | bool | None = None,
    quiet_hours: str | None = None,
    active: str | bool | None = None,
    country: str | None = None,
    unlink: bool = False,
) -> PersonInfo:
    """Change a person's details with the rules of `add_person`; settings not given (None)
    stay as they are, and an empty text clears a locale, timezone, phone or email. A phone
    or email can be shared only while the person has one. `unlink` disconnects their
    Telegram account (a lost phone): a new invitation connects the new one, asking for their
    agreement again."""
    found = await find_person(session, person)
    organisation = await session.get(Organisation, found.organisation_id)
    assert organisation is not None
    values: dict[str, Any] = {}
    if locale is not None:
        values["locale"] = check_locale(locale)
    if timezone is not None:
        values["timezone"] = check_timezone(timezone)
    if phone is not None:
        tz = values.get("timezone", found.timezone) or organisation.timezone
        values["phone"] = check_phone(phone, check_region(country) or region_of(tz))
    elif country is not None:
        check_region(country)
    if email is not None:
        values["email"] = check_email(email)
    for key, given, what in (
        ("share_phone", share_phone, "--share-phone"),
        ("share_email", share_email, "--share-email"),
        ("active", active, "--active"),
    ):
        flag = check_yes_no(given, what)
        if flag is not None:
            values[key] = flag
    quiet = check_quiet_hours(quiet_hours)
    if quiet is not None:
        values["quiet_start"], values["quiet_end"] = quiet
    if unlink:
        if found.telegram_id is None:
            raise Invalid("not_linked", f"person {found.id} has no Telegram account to unlink")
        values.update(
            telegram_id=None,
            consent=Consent.PENDING,
            consent_at=None,
            reachable=True,
            unreachable_reason=None,
        )
    if not values:
        raise Invalid("nothing", "nothing to change: give at least one setting")
    for key, what in (("phone", "phone number"), ("email", "email address")):
        shared = values.get(f"share_{key}", getattr(found, f"share_{key}"))
        if shared and values.get(key, getattr(found, key)) is None:
            raise Invalid(
                f"share_{key}",
                f"person {found.id} has no {what} to share: give --{key}, or --share-{key} no",
            )
    await _update(session, now, found, values, "person.updated", found.organisation_id)
    return _person_info(found)


async def list_people(
    session: AsyncSession, org: str | int | None = None, role: str | Role | None = None
) -> list[PersonInfo]:
    query = select(Person).order_by(Person.id)
    if org is not None:
        query = query.where(Person.organisation_id == (await find_org(session, org)).id)
    if role is not None:
        query = query.where(Person.role == check_role(role))
    return [_person_info(p) for p in (await session.execute(query)).scalars()]
