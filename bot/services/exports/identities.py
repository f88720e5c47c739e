"""Who is who in an export: ids, names and contacts as they are (for the organisation itself)
or stable keyed pseudonyms, free text redacted (for sharing outside it)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ExportKey, Organisation

REDACTED = "[redacted]"
KNOWN_MAX = 200_000  # pseudonyms remembered during one export


class Identities(Protocol):
    pseudonymised: bool

    def person(self, person_id: int | None) -> object: ...
    def name(self, person_id: int, name: str) -> object: ...
    def family(self, family_id: int | None) -> object: ...
    def family_name(self, family_id: int, name: str) -> object: ...
    def contact(self, value: str | None) -> object: ...
    def free(self, text: str | None) -> object: ...


class AsTheyAre:
    """Ids, names and contacts as stored (for the organisation itself)."""

    pseudonymised = False

    def person(self, person_id: int | None) -> object:
        return person_id

    def name(self, person_id: int, name: str) -> object:
        return name

    def family(self, family_id: int | None) -> object:
        return family_id

    def family_name(self, family_id: int, name: str) -> object:
        return name

    def contact(self, value: str | None) -> object:
        return value

    def free(self, text: str | None) -> object:
        return text


class Pseudonyms:
    """Stable pseudonyms: `P-…` for a person (their id and their name alike), `F-…` for a
    family, `C-…` for a phone number or an email address; free text redacted."""

    pseudonymised = True

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the pseudonym secret is too short")
        self._secret = secret
        self._known: dict[tuple[str, object], str] = {}  # the same ids come row after row

    def _mac(self, space: str, value: object) -> str:
        key = (space, value)
        found = self._known.get(key)
        if found is None:
            if len(self._known) >= KNOWN_MAX:  # an export's people and families fit many times
                self._known.clear()
            digest = hmac.new(self._secret, f"{space}:{value}".encode(), hashlib.sha256)
            found = self._known[key] = digest.hexdigest()[:12]
        return found

    def person(self, person_id: int | None) -> object:
        return None if person_id is None else "P-" + self._mac("person", person_id)

    def name(self, person_id: int, name: str) -> object:
        return self.person(person_id)

    def family(self, family_id: int | None) -> object:
        return None if family_id is None else "F-" + self._mac("family", family_id)

    def family_name(self, family_id: int, name: str) -> object:
        return self.family(family_id)

    def contact(self, value: str | None) -> object:
        return "C-" + self._mac("contact", value.strip().lower()) if value else None

    def free(self, text: str | None) -> object:
        return REDACTED if text else None


async def pseudonyms(session: AsyncSession, now: datetime, org: Organisation) -> Pseudonyms:
    """The organisation's pseudonyms, its secret made on first use (in this transaction)."""
    key = await session.get(ExportKey, org.id)
    if key is None:
        key = ExportKey(organisation_id=org.id, secret=secrets.token_bytes(32), created_at=now)
        session.add(key)
        await session.flush()
    return Pseudonyms(key.secret)
