"""A mentor writes to the family: a ready-made phrase, sent in each member's own language, or
their own message, copied as written after a line naming its language (both queued by
`bot.notifications.relay`, on the `RelayedToFamily` event)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, events, people
from bot.services.errors import Invalid, NotFound
from bot.services.relay.copies import Tally, reach
from bot.services.relay.queries import family_members, mentor_match
from bot.services.relay.rules import FAMILY, KINDS, PHRASE_COUNT, SENT, FamilyDelivery
from domain.events import RelayedToFamily
from domain.values import Actor
from storage.models import Person, Relay


async def _own_message(
    session: AsyncSession,
    now: datetime,
    mentor: Person,
    match_id: int,
    message: tuple[int, int, str],
) -> Relay:
    """The relay row of a mentor's own message to the family (ids only, never its content)."""
    relay = Relay(
        organisation_id=mentor.organisation_id,
        sender_id=mentor.id,
        match_id=match_id,
        chat_id=message[0],
        message_id=message[1],
        kind=message[2],
        locale=(await people.reader(session, mentor)).locale,
        status=SENT,
        audience=FAMILY,
        created_at=now,
        decided_at=now,
    )
    session.add(relay)
    await session.flush()
    return relay


async def to_family(
    session: AsyncSession,
    now: datetime,
    mentor: Actor,
    match_id: int,
    *,
    phrase: int | None = None,
    message: tuple[int, int, str] | None = None,
) -> FamilyDelivery:
    """A mentor's message to every member of a family: a ready-made phrase (`phrase`, its
    number), sent in each member's own language, or their own message (`message`: chat id,
    message id, kind), copied as written after a line naming its language. Out of each
    member's quiet hours."""
    mentor = await actors.row(session, mentor)
    choice = await mentor_match(session, mentor, match_id)
    if phrase is not None and not 0 <= phrase < PHRASE_COUNT:
        raise NotFound("no such phrase")
    if message is not None and message[2] not in KINDS:
        raise Invalid("relay_kind")
    relay = (
        await _own_message(session, now, mentor, match_id, message) if message is not None else None
    )
    tally = Tally(now)
    for member in await family_members(session, match_id):
        tally.add(member, await reach(session, now, member), phone=True)
    events.record(
        session,
        now,
        RelayedToFamily(
            match_id,
            mentor.id,
            tuple(tally.told),
            relay_id=relay.id if relay is not None else None,
            phrase=phrase if relay is None else None,
        ),
    )
    audit.record(
        session,
        now,
        "relay.to_family",
        actor_id=mentor.id,
        organisation_id=mentor.organisation_id,
        target=("match", match_id),
        phrase=phrase,
        kind=message[2] if message else None,
        reached=len(tally.reached),
    )
    return FamilyDelivery(choice.family_name, tally.reached, tally.unreached, tally.later)
