"""Audit events: who did what to which record, and when. Ids and codes only, never free text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import texts
from storage.models import AuditEvent


def record(
    session: AsyncSession,
    now: datetime,
    action: str,
    *,
    actor_id: int | None,
    organisation_id: int | None,
    target: tuple[str, int] | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_id=actor_id,
        action=action,
        target_type=target[0] if target else None,
        target_id=target[1] if target else None,
        # Forged callback data may hold anything, NUL included (PostgreSQL refuses it).
        detail={k: texts.clean(v) if isinstance(v, str) else v for k, v in detail.items()},
        created_at=now,
    )
    session.add(event)
    return event
