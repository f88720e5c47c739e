"""The scheduler's batch of the request queue: each open request older than its
organisation's limit is flagged to the coordinators once (`flag_overdue_batch`, in
`bot.jobs.due_jobs()`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.match_texts import OPEN_BUTTON, OVERDUE, request_open
from bot.services import outbox, people
from bot.services.match_requests.queries import coordinators
from bot.services.match_requests.rules import OPEN_REQUESTS, REF, age
from storage.models import Family, MatchRequest, Organisation


async def flag_overdue_batch(session: AsyncSession, now: datetime, limit: int) -> int:
    """Tell the coordinators, once, of each open request older than its organisation's limit.
    A batch of the scheduler (bot/jobs.py)."""
    done = 0
    for org in (await session.execute(select(Organisation).order_by(Organisation.id))).scalars():
        rows = (
            await session.execute(
                select(MatchRequest, Family.name)
                .join(Family, Family.id == MatchRequest.family_id)
                .where(
                    MatchRequest.organisation_id == org.id,
                    MatchRequest.status.in_(OPEN_REQUESTS),
                    MatchRequest.overdue_flagged_at.is_(None),
                    MatchRequest.created_at < now - timedelta(days=org.request_age_limit_days),
                )
                .order_by(MatchRequest.created_at, MatchRequest.id)
                .limit(limit - done)
            )
        ).all()
        for req, family_name in rows:
            req.overdue_flagged_at = now
            done += 1
            for coordinator in await coordinators(session, org.id):
                rd = await people.reader(session, coordinator)
                text = rd.tr.gettext(OVERDUE) % {
                    "family": isolate(family_name),
                    "days": rd.tr.number(age(now, req.created_at)),
                    "limit": rd.tr.number(org.request_age_limit_days),
                }
                outbox.enqueue(
                    session,
                    now,
                    coordinator,
                    "request_overdue",
                    text,
                    buttons=[[(rd.tr.gettext(OPEN_BUTTON), request_open(req.id))]],
                    ref=(REF, req.id),
                    dedupe_key=f"request_overdue:{req.id}:{coordinator.id}",
                )
        if done >= limit:
            break
    await session.flush()
    return done
