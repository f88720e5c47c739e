"""The person who acts, as services receive them: a row (jobs, the command line) or the `Me`
value a handler holds. A service that needs the row (a change, a relationship, a helper over
rows) loads it here, in its transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import NotFound
from domain import Actor
from storage.models import Person

__all__ = ["Actor", "row"]


async def row(session: AsyncSession, actor: Actor) -> Person:
    """The person's row in this transaction. For the person behind an update it is the one
    loaded with the update, found in the session's identity map: no query."""
    if isinstance(actor, Person):
        return actor
    person = await session.get(Person, actor.id)
    if person is None:
        raise NotFound("person")
    return person
