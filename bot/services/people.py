"""Who a person is to the bot: their organisation, language and timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import DEFAULT_LOCALE, Translator, normalise_locale, translator
from bot.services import audit, contacts, drafts
from bot.services.actors import row
from domain import Actor, Me
from storage.models import Draft, Organisation, Person


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


def international_phone(number: str) -> str:
    """A stored phone number in the international format staff can dial from anywhere; an
    unreadable one as written."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


class Reader:
    """Everything needed to render a message for one person."""

    def __init__(self, person: Person, org: Organisation) -> None:
        self.person = person
        self.org = org
        self.tr: Translator = translator(
            locale_of(person, org), contacts.region_of(org), person.address, org.locale
        )
        self.tz = timezone_of(person, org)

    @property
    def locale(self) -> str:
        return self.tr.locale


async def reader(session: AsyncSession, actor: Actor, org: Organisation | None = None) -> Reader:
    person = await row(session, actor)
    return Reader(person, org if org is not None else await organisation_of(session, person))


def me_of(person: Person, rd: Reader) -> Me:
    """The person as a value, with the language and timezone they are answered in."""
    return Me(
        id=person.id,
        organisation_id=person.organisation_id,
        role=person.role,
        consent=person.consent,
        active=person.active,
        telegram_id=person.telegram_id,
        family_id=person.family_id,
        name=person.name,
        address=person.address,
        locale=rd.locale,
        timezone=rd.tz,
    )


@dataclass(frozen=True)
class Arrival:
    """Who sent an update, as values: the person (None: unknown or no longer active), the
    words and timezone to answer in (None: the sender's client language, UTC) and their
    conversation in progress."""

    me: Me | None
    reader: Reader | None
    draft: drafts.Draft | None


async def arrival(
    session: AsyncSession, now: datetime, telegram_id: int, *, writes: bool = True
) -> Arrival:
    """The update's first query: the person, their organisation and their draft; `writes`: the
    person wrote to the bot (not a change of membership), so they can be reached again."""
    person, org, draft = await with_draft(session, telegram_id)
    if person is None or not person.active:
        return Arrival(None, None, drafts.value_of(draft))
    rd = await reader(session, person, org)
    if writes:
        await reachable_again(session, now, person)
    return Arrival(me_of(person, rd), rd, drafts.value_of(draft))


# Built once (the update's first query, run on every update): SQLAlchemy keeps its cache key
# on the statement and its compiled form in the engine's cache, so neither is made again.
_WITH_DRAFT = (
    select(Person, Organisation, Draft)
    .join(Organisation, Organisation.id == Person.organisation_id)
    .outerjoin(Draft, Draft.telegram_id == Person.telegram_id)
    .where(Person.telegram_id == bindparam("telegram_id"))
)


async def with_draft(
    session: AsyncSession, telegram_id: int
) -> tuple[Person | None, Organisation | None, Draft | None]:
    """The person behind a Telegram account, their organisation and their conversation in
    progress, in one round trip (the update's first query). Without a person, the draft is
    looked up on its own (someone being onboarded has one)."""
    row = (await session.execute(_WITH_DRAFT, {"telegram_id": telegram_id})).one_or_none()
    if row is None:
        return None, None, await session.get(Draft, telegram_id)
    return row[0], row[1], row[2]


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    result = await session.execute(select(Person).where(Person.telegram_id == telegram_id))
    return result.scalar_one_or_none()


async def reachable_again(session: AsyncSession, now: datetime, actor: Actor) -> bool:
    """The person wrote to the bot (or unblocked it): they can be reached again."""
    person = await row(session, actor)
    if person.reachable:
        return False
    person.reachable, person.unreachable_reason = True, None
    audit.record(
        session,
        now,
        "person.reachable",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
    )
    return True
