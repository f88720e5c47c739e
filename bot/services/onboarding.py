"""Onboarding: a person opens their invitation, chooses a language, and agrees (their Telegram
account is linked) or declines (only the refusal is stored). Every step is audited.

Nothing is linked before the person agrees; until then the conversation lives in a draft that
holds the invitation's id, never its token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import ADDRESS_FORMS, normalise_locale
from bot.services import actors, audit, invites, people
from bot.services.errors import Invalid
from domain.values import Actor
from storage.models import Consent, Invite, Person, Role


@dataclass(frozen=True)
class Opened:
    invite_id: int
    person_id: int
    role: Role
    name: str
    organisation: str


@dataclass(frozen=True)
class Linked:
    person_id: int
    organisation_id: int
    role: Role
    locale: str
    relinked: bool  # the person was linked to another Telegram account before


async def _check_account(session: AsyncSession, person: Person, telegram_id: int) -> None:
    """Refuse (`account_taken`) when this account is someone else's, or when the person is
    connected to another account: an invitation never answers for an account it is not
    connected to, neither to agree nor to decline."""
    if person.telegram_id is not None and person.telegram_id != telegram_id:
        raise Invalid("account_taken")
    linked = await people.by_telegram_id(session, telegram_id)
    if linked is not None and linked.id != person.id:
        raise Invalid("account_taken")


async def open_invite(session: AsyncSession, now: datetime, token: str, telegram_id: int) -> Opened:
    """Check an invitation opened from a Telegram account. Raises `Invalid` with code
    `unknown`, `revoked`, `used`, `expired`, `account_taken` (this account belongs to someone
    else, or the person is connected to another account) or `already_linked` (this person
    opened their used link again)."""
    invite = await invites.lookup(session, token)
    if invite is not None and invites.problem(invite, now) == "used":
        person = await session.get(Person, invite.person_id)
        if (
            person is not None
            and person.telegram_id == telegram_id
            and person.consent == Consent.GIVEN
        ):
            raise Invalid("already_linked")
    valid = await invites.usable(session, invite, now)
    await _check_account(session, valid.person, telegram_id)
    audit.record(
        session,
        now,
        "invite.opened",
        actor_id=None,
        organisation_id=valid.person.organisation_id,
        target=("person", valid.person.id),
        invite_id=valid.invite.id,
    )
    return await _opened(session, valid)


async def _opened(session: AsyncSession, valid: invites.ValidInvite) -> Opened:
    org = await people.organisation_of(session, valid.person)
    person = valid.person
    return Opened(valid.invite.id, person.id, person.role, person.name, org.name)


async def still_open(
    session: AsyncSession, now: datetime, invite_id: int, telegram_id: int
) -> Opened:
    """Re-check, at a later step, an invitation opened before."""
    valid = await invites.usable(session, await session.get(Invite, invite_id), now)
    await _check_account(session, valid.person, telegram_id)
    return await _opened(session, valid)


async def _locked(session: AsyncSession, invite_id: int) -> Invite | None:
    """The invitation, locked until the transaction ends (PostgreSQL), so that two accounts
    answering the same invitation at once cannot both use it."""
    return await session.get(Invite, invite_id, with_for_update=True, populate_existing=True)


async def agree(
    session: AsyncSession,
    now: datetime,
    invite_id: int,
    telegram_id: int,
    locale: str,
    telegram_language: str | None,
) -> Linked:
    """The person agrees: link the account, use up the invitation, record consent."""
    chosen = normalise_locale(locale)
    if chosen is None:
        raise Invalid("locale")
    valid = await invites.usable(session, await _locked(session, invite_id), now)
    person = valid.person
    await _check_account(session, person, telegram_id)
    relinked = person.telegram_id is not None and person.telegram_id != telegram_id
    person.telegram_id = telegram_id
    person.telegram_language = (telegram_language or None) and telegram_language[:16]
    person.locale = chosen
    person.consent = Consent.GIVEN
    person.consent_at = now
    valid.invite.used_at = now
    await session.flush()
    audit.record(
        session,
        now,
        "person.linked",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        invite_id=valid.invite.id,
        telegram_id=telegram_id,
        relinked=relinked,
    )
    audit.record(
        session,
        now,
        "consent.given",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        locale=chosen,
    )
    return Linked(person.id, person.organisation_id, person.role, chosen, relinked)


async def decline(session: AsyncSession, now: datetime, invite_id: int, telegram_id: int) -> Opened:
    """The person declines: store the refusal only. The invitation stays valid, so the same
    link can be opened again to change their mind."""
    valid = await invites.usable(session, await _locked(session, invite_id), now)
    person = valid.person
    await _check_account(session, person, telegram_id)
    person.consent = Consent.DECLINED
    person.consent_at = now
    await session.flush()
    audit.record(
        session,
        now,
        "consent.declined",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        invite_id=valid.invite.id,
    )
    return await _opened(session, valid)


async def set_language(session: AsyncSession, now: datetime, person: Actor, locale: str) -> str:
    """A linked person switches language."""
    person = await actors.row(session, person)
    chosen = normalise_locale(locale)
    if chosen is None:
        raise Invalid("locale")
    previous = person.locale
    person.locale = chosen
    await session.flush()
    audit.record(
        session,
        now,
        "person.language_changed",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        locale=chosen,
        previous=previous,
    )
    return chosen


async def set_address(
    session: AsyncSession, now: datetime, person: Actor, address: str | None
) -> str | None:
    """How a linked person wants to be addressed where their language marks gender:
    "feminine", "masculine", or None for the neutral forms (the default)."""
    person = await actors.row(session, person)
    if address is not None and address not in ADDRESS_FORMS:
        raise Invalid("address")
    previous = person.address
    person.address = address
    await session.flush()
    audit.record(
        session,
        now,
        "person.address_changed",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        address=address or "neutral",
        previous=previous or "neutral",
    )
    return address
