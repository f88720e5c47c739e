"""The help job: tell the coordinators of each request whose answer deadline passed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notifications.help import staff_card
from bot.services import audit, people
from bot.services.help import queries as q
from bot.services.help.actions import enqueue
from bot.services.help.rules import REF
from domain import ThreadStatus
from storage.models import HelpRequest, Organisation, Person


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
        org = await session.get(Organisation, hr.organisation_id)
        requester = await session.get(Person, hr.requester_id)
        worker = await session.get(Person, hr.worker_id)
        assert org is not None and requester is not None and worker is not None
        first = await q.first_message(session, hr.id)
        family = await q.family_name(session, hr)
        told = 0
        for coordinator in await q.coordinators(session, org.id, exclude=hr.worker_id):
            rd = await people.reader(session, coordinator)
            tr = rd.tr
            card = staff_card(
                tr,
                rd.tz,
                hr,
                requester,
                requester,
                first,
                family,
                title=tr.gettext("Help request not answered in time"),
                worker=worker,
            )
            if enqueue(
                session,
                now,
                coordinator,
                tr,
                hr,
                card.text,
                kind="help_overdue",
                whole=first.id if card.clipped else None,
                dedupe_key=f"help-overdue:{hr.id}:{coordinator.id}",
            ):
                told += 1
        audit.record(
            session,
            now,
            "help.overdue",
            actor_id=None,
            organisation_id=hr.organisation_id,
            target=(REF, hr.id),
            worker_id=hr.worker_id,
            told=told,
        )
    return len(overdue)
