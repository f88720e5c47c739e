"""The inbox: updates stored before Telegram is told they arrived, handled from here in order
per chat. Plain values only (no telegram imports); the caller owns the transaction.

Status moves:
    PENDING --handled (same transaction as the handler's changes)--> REPLYING (replies owed)
                                                                 --> DONE (nothing to say)
    PENDING --failed `max_attempts` times--> FAILED (set aside, error code kept)
    REPLYING --replies delivered--> DONE;  --a reply finally failed--> REPLY_FAILED (code kept)
An update's payload (what the person typed) is cleared once it is handled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxStatus, InboxUpdate

OPEN = (InboxStatus.PENDING, InboxStatus.REPLYING)


@dataclass(frozen=True)
class OpenUpdate:
    update_id: int
    chat_id: int
    status: InboxStatus
    payload: dict[str, Any] | None
    replies: list[Any]
    replies_sent: int
    attempts: int


@dataclass(frozen=True)
class Backlog:
    pending: int
    replying: int
    failed: int
    reply_failed: int
    oldest_pending: datetime | None


def chat_of(payload: Mapping[str, Any]) -> int:
    """The chat an update belongs to (its order is kept per chat); 0 when it has none."""
    for key, value in payload.items():
        if key == "update_id" or not isinstance(value, Mapping):
            continue
        chat = value.get("chat")
        if isinstance(chat, Mapping) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        message = value.get("message")
        if isinstance(message, Mapping):
            inner = message.get("chat")
            if isinstance(inner, Mapping) and isinstance(inner.get("id"), int):
                return int(inner["id"])
        sender = value.get("from") or value.get("user")
        if isinstance(sender, Mapping) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return 0


async def store(session: AsyncSession, now: datetime, updates: Iterable[Mapping[str, Any]]) -> int:
    """Store updates, each once (an update delivered again is ignored); returns how many were
    new."""
    return len(await store_new(session, now, updates))


async def store_new(
    session: AsyncSession, now: datetime, updates: Iterable[Mapping[str, Any]]
) -> list[OpenUpdate]:
    """Store updates, each once (an update delivered again is ignored); returns the new ones,
    as the dispatcher takes them."""
    rows: list[dict[str, Any]] = [
        {
            "update_id": int(u["update_id"]),
            "chat_id": chat_of(u),
            "payload": dict(u),
            "status": InboxStatus.PENDING.value,
            "attempts": 0,
            "replies_sent": 0,
            "received_at": now,
        }
        for u in updates
    ]
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stored: list[OpenUpdate] = []
    for row in rows:
        result = await session.execute(
            insert(InboxUpdate).values(**row).on_conflict_do_nothing(index_elements=["update_id"])
        )
        if getattr(result, "rowcount", 0):
            stored.append(
                OpenUpdate(
                    row["update_id"], row["chat_id"], InboxStatus.PENDING, row["payload"], [], 0, 0
                )
            )
    return stored


async def open_updates(
    session: AsyncSession, *, limit: int, exclude_chats: Iterable[int] = ()
) -> list[OpenUpdate]:
    """Updates still to handle or to answer, oldest first, leaving out chats in progress."""
    query = (
        select(InboxUpdate)
        .where(InboxUpdate.status.in_(OPEN))
        .order_by(InboxUpdate.update_id)
        .limit(limit)
    )
    busy = sorted(set(exclude_chats))
    if busy:
        query = query.where(InboxUpdate.chat_id.not_in(busy))
    rows = (await session.execute(query)).scalars()
    return [
        OpenUpdate(
            r.update_id,
            r.chat_id,
            r.status,
            r.payload,
            list(r.replies or []),
            r.replies_sent,
            r.attempts,
        )
        for r in rows
    ]


# The three writes every update makes are built once: SQLAlchemy keeps a statement's cache
# key on it and its compiled form in the engine's cache, so an update only binds the values.
_c = InboxUpdate.__table__.c
_HANDLED = (
    update(InboxUpdate)
    .where(
        InboxUpdate.update_id == bindparam("b_update_id"),
        InboxUpdate.status == InboxStatus.PENDING,
    )
    .values(
        status=bindparam("new_status", type_=_c.status.type),
        payload=None,
        replies=bindparam("b_replies", type_=_c.replies.type),
        replies_sent=0,
        handled_at=bindparam("now", type_=_c.handled_at.type),
    )
    .execution_options(synchronize_session=False)
)
_PROGRESS = (
    update(InboxUpdate)
    .where(
        InboxUpdate.update_id == bindparam("b_update_id"),
        InboxUpdate.status == InboxStatus.REPLYING,
    )
    .values(replies_sent=bindparam("sent", type_=_c.replies_sent.type))
    .execution_options(synchronize_session=False)
)
_REPLIED = (
    update(InboxUpdate)
    .where(
        InboxUpdate.update_id == bindparam("b_update_id"),
        InboxUpdate.status == InboxStatus.REPLYING,
    )
    .values(
        status=bindparam("new_status", type_=_c.status.type),
        replies=None,
        error=bindparam("b_error", type_=_c.error.type),
    )
    .execution_options(synchronize_session=False)
)


async def handled(session: AsyncSession, now: datetime, update_id: int, replies: list[Any]) -> bool:
    """Mark an update handled, with the replies it owes (in the handler's transaction).
    False when it was not pending (handled already)."""
    result = await session.execute(
        _HANDLED,
        {
            "b_update_id": update_id,
            "new_status": InboxStatus.REPLYING if replies else InboxStatus.DONE,
            "b_replies": replies or None,
            "now": now,
        },
    )
    return bool(getattr(result, "rowcount", 0))


async def replies_progress(session: AsyncSession, update_id: int, sent: int) -> None:
    await session.execute(_PROGRESS, {"b_update_id": update_id, "sent": sent})


async def replied(session: AsyncSession, update_id: int, error: str | None = None) -> None:
    """The replies of an update are delivered (or, with `error`, one finally failed)."""
    await session.execute(
        _REPLIED,
        {
            "b_update_id": update_id,
            "new_status": InboxStatus.REPLY_FAILED if error else InboxStatus.DONE,
            "b_error": error[:64] if error else None,
        },
    )


async def attempt_failed(
    session: AsyncSession, now: datetime, update_id: int, code: str, max_attempts: int
) -> bool:
    """Count a failed attempt to handle an update; after `max_attempts` it is set aside
    (returns True) so that the person's later updates go on."""
    row = await session.get(InboxUpdate, update_id)
    if row is None or row.status != InboxStatus.PENDING:
        return False
    row.attempts += 1
    row.error = code[:64]
    if row.attempts >= max_attempts:
        row.status, row.handled_at = InboxStatus.FAILED, now
        return True
    return False


async def backlog(session: AsyncSession) -> Backlog:
    """Counts for staff and health checks."""
    counts = dict(
        (
            await session.execute(
                select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status)
            )
        ).all()
    )
    oldest = (
        await session.execute(
            select(func.min(InboxUpdate.received_at)).where(
                InboxUpdate.status == InboxStatus.PENDING
            )
        )
    ).scalar_one_or_none()
    return Backlog(
        pending=int(counts.get(InboxStatus.PENDING, 0)),
        replying=int(counts.get(InboxStatus.REPLYING, 0)),
        failed=int(counts.get(InboxStatus.FAILED, 0)),
        reply_failed=int(counts.get(InboxStatus.REPLY_FAILED, 0)),
        oldest_pending=oldest,
    )
