"""Recording what became of a claimed message, each outcome in its own short transaction of
the sender: sent, back in the queue for later, failed (the person whose words it passed on is
told), or refused by Telegram (the person is marked unreachable and their workers are told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, isolate
from bot.services import audit, people
from bot.services.outbox.queue import enqueue
from bot.services.outbox.unreachable import tell_workers_unreachable
from storage.models import OutboxMessage, OutboxStatus, Person

NOT_DELIVERED = N_(
    "Your message could not be delivered to %(name)s through the bot. "
    "Please contact them another way."
)
NOT_DELIVERED_KIND = "not_delivered"


@dataclass(frozen=True)
class Unreachable:
    person_id: int
    newly: bool  # False when the person was already marked unreachable
    cancelled: int  # their other messages withdrawn
    notified: list[int]  # ids of the workers told


def _is_mine(message: OutboxMessage | None, claimer: str) -> bool:
    return (
        message is not None
        and message.status == OutboxStatus.SENDING
        and message.claimed_by == claimer
    )


async def mark_sent(
    session: AsyncSession,
    now: datetime,
    message_id: int,
    *,
    chat_id: int,
    telegram_message_id: int,
) -> None:
    """Record a delivery. Recorded even if the claim was lost meanwhile (a lease ran out), so
    that the message is not sent yet again."""
    message = await session.get(OutboxMessage, message_id)
    if message is None or message.status == OutboxStatus.SENT:
        return
    message.status, message.sent_at = OutboxStatus.SENT, now
    message.telegram_chat_id, message.telegram_message_id = chat_id, telegram_message_id
    message.last_error = None
    message.claimed_by = None


async def retry_later(
    session: AsyncSession,
    message_ids: list[int],
    *,
    claimer: str,
    until: datetime,
    error: str | None,
    counted: bool,
) -> int:
    """Put claimed messages back in the queue until `until`. `counted=False` gives back the
    attempt (a 429, or a message held back behind another one of the same chat)."""
    done = 0
    for message_id in message_ids:
        message = await session.get(OutboxMessage, message_id)
        if message is None or not _is_mine(message, claimer):
            continue
        message.status, message.not_before = OutboxStatus.QUEUED, until
        message.claimed_by, message.claimed_at = None, None
        if error is not None:
            message.last_error = error[:300]
        if not counted:
            message.attempts = max(0, message.attempts - 1)
        done += 1
    return done


async def fail(
    session: AsyncSession, now: datetime, message_id: int, *, claimer: str, reason: str
) -> bool:
    message = await session.get(OutboxMessage, message_id)
    if message is None or not _is_mine(message, claimer):
        return False
    message.status, message.last_error = OutboxStatus.FAILED, reason[:300]
    message.claimed_by = None
    await _tell_origin(session, now, message)
    return True


async def _tell_origin(session: AsyncSession, now: datetime, message: OutboxMessage) -> None:
    """A message that passed on someone's words finally failed: tell that someone."""
    if message.origin_person_id is None or message.edit_of_id is not None:
        return
    origin = await session.get(Person, message.origin_person_id)
    recipient = await session.get(Person, message.person_id)
    if origin is None or recipient is None:
        return
    tr = (await people.reader(session, origin)).tr
    enqueue(
        session,
        now,
        origin,
        NOT_DELIVERED_KIND,
        tr.gettext(NOT_DELIVERED) % {"name": isolate(recipient.name)},
        ref=(message.ref_type, message.ref_id) if message.ref_type and message.ref_id else None,
        dedupe_key=f"undelivered:{message.id}",
    )


async def mark_unreachable(
    session: AsyncSession,
    now: datetime,
    message_id: int,
    *,
    claimer: str,
    reason: str,
    error: str,
) -> Unreachable | None:
    """Telegram refused a message (403: blocked, never started, deactivated): the message
    fails, the person is marked unreachable, their other messages are withdrawn, and the
    workers of their active matches are told (once), so someone phones instead."""
    message = await session.get(OutboxMessage, message_id)
    if message is None or not _is_mine(message, claimer):
        return None
    message.status, message.last_error = OutboxStatus.FAILED, error[:300]
    message.claimed_by = None
    person = await session.get(Person, message.person_id)
    assert person is not None
    cancelled = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person.id,
            OutboxMessage.id != message.id,
            or_(
                OutboxMessage.status == OutboxStatus.QUEUED,
                and_(
                    OutboxMessage.status == OutboxStatus.SENDING,
                    OutboxMessage.claimed_by == claimer,
                ),
            ),
        )
        .values(status=OutboxStatus.CANCELLED, last_error="unreachable", claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    withdrawn = int(getattr(cancelled, "rowcount", 0) or 0)
    await _tell_origin(session, now, message)
    if not person.reachable:
        return Unreachable(person.id, False, withdrawn, [])
    person.reachable, person.unreachable_reason = False, reason[:200]
    audit.record(
        session,
        now,
        "person.unreachable",
        actor_id=None,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        reason=reason,
        outbox_id=message.id,
        cancelled=withdrawn,
    )
    notified = await tell_workers_unreachable(session, now, person, reason)
    return Unreachable(person.id, True, withdrawn, notified)


async def blocked_bot(session: AsyncSession, now: datetime, person: Person) -> list[int]:
    """The person blocked the bot: mark them unreachable at once (rather than at the next
    failed message), withdraw what was queued for them, and tell their referring workers so
    someone phones instead. Returns the ids of the workers told."""
    if not person.reachable:
        return []
    person.reachable, person.unreachable_reason = False, "blocked"
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person.id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED, last_error="unreachable")
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        now,
        "person.unreachable",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        reason="blocked",
    )
    return await tell_workers_unreachable(session, now, person, "blocked")
