"""Test data: a small programme, written straight to the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import (
    Consent,
    Family,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
)

_ids = count(1)


@dataclass
class Builder:
    session: AsyncSession
    now: datetime

    async def org(self, name: str | None = None, **kw: object) -> Organisation:
        org = Organisation(
            name=name or f"Org {next(_ids)}",
            timezone=str(kw.pop("timezone", "Europe/Madrid")),
            locale=str(kw.pop("locale", "es")),
            created_at=self.now,
            **kw,
        )
        self.session.add(org)
        await self.session.flush()
        return org

    async def person(
        self,
        org: Organisation,
        role: Role,
        name: str | None = None,
        *,
        telegram_id: int | None = None,
        locale: str | None = "en",
        family: Family | None = None,
        **kw: object,
    ) -> Person:
        """A person; with `telegram_id` they are linked and have agreed, ready to talk."""
        person = Person(
            organisation_id=org.id,
            role=role,
            name=name or f"{role.value.title()} {next(_ids)}",
            locale=locale,
            family_id=family.id if family else None,
            telegram_id=telegram_id,
            consent=Consent.GIVEN if telegram_id else Consent.PENDING,
            consent_at=self.now if telegram_id else None,
            created_at=self.now,
            **kw,
        )
        self.session.add(person)
        await self.session.flush()
        return person

    async def family(self, org: Organisation, name: str | None = None) -> Family:
        family = Family(
            organisation_id=org.id, name=name or f"Family {next(_ids)}", created_at=self.now
        )
        self.session.add(family)
        await self.session.flush()
        return family

    async def match(
        self,
        family: Family,
        mentors: list[Person],
        worker: Person,
        *,
        started_on: date | None = None,
        status: MatchStatus = MatchStatus.ACTIVE,
    ) -> Match:
        match = Match(
            organisation_id=family.organisation_id,
            family_id=family.id,
            worker_id=worker.id,
            status=status,
            started_on=started_on or date(2026, 1, 1),
            created_at=self.now,
        )
        self.session.add(match)
        await self.session.flush()
        for mentor in mentors:
            self.session.add(MatchMentor(match_id=match.id, mentor_id=mentor.id))
        await self.session.flush()
        return match


@asynccontextmanager
async def building(db: Database, now: datetime) -> AsyncIterator[Builder]:
    """Write test data in one committed transaction:

    async with building(db, clock.now()) as b:
        org = await b.org()
    """
    async with db.transaction() as session:
        yield Builder(session, now)
