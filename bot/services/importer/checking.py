"""Checking one row before anything is written: cells cleaned (and formulas refused), the
organisation, role and name, the columns a role may fill, contacts, duplicates within the file
and in the database, the family and the profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import admin, cells, texts
from bot.services.errors import Invalid, NotFound
from bot.services.importer.orgs import Known, Orgs
from bot.services.importer.rules import Row, day, profile
from storage.models import Organisation, Person, Role


@dataclass
class Checked:
    row: Row
    org: Organisation
    values: dict[str, Any]  # the Person's columns
    family: str | None  # a mentee's family (name), None: a family of one
    profile: dict[str, Any] = field(default_factory=dict)  # checked profile values


def clean(row: Row) -> None:
    """Clean every cell like typed text; refuse a cell a spreadsheet would run as a formula
    (a phone number may start with "+")."""
    for column, raw in row.values.items():
        raw = raw or ""
        if cells.is_formula(raw) and not (column == "phone" and raw.startswith("+")):
            raise Invalid(
                "formula",
                f"the {column} cell starts with {raw[:1]!r}: a spreadsheet would run it "
                "as a formula",
            )
        row.values[column] = texts.clean(raw)


def check_columns(role: Role, row: Row) -> None:
    """The family and the match's columns belong on the rows of some roles only."""
    if role not in (Role.MENTOR, Role.MENTEE) and row.get("family"):
        raise Invalid("family_role", f"a {role.value} has no family")
    if role != Role.MENTOR and (row.get("worker") or row.get("started_on")):
        raise Invalid("match_role", "worker and started_on belong on a mentor's row")
    if role == Role.MENTOR and row.get("worker") and not row.get("family"):
        raise Invalid("match_family", "a mentor's worker needs the family of the match")
    if row.get("started_on"):
        day(row.get("started_on"))


def contacts(row: Row, org: Organisation) -> dict[str, Any]:
    """The locale, timezone, phone (in the row's country, or the timezone's) and email."""
    locale = admin.check_locale(row.get("locale") or None)
    timezone = admin.check_timezone(row.get("timezone") or None)
    region = admin.check_region(row.get("country") or None) or admin.region_of(
        timezone or org.timezone
    )
    phone = admin.check_phone(row.get("phone") or None, region)
    email = admin.check_email(row.get("email") or None)
    return {"locale": locale, "timezone": timezone, "phone": phone, "email": email}


def family_of(known: Known, role: Role, row: Row) -> str | None:
    """A mentee's family as the row names it (a family id must be known), or None."""
    if role != Role.MENTEE or not row.get("family"):
        return None
    family = row.get("family")
    if family.isdigit() and int(family) not in known.family_ids:
        raise NotFound(f"unknown family {family!r}")
    return family


class Checker:
    def __init__(self, session: AsyncSession, now: datetime, orgs: Orgs) -> None:
        self.session, self.now, self.orgs = session, now, orgs
        self.seen: set[tuple[int, str, str]] = set()

    async def check(self, row: Row) -> Checked:
        clean(row)
        known = await self.orgs.load(row.get("organisation"))
        org = known.org
        role = admin.check_role(row.get("role"))
        name = admin.check_name(row.get("name"))
        check_columns(role, row)
        given = contacts(row, org)
        key = (org.id, role.value, name.casefold())
        await self._unique(key, known, role, name)
        family = family_of(known, role, row)
        checked_profile = profile(role, row)
        self.seen.add(key)
        values = {
            "organisation_id": org.id,
            "role": role,
            "name": name,
            **given,
            "family_id": None,
            "created_at": self.now,
        }
        return Checked(row, org, values, family, checked_profile)

    async def _unique(self, key: tuple[int, str, str], known: Known, role: Role, name: str) -> None:
        """Refuse a person of the same role and name earlier in the file or stored before."""
        if key in self.seen:
            raise Invalid("duplicate", f"a {role.value} named {name!r} appears twice in the file")
        if hash((role.value, name)) in known.people and await self._stored(
            known.org.id, role, name
        ):
            raise Invalid("duplicate", f"a {role.value} named {name!r} already exists")

    async def _stored(self, org_id: int, role: Role, name: str) -> bool:
        found = await self.session.execute(
            select(Person.id).where(
                Person.organisation_id == org_id, Person.role == role, Person.name == name
            )
        )
        return found.first() is not None
