"""What the import knows of each organisation named in the file, loaded once: the people
stored before (to find duplicates) and the families (by name and id)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import admin
from storage.models import Family, Organisation, Person, Role


class Known:
    """What the import needs to know of one organisation, loaded once."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        # hash((role, name)) of the people stored before: a hit is confirmed by a query.
        self.people: set[int] = set()
        self.families: dict[str, int] = {}  # name -> id
        self.family_ids: set[int] = set()


class Orgs:
    """The organisations of the file, by the reference the file gives (a name or an id)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.by_ref: dict[str, Known] = {}

    async def load(self, ref: str) -> Known:
        known = self.by_ref.get(ref)
        if known is not None:
            return known
        org = await admin.find_org(self.session, ref)
        for other in self.by_ref.values():
            if other.org.id == org.id:
                self.by_ref[ref] = other
                return other
        loaded = Known(org)
        stored = await self.session.execute(
            select(Person.role, Person.name).where(Person.organisation_id == org.id)
        )
        loaded.people = {hash((Role(r).value, n)) for r, n in stored.all()}
        families = await self.session.execute(
            select(Family.id, Family.name).where(Family.organisation_id == org.id)
        )
        for family_id, name in families.all():
            loaded.families[name] = family_id
            loaded.family_ids.add(family_id)
        self.by_ref[ref] = loaded
        return loaded

    def known(self, org_id: int) -> Known:
        """An organisation already loaded, by its id."""
        return next(o for o in self.by_ref.values() if o.org.id == org_id)
