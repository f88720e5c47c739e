"""Who a person is to the bot: their organisation, language and timezone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import DEFAULT_LOCALE, Translator, normalise_locale, translator
from storage.models import Organisation, Person


async def organisation_of(session: AsyncSession, person: Person) -> Organisation:
    org = await session.get(Organisation, person.organisation_id)
    assert org is not None
    return org


def locale_of(person: Person, org: Organisation | None) -> str:
    """The person's choice, else their Telegram client's language, else the organisation's,
    else English."""
    for code in (person.locale, person.telegram_language, org.locale if org else None):
        found = normalise_locale(code)
        if found:
            return found
    return DEFAULT_LOCALE


def timezone_of(person: Person, org: Organisation) -> str:
    return person.timezone or org.timezone


class Reader:
    """Everything needed to render a message for one person."""

    def __init__(self, person: Person, org: Organisation) -> None:
        self.person = person
        self.org = org
        self.tr: Translator = translator(locale_of(person, org))
        self.tz = timezone_of(person, org)

    @property
    def locale(self) -> str:
        return self.tr.locale


async def reader(session: AsyncSession, person: Person) -> Reader:
    return Reader(person, await organisation_of(session, person))


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    result = await session.execute(select(Person).where(Person.telegram_id == telegram_id))
    return result.scalar_one_or_none()
