"""Queueing: a message owed to someone, written in the same transaction as the change that
caused it (`enqueue`, or many at once with `Bulk`), and what was already queued about a record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.values import Buttons
from storage.models import OutboxMessage, OutboxStatus, Person

OUTBOX_TABLE: Table = OutboxMessage.__table__  # type: ignore[assignment]


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
    origin: Person | None = None,
    copy_of: tuple[int, int] | None = None,
) -> OutboxMessage | None:
    """Queue a message for `recipient`. Returns None (queues nothing) for a person the bot
    cannot reach: not linked to Telegram, marked unreachable, or no longer active.
    `copy_of` (chat id, message id): the message is a copy of that one (copyMessage: its
    content is not stored here, and the copy shows nothing of its sender); `text` is unused."""
    if recipient.telegram_id is None or not recipient.reachable or not recipient.active:
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
        origin_person_id=origin.id if origin is not None and origin.id != recipient.id else None,
        copy_chat_id=copy_of[0] if copy_of else None,
        copy_message_id=copy_of[1] if copy_of else None,
        dedupe_key=dedupe_key,
        status=OutboxStatus.QUEUED,
        attempts=0,
        not_before=not_before or now,
        created_at=now,
    )
    session.add(message)
    session.info["outbox_dirty"] = True
    return message


class Bulk:
    """Messages queued many at a time (a scheduler batch): `add` checks the recipient like
    `enqueue` and keeps a plain row; `flush` writes them all with one INSERT (one executemany,
    no objects loaded, no ids read back)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        recipient: Person,
        kind: str,
        text: str,
        *,
        buttons: Buttons | None = None,
        ref: tuple[str, int] | None = None,
        dedupe_key: str | None = None,
    ) -> bool:
        """False (nothing queued) for a person the bot cannot reach, as `enqueue`."""
        if recipient.telegram_id is None or not recipient.reachable or not recipient.active:
            return False
        self.rows.append(
            {
                "person_id": recipient.id,
                "kind": kind,
                "text": text,
                "buttons": [[list(b) for b in row] for row in buttons] if buttons else None,
                "ref_type": ref[0] if ref else None,
                "ref_id": ref[1] if ref else None,
                "dedupe_key": dedupe_key,
                "status": OutboxStatus.QUEUED,
                "attempts": 0,
                "not_before": self.now,
                "created_at": self.now,
            }
        )
        return True

    async def flush(self, session: AsyncSession) -> int:
        if not self.rows:
            return 0
        # Core, not the ORM's bulk path: no objects, no per-row bookkeeping.
        connection = await session.connection()
        await connection.execute(insert(OUTBOX_TABLE), self.rows)
        session.info["outbox_dirty"] = True
        written, self.rows = len(self.rows), []
        return written


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


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest queued message becomes due (None: nothing queued)."""
    result = await session.execute(
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == OutboxStatus.QUEUED
        )
    )
    value: datetime | None = result.scalar_one_or_none()
    return value
