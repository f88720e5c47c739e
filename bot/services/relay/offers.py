"""A mentee's own words reach people: a text, voice note, photo, document or location a
mentee sends outside any conversation is offered to them to pass on ("Send this to Tom and
Marta?") to the mentors of their family's active match, or to its referring worker ("to the
office"); a mentor (or that worker) answers with the Reply button and the answer goes back
to the mentee.

Relayed messages are copied (`copyMessage`, see `bot.delivery`), never forwarded: nobody
sees anybody's Telegram account or number, and the content is not stored here (a `Relay` row
keeps ids only). Each copy comes after a line, in the reader's language, saying who wrote and
in which language (`bot.notifications.relay`, on the `RelaySent` event). The sender is told
what became of their message: who has it, who could not be reached (and how to reach them
instead), or that it was not sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, events, people
from bot.services.errors import Invalid
from bot.services.relay.copies import Tally, reach
from bot.services.relay.queries import family_match, match_mentors, match_worker, own_offer
from bot.services.relay.rules import (
    DECLINED,
    KINDS,
    MENTORS,
    OFFERED,
    REF,
    SENT,
    Delivery,
    Offer,
)
from domain.events import RelaySent
from domain.values import Actor
from storage.models import Match, MatchStatus, Person, Relay


async def offer(
    session: AsyncSession,
    now: datetime,
    mentee: Actor,
    *,
    chat_id: int,
    message_id: int,
    kind: str,
) -> Offer | None:
    """Keep the ids of a mentee's message to offer passing it on. None: the mentee has no
    active match (nobody to pass it to)."""
    mentee = await actors.row(session, mentee)
    if kind not in KINDS:
        raise Invalid("relay_kind")
    match = await family_match(session, mentee)
    if match is None:
        return None
    locale = (await people.reader(session, mentee)).locale
    relay = Relay(
        organisation_id=mentee.organisation_id,
        sender_id=mentee.id,
        match_id=match.id,
        chat_id=chat_id,
        message_id=message_id,
        kind=kind,
        locale=locale,
        status=OFFERED,
        created_at=now,
    )
    session.add(relay)
    await session.flush()
    worker = await match_worker(session, match)
    return Offer(
        relay.id,
        [m.name for m in await match_mentors(session, match.id)],
        worker.name if worker is not None else None,
    )


async def _recipients(session: AsyncSession, relay: Relay, audience: str) -> list[Person]:
    """The mentors (`MENTORS`) or the referring worker (`OFFICE`) of the offer's match, which
    must still be active."""
    match = await session.get(Match, relay.match_id) if relay.match_id is not None else None
    if match is None or match.status != MatchStatus.ACTIVE:
        raise Invalid("relay_no_match")
    if audience == MENTORS:
        return await match_mentors(session, match.id)
    worker = await match_worker(session, match)
    return [worker] if worker is not None else []


async def send(
    session: AsyncSession, now: datetime, mentee: Actor, relay_id: int, audience: str
) -> Delivery:
    """Pass an offered message on to the mentors (`MENTORS`) or the referring worker
    (`OFFICE`). A press on an offer decided before changes nothing (`already`)."""
    mentee = await actors.row(session, mentee)
    relay = await own_offer(session, mentee, relay_id)
    if relay.status != OFFERED:
        return Delivery([], already=relay.status)
    recipients = await _recipients(session, relay, audience)
    tally = Tally(now)
    for recipient in recipients:
        tally.add(recipient, await reach(session, now, recipient), phone=recipient.share_phone)
    relay.status, relay.audience, relay.decided_at = SENT, audience, now
    events.record(
        session, now, RelaySent(relay.id, tuple(p.id for p in recipients), tuple(tally.told))
    )
    audit.record(
        session,
        now,
        "relay.sent",
        actor_id=mentee.id,
        organisation_id=mentee.organisation_id,
        target=(REF, relay.id),
        audience=audience,
        kind=relay.kind,
        reached=len(tally.reached),
        unreached=len(tally.unreached),
    )
    return Delivery(tally.reached, tally.unreached, later=tally.later)


async def decline(session: AsyncSession, now: datetime, mentee: Actor, relay_id: int) -> str:
    """The mentee chose not to send it. Returns the offer's status before the press."""
    mentee = await actors.row(session, mentee)
    relay = await own_offer(session, mentee, relay_id)
    before = relay.status
    if before == OFFERED:
        relay.status, relay.decided_at = DECLINED, now
    return before
