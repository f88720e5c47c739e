"""A mentor writes to the family: a ready-made phrase, sent in each member's own language, or
their own message, copied as written after a line naming its language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.services import audit, outbox, people
from bot.services.errors import Invalid, NotFound
from bot.services.relay.copies import Tally, copy, quiet_end
from bot.services.relay.queries import family_members, mentor_match
from bot.services.relay.rules import (
    FAMILY,
    HEADER,
    KINDS,
    PHRASE_HEADER,
    PHRASES,
    SENT,
    FamilyDelivery,
)
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


async def _to_member(
    session: AsyncSession,
    now: datetime,
    mentor: Person,
    member: Person,
    relay: Relay | None,
    phrase: int | None,
) -> datetime | None:
    """Queue the message for one member; returns when it goes (None: not reachable)."""
    rd = await people.reader(session, member)
    if relay is not None:
        header = rd.tr.gettext(HEADER) % {
            "name": isolate(mentor.name),
            "language": rd.tr.language(relay.locale),
        }
        return await copy(session, now, relay, mentor, member, header, None)
    assert phrase is not None
    text = (
        rd.tr.gettext(PHRASE_HEADER) % {"name": isolate(mentor.name)}
        + "\n"
        + rd.tr.gettext(PHRASES[phrase])
    )
    when = await quiet_end(session, now, member)
    sent = outbox.enqueue(
        session, now, member, "relay_phrase", text, origin=mentor, not_before=when
    )
    return when if sent is not None else None


async def to_family(
    session: AsyncSession,
    now: datetime,
    mentor: Person,
    match_id: int,
    *,
    phrase: int | None = None,
    message: tuple[int, int, str] | None = None,
) -> FamilyDelivery:
    """A mentor's message to every member of a family: a ready-made phrase (`phrase`, its
    number), sent in each member's own language, or their own message (`message`: chat id,
    message id, kind), copied as written after a line naming its language. Out of each
    member's quiet hours."""
    choice = await mentor_match(session, mentor, match_id)
    if phrase is not None and not 0 <= phrase < len(PHRASES):
        raise NotFound("no such phrase")
    if message is not None and message[2] not in KINDS:
        raise Invalid("relay_kind")
    relay = (
        await _own_message(session, now, mentor, match_id, message) if message is not None else None
    )
    tally = Tally(now)
    for member in await family_members(session, match_id):
        at = await _to_member(session, now, mentor, member, relay, phrase)
        tally.add(member, at, phone=True)
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
