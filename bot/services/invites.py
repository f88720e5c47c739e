"""Invitations: the personal link that lets one person connect their Telegram account.

A token is unguessable (`secrets.token_urlsafe`), fits Telegram's start parameter
(`[A-Za-z0-9_-]`, at most 64 characters), is stored only as its SHA-256 hash, expires, and is
used once. A new invitation revokes the person's previous ones.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.errors import Invalid, NotFound
from storage.models import Invite, Person

TOKEN_BYTES = 24  # 32 characters of base64url
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_TTL_DAYS = 14
MAX_TTL_DAYS = 90


@dataclass(frozen=True)
class IssuedInvite:
    invite_id: int
    person_id: int
    token: str  # shown once, never stored
    expires_at: datetime
    revoked: int  # earlier invitations of the person revoked by this one


@dataclass(frozen=True)
class ValidInvite:
    invite: Invite
    person: Person


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


async def create(
    session: AsyncSession, now: datetime, person_id: int, ttl_days: int = DEFAULT_TTL_DAYS
) -> IssuedInvite:
    if not 1 <= ttl_days <= MAX_TTL_DAYS:
        raise Invalid("ttl", f"the validity must be between 1 and {MAX_TTL_DAYS} days")
    person = await session.get(Person, person_id)
    if person is None:
        raise NotFound(f"unknown person {person_id!r}")
    if not person.active:
        raise Invalid("inactive", f"person {person.id} is no longer active")
    revoked = await session.execute(
        update(Invite)
        .where(
            Invite.person_id == person.id,
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invite = Invite(
        person_id=person.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=ttl_days),
    )
    session.add(invite)
    await session.flush()
    count = int(revoked.rowcount or 0)  # type: ignore[attr-defined]
    audit.record(
        session,
        now,
        "invite.created",
        actor_id=None,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        invite_id=invite.id,
        revoked=count,
    )
    return IssuedInvite(invite.id, person.id, token, invite.expires_at, count)


def problem(invite: Invite, now: datetime) -> str | None:
    """Why an invitation can no longer be used (`revoked`, `used`, `expired`), or None."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.used_at is not None:
        return "used"
    if invite.expires_at <= now:
        return "expired"
    return None


async def lookup(session: AsyncSession, token: str) -> Invite | None:
    """The invitation behind a token, whatever its state."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    result = await session.execute(select(Invite).where(Invite.token_hash == hash_token(token)))
    return result.scalar_one_or_none()


async def usable(session: AsyncSession, invite: Invite | None, now: datetime) -> ValidInvite:
    """The invitation and its person, if it can still be used. Raises `Invalid` with code
    `unknown`, `revoked`, `used` or `expired`."""
    if invite is None:
        raise Invalid("unknown")
    person = await session.get(Person, invite.person_id)
    if person is None or not person.active:
        raise Invalid("unknown")
    code = problem(invite, now)
    if code is not None:
        raise Invalid(code)
    return ValidInvite(invite, person)
