"""Claiming: the sender (bot/delivery) takes due rows in one short transaction and sends them
outside any transaction. Status moves:
  QUEUED --claim--> SENDING --sent--> SENT
                            --429 / network error (retry later)--> QUEUED (not_before later)
                            --bad request / too many attempts--> FAILED (reason)
                            --forbidden--> FAILED; the person's other messages CANCELLED
  SENDING for longer than the lease (a crashed process) --next claim--> QUEUED
(the outcomes are recorded by `bot.services.outbox.outcomes`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox.queue import Document
from domain.values import Buttons
from storage.models import OutboxMessage, OutboxStatus, Person


@dataclass(frozen=True)
class Claimed:
    """One claimed message, as plain values, ready to send without the database."""

    id: int
    person_id: int
    chat_id: int
    kind: str
    text: str
    buttons: Buttons | None
    document: Document | None
    attempts: int  # including this one
    edit_message_id: int | None = None  # edit this Telegram message instead of sending
    edit_caption: bool = False  # the message to edit is a document: edit its caption
    copy_of: tuple[int, int] | None = None  # copy this (chat id, message id) instead of text


@dataclass(frozen=True)
class Claim:
    messages: list[Claimed]
    resolved: int  # rows settled without sending (recipient unreachable, nothing to edit)
    recovered: int  # rows found stuck in SENDING past the lease and put back


def _buttons(raw: list[Any] | None) -> Buttons | None:
    if not raw:
        return None
    return [[(str(b[0]), str(b[1])) for b in row] for row in raw]


async def recover_stuck(session: AsyncSession, now: datetime, lease: timedelta | None) -> int:
    """Put back rows left in SENDING by a process that died: those claimed longer than `lease`
    ago, or every one when `lease` is None (SQLite at start: there is only one process)."""
    query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
    if lease is not None:
        query = query.where(OutboxMessage.claimed_at < now - lease)
    result = await session.execute(
        query.values(
            status=OutboxStatus.QUEUED, claimed_by=None, claimed_at=None
        ).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# Where a claimed row goes: (chat id, the Telegram message to edit, whether it is a caption);
# or why it does not go now: "settled" without sending, or "wait" for its original.
Route = tuple[int, int | None, bool]
_SETTLED: Literal["settled"] = "settled"
_WAIT: Literal["wait"] = "wait"


async def _due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    skip_locked: bool,
    exclude_people: Collection[int],
) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.not_before <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if exclude_people:
        query = query.where(OutboxMessage.person_id.not_in(sorted(exclude_people)))
    if skip_locked:
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    return list((await session.execute(query)).scalars())


async def _chats(session: AsyncSession, rows: Sequence[OutboxMessage]) -> dict[int, int | None]:
    """Each recipient's chat, None for one who cannot be reached."""
    person_ids = {m.person_id for m in rows}
    people_rows = await session.execute(
        select(Person.id, Person.telegram_id, Person.reachable).where(Person.id.in_(person_ids))
    )
    return {pid: tid if reachable else None for pid, tid, reachable in people_rows.all()}


async def _originals(
    session: AsyncSession, rows: Sequence[OutboxMessage]
) -> dict[int, OutboxMessage]:
    """The messages the edits among `rows` change."""
    edit_ids = {m.edit_of_id for m in rows if m.edit_of_id is not None}
    if not edit_ids:
        return {}
    found = await session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(edit_ids)))
    return {o.id: o for o in found.scalars()}


def _route(
    message: OutboxMessage, chat_id: int | None, originals: dict[int, OutboxMessage]
) -> Route | Literal["settled", "wait"]:
    """Where `message` goes; a row that cannot go is settled here (cancelled: its recipient
    is unreachable; failed: nothing left to edit)."""
    if chat_id is None:
        message.status, message.last_error = OutboxStatus.CANCELLED, "unreachable"
        return _SETTLED
    if message.edit_of_id is None:
        return chat_id, None, False
    original = originals.get(message.edit_of_id)
    if original is None or original.status in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
        message.status, message.last_error = OutboxStatus.FAILED, "nothing to edit"
        return _SETTLED
    if original.status != OutboxStatus.SENT or original.telegram_message_id is None:
        return _WAIT  # the original is not sent yet: wait for it
    return (
        original.telegram_chat_id or chat_id,
        original.telegram_message_id,
        original.document is not None,
    )


def _take(message: OutboxMessage, route: Route, claimer: str, now: datetime) -> Claimed:
    """Mark one row SENDING for `claimer` and read it out as plain values."""
    message.status = OutboxStatus.SENDING
    message.claimed_by, message.claimed_at = claimer, now
    message.attempts += 1
    document = (
        Document(
            message.document_name or "file",
            message.document,
            message.document_mime or "application/octet-stream",
        )
        if message.document is not None
        else None
    )
    chat_id, edit_message_id, edit_caption = route
    copy_of = (
        (message.copy_chat_id, message.copy_message_id)
        if message.copy_chat_id is not None and message.copy_message_id is not None
        else None
    )
    return Claimed(
        id=message.id,
        person_id=message.person_id,
        chat_id=chat_id,
        kind=message.kind,
        text=message.text,
        buttons=_buttons(message.buttons),
        document=document,
        attempts=message.attempts,
        edit_message_id=edit_message_id,
        edit_caption=edit_caption,
        copy_of=copy_of,
    )


async def claim(
    session: AsyncSession,
    now: datetime,
    *,
    claimer: str,
    limit: int,
    lease: timedelta,
    per_person: int,
    skip_locked: bool,
    exclude_people: set[int] | frozenset[int] = frozenset(),
) -> Claim:
    """Claim up to `limit` due messages for `claimer` (oldest first, at most `per_person` to one
    person, none to the people in `exclude_people`). With `skip_locked` (PostgreSQL) rows
    claimed by a concurrent transaction are skipped, so two processes never claim the same
    row."""
    recovered = await recover_stuck(session, now, lease)
    rows = await _due(session, now, limit, skip_locked, exclude_people)
    if not rows:
        return Claim([], 0, recovered)
    chats = await _chats(session, rows)
    originals = await _originals(session, rows)
    claimed: list[Claimed] = []
    resolved = 0
    per: dict[int, int] = {}
    for message in rows:
        route = _route(message, chats.get(message.person_id), originals)
        if route == _SETTLED:
            resolved += 1
            continue
        if isinstance(route, str) or per.get(message.person_id, 0) >= per_person:
            continue
        per[message.person_id] = per.get(message.person_id, 0) + 1
        claimed.append(_take(message, route, claimer, now))
    return Claim(claimed, resolved, recovered)
