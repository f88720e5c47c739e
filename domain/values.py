"""Small value types shared by the layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.enums import Consent, Role

__all__ = ["Actor", "Buttons", "Me"]

# An inline keyboard as plain data: rows of (label, callback data). Services draw it (it travels
# in outbox rows and replies); `bot.markup` turns it into Telegram's markup.
Buttons = list[list[tuple[str, str]]]


class Actor(Protocol):
    """Who acts, as far as the rules of access need to know: a person's row, or the `Me` value
    a handler holds. A service that needs more (a relationship, a change) loads the row by id
    in its transaction."""

    @property
    def id(self) -> int: ...

    @property
    def role(self) -> Role: ...

    @property
    def organisation_id(self) -> int: ...

    @property
    def active(self) -> bool: ...

    @property
    def name(self) -> str: ...

    @property
    def telegram_id(self) -> int | None: ...

    @property
    def family_id(self) -> int | None: ...


@dataclass(frozen=True)
class Me:
    """The person behind an update, as handlers see them: what they read, never the row."""

    id: int
    organisation_id: int
    role: Role
    consent: Consent
    active: bool
    telegram_id: int | None
    family_id: int | None  # a mentee's family
    name: str
    address: str | None  # how they asked to be addressed (gendered forms), None: neutral
    locale: str  # the language they are answered in
    timezone: str  # theirs, else their organisation's
