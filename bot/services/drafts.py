"""Conversations in progress, kept in the database so that an interrupted conversation (or a
restarted bot) resumes where it was.

One conversation per Telegram account is active: typed text goes to it. Starting another one
parks the active one inside it (`data["_parked"]`) instead of losing it; when the new one ends,
the parked one becomes active again. `/cancel` clears them all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Draft as DraftRow

PARKED = "_parked"


@dataclass(frozen=True)
class Draft:
    """A conversation in progress, as handlers see it: its flow, its state and its data (a
    copy, without what was set aside; each flow reads it into its own typed draft)."""

    flow: str
    state: str
    data: dict[str, Any] = field(default_factory=dict)


def value_of(row: DraftRow | None) -> Draft | None:
    if row is None:
        return None
    data = row.data if isinstance(row.data, dict) else {}
    return Draft(row.flow, row.state, {k: v for k, v in data.items() if k != PARKED})


async def get(session: AsyncSession, telegram_id: int) -> Draft | None:
    return value_of(await session.get(DraftRow, telegram_id))


async def save(
    session: AsyncSession,
    telegram_id: int,
    flow: str,
    state: str,
    data: Mapping[str, Any],
    now: datetime,
) -> Draft:
    data = dict(data)
    draft = await session.get(DraftRow, telegram_id)
    if draft is None:
        draft = DraftRow(telegram_id=telegram_id, flow=flow, state=state, data=data)
        session.add(draft)
    elif draft.flow != flow:
        data[PARKED] = {"flow": draft.flow, "state": draft.state, "data": draft.data}
    elif PARKED in draft.data and PARKED not in data:
        data[PARKED] = draft.data[PARKED]
    draft.flow, draft.state, draft.data, draft.updated_at = flow, state, data, now
    return Draft(flow, state, {k: v for k, v in data.items() if k != PARKED})


async def clear(
    session: AsyncSession,
    telegram_id: int,
    now: datetime | None = None,
    *,
    everything: bool = False,
) -> Draft | None:
    """End the active conversation; returns the parked one it brings back, if any."""
    draft = await session.get(DraftRow, telegram_id)
    if draft is None:
        return None
    parked = draft.data.get(PARKED)
    if everything or not isinstance(parked, dict):
        await session.execute(delete(DraftRow).where(DraftRow.telegram_id == telegram_id))
        session.expunge(draft)
        return None
    draft.flow, draft.state, draft.data = parked["flow"], parked["state"], dict(parked["data"])
    if now is not None:
        draft.updated_at = now
    return value_of(draft)
