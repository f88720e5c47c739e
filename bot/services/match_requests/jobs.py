"""The scheduler's batch of the request queue: each open request older than its
organisation's limit is flagged to the coordinators once (`flag_overdue_batch`, in
`bot.jobs.due_jobs()`; `RequestOverdue`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import events, outbox
from bot.services.match_requests.queries import coordinators
from bot.services.match_requests.rules import OPEN_REQUESTS
from domain.events import RequestOverdue
from storage.models import MatchRequest, Organisation


async def flag_overdue_batch(session: AsyncSession, now: datetime, limit: int) -> int:
    """Tell the coordinators, once, of each open request older than its organisation's limit.
    A batch of the scheduler (bot/jobs.py)."""
    done = 0
    for org in (await session.execute(select(Organisation).order_by(Organisation.id))).scalars():
        rows = list(
            (
                await session.execute(
                    select(MatchRequest)
                    .where(
                        MatchRequest.organisation_id == org.id,
                        MatchRequest.status.in_(OPEN_REQUESTS),
                        MatchRequest.overdue_flagged_at.is_(None),
                        MatchRequest.created_at < now - timedelta(days=org.request_age_limit_days),
                    )
                    .order_by(MatchRequest.created_at, MatchRequest.id)
                    .limit(limit - done)
                )
            ).scalars()
        )
        for req in rows:
            req.overdue_flagged_at = now
            done += 1
            told = [p.id for p in await coordinators(session, org.id) if outbox.deliverable(p)]
            events.record(session, now, RequestOverdue(req.id, tuple(told)))
        if done >= limit:
            break
    await session.flush()
    return done
