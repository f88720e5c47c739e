"""The help job: tell the coordinators of each request whose answer deadline passed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, events
from bot.services.help import queries as q
from bot.services.help.actions import told
from bot.services.help.rules import REF
from domain import ThreadStatus
from domain.events import HelpOverdue
from storage.models import HelpRequest


async def notify_overdue(session: AsyncSession, now: datetime, limit: int = 200) -> int:
    """Tell the coordinators (admins when there are none) of each open request whose answer
    deadline has come without a staff answer, once. Returns how many requests were overdue."""
    result = await session.execute(
        select(HelpRequest)
        .where(
            HelpRequest.status == ThreadStatus.OPEN,
            HelpRequest.answer_due_at.is_not(None),
            HelpRequest.answer_due_at <= now,
            HelpRequest.overdue_notified_at.is_(None),
        )
        .order_by(HelpRequest.answer_due_at, HelpRequest.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    overdue = list(result.scalars())
    for hr in overdue:
        hr.overdue_notified_at = now
        first = await q.first_message(session, hr.id)
        reached = told(await q.coordinators(session, hr.organisation_id, exclude=hr.worker_id))
        events.record(session, now, HelpOverdue(hr.id, first.id, reached))
        audit.record(
            session,
            now,
            "help.overdue",
            actor_id=None,
            organisation_id=hr.organisation_id,
            target=(REF, hr.id),
            worker_id=hr.worker_id,
            told=len(reached),
        )
    return len(overdue)
