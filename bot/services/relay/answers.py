"""A mentor's (or the worker's) answer to a relayed message goes back to the mentee who wrote;
the other mentors hear that it was answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, events, outbox, people
from bot.services.errors import Invalid
from bot.services.relay.copies import reach
from bot.services.relay.queries import answerable, match_mentors, phone_of
from bot.services.relay.rules import KINDS, MENTORS, REF, SENDER, SENT, Answered, Answering
from domain.events import RelayAnswered
from domain.values import Actor
from storage.models import Relay


async def start_answer(session: AsyncSession, staff: Actor, relay_id: int) -> Answering:
    staff = await actors.row(session, staff)
    relay, sender = await answerable(session, staff, relay_id)
    return Answering(relay.id, sender.name)


async def answer(
    session: AsyncSession,
    now: datetime,
    staff: Actor,
    relay_id: int,
    *,
    chat_id: int,
    message_id: int,
    kind: str,
) -> Answered:
    """Pass `staff`'s answer back to the mentee who wrote; the other mentors hear that it was
    answered (so that they do not all answer)."""
    staff = await actors.row(session, staff)
    if kind not in KINDS:
        raise Invalid("relay_kind")
    original, mentee = await answerable(session, staff, relay_id)
    locale = (await people.reader(session, staff)).locale
    relay = Relay(
        organisation_id=staff.organisation_id,
        sender_id=staff.id,
        match_id=original.match_id,
        chat_id=chat_id,
        message_id=message_id,
        kind=kind,
        locale=locale,
        answer_to_id=original.id,
        status=SENT,
        audience=SENDER,
        created_at=now,
        decided_at=now,
    )
    session.add(relay)
    await session.flush()
    at = await reach(session, now, mentee)
    reached = at is not None
    mentors: list[int] = []
    if original.audience == MENTORS and original.match_id is not None:
        mentors = [
            other.id
            for other in await match_mentors(session, original.match_id)
            if other.id != staff.id and outbox.deliverable(other)
        ]
    events.record(session, now, RelayAnswered(relay.id, reached, tuple(mentors)))
    audit.record(
        session,
        now,
        "relay.answered",
        actor_id=staff.id,
        organisation_id=staff.organisation_id,
        target=(REF, original.id),
        kind=kind,
        reached=reached,
    )
    return Answered(
        mentee.name,
        reached,
        None if reached else phone_of(mentee),
        at if at is not None and at > now else None,
    )
