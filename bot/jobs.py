"""What the scheduler runs. The scheduler only ticks; each job asks the database "what is
due?", so a restart loses nothing and a late tick catches up."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Runtime

log = logging.getLogger(__name__)

DueJob = Callable[[AsyncSession, datetime], Awaitable[int]]


def due_jobs() -> list[tuple[str, DueJob]]:
    """Each feature's "what is due at `now`?" function, run once a tick, in this order."""
    from bot.services import concerns, progress, reminders
    from bot.services import help as help_requests

    return [
        ("concern_escalation", concerns.escalate_due),
        ("help_overdue", help_requests.notify_overdue),
        ("reminders", reminders.send_due),
        ("report_requests", progress.ask_for_reports),
    ]


async def tick(rt: Runtime, now: datetime | None = None) -> dict[str, int]:
    """Run every due job once, each in its own transaction; returns how much each did."""
    now = now or rt.clock.now()
    done: dict[str, int] = {}
    for name, job in due_jobs():
        try:
            async with rt.db.transaction() as session:
                done[name] = await job(session, now)
        except Exception:
            log.exception("job %s failed; it will run again next tick", name)
            done[name] = -1
    rt.wake_sender()
    return done
