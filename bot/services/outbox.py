"""The outbox: every message owed to someone other than the sender of the current update is
written here, in the same transaction as the change that caused it, and delivered later by
`bot.delivery`. The text is already rendered in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxStatus, Person

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)


@dataclass(frozen=True)
class Document:
    name: str
    content: bytes
    mime: str = "application/octet-stream"


def enqueue(
    session: AsyncSession,
    now: datetime,
    recipient: Person,
    kind: str,
    text: str,
    *,
    buttons: Buttons | None = None,
    document: Document | None = None,
    ref: tuple[str, int] | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    edit_of: OutboxMessage | None = None,
) -> OutboxMessage | None:
    """Queue a message for `recipient`. Returns None (queues nothing) for a person the bot
    cannot reach: not linked to Telegram, or marked unreachable."""
    if recipient.telegram_id is None or not recipient.reachable:
        return None
    message = OutboxMessage(
        person_id=recipient.id,
        kind=kind,
        text=text,
        buttons=[[list(b) for b in row] for row in buttons] if buttons else None,
        document_name=document.name if document else None,
        document_mime=document.mime if document else None,
        document=document.content if document else None,
        edit_of_id=edit_of.id if edit_of else None,
        ref_type=ref[0] if ref else None,
        ref_id=ref[1] if ref else None,
        dedupe_key=dedupe_key,
        status=OutboxStatus.QUEUED,
        attempts=0,
        not_before=not_before or now,
        created_at=now,
    )
    session.add(message)
    session.info["outbox_dirty"] = True
    return message


async def sent_for(
    session: AsyncSession, ref: tuple[str, int], person_id: int | None = None
) -> list[OutboxMessage]:
    """The messages already queued or sent about a record (e.g. a concern's cards), oldest
    first, so they can be edited in place."""
    query = select(OutboxMessage).where(
        OutboxMessage.ref_type == ref[0],
        OutboxMessage.ref_id == ref[1],
        OutboxMessage.edit_of_id.is_(None),
    )
    if person_id is not None:
        query = query.where(OutboxMessage.person_id == person_id)
    result = await session.execute(query.order_by(OutboxMessage.id))
    return list(result.scalars())
