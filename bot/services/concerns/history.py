"""Concerns: every transition is a `ConcernEvent` and an audit event (ids and codes only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.concerns.rules import REF
from bot.services.escalation import (
    Step,
)
from storage.models import (
    Concern,
    ConcernEvent,
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
) -> None:
    """One step of a concern's history, and its audit event (ids and codes only)."""
    stored = dict(detail)
    if text is not None:
        stored["text"] = text
    session.add(
        ConcernEvent(
            concern_id=concern.id,
            kind=kind,
            actor_id=actor_id,
            level=level if level is not None else concern.level,
            detail=stored,
            created_at=now,
        )
    )
    audit.record(
        session,
        now,
        f"concern.{kind}",
        actor_id=actor_id,
        organisation_id=concern.organisation_id,
        target=(REF, concern.id),
        **detail,
    )


def record_skipped(session: AsyncSession, now: datetime, concern: Concern, step: Step) -> None:
    for level in step.skipped:
        record_event(
            session, now, concern, "skipped", actor_id=None, level=level, reason="unreachable"
        )
