"""Conversations in progress, one per Telegram account, kept in the database so that an
interrupted conversation (or a restarted bot) resumes where it was."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Draft


async def get(session: AsyncSession, telegram_id: int) -> Draft | None:
    return await session.get(Draft, telegram_id)


async def save(
    session: AsyncSession,
    telegram_id: int,
    flow: str,
    state: str,
    data: dict[str, Any],
    now: datetime,
) -> Draft:
    draft = await session.get(Draft, telegram_id)
    if draft is None:
        draft = Draft(telegram_id=telegram_id, flow=flow, state=state, data=dict(data))
        session.add(draft)
    draft.flow, draft.state, draft.data, draft.updated_at = flow, state, dict(data), now
    return draft


async def clear(session: AsyncSession, telegram_id: int) -> bool:
    result = await session.execute(delete(Draft).where(Draft.telegram_id == telegram_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]
