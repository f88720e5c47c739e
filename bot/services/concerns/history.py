"""Concerns: every transition is a `ConcernEvent` and an audit event (ids and codes only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, outbox
from bot.services.concerns.rules import REF
from bot.services.escalation import (
    Step,
)
from storage.models import (
    Concern,
    ConcernEvent,
    Person,
)


def record_event(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    kind: str,
    *,
    actor_id: int | None,
    level: int | None = None,
    text: str | None = None,
    **detail: Any,
) -> ConcernEvent:
    """One step of a concern's history, and its audit event (ids and codes only)."""
    stored = dict(detail)
    if text is not None:
        stored["text"] = text
    row = ConcernEvent(
        concern_id=concern.id,
        kind=kind,
        actor_id=actor_id,
        level=level if level is not None else concern.level,
        detail=stored,
        created_at=now,
    )
    session.add(row)
    audit.record(
        session,
        now,
        f"concern.{kind}",
        actor_id=actor_id,
        organisation_id=concern.organisation_id,
        target=(REF, concern.id),
        **detail,
    )
    return row


def record_skipped(session: AsyncSession, now: datetime, concern: Concern, step: Step) -> None:
    for level in step.skipped:
        record_event(
            session, now, concern, "skipped", actor_id=None, level=level, reason="unreachable"
        )


def record_notified(
    session: AsyncSession, now: datetime, concern: Concern, recipients: Sequence[Person], *,
    level: int,
) -> tuple[int, ...]:  # fmt: skip
    """Those of `recipients` the bot can reach are owed a card ("notified"); whether Telegram
    took it is recorded later ("delivered"). Returns their ids, for the event that sends it."""
    sent = tuple(p.id for p in recipients if outbox.deliverable(p))
    if sent:
        record_event(session, now, concern, "notified", actor_id=None, level=level, to=list(sent))
    return sent
