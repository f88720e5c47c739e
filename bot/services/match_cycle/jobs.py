"""The scheduler's batch of a match's life: starting joint evaluations when an active match
reaches one of its organisation's evaluation points (`evaluation_batch`, in
`bot.jobs.due_jobs()`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.match_cycle.feedback import ask_round
from bot.services.match_cycle.queries import parties
from bot.services.match_cycle.rules import months_between, today
from storage.match_life import evaluation_points, evaluation_round
from storage.models import Match, MatchFeedback, MatchStatus, Organisation


async def evaluation_batch(
    session: AsyncSession, now: datetime, after_id: int, limit: int
) -> tuple[int, int | None]:
    """Walk the active matches by id from `after_id`; ask each whose latest evaluation point
    (organisation settings) has been reached and not yet asked. Returns (rounds started, the
    last id seen or None when the walk is over). A batch of the scheduler (bot/jobs.py)."""
    rows = list(
        (
            await session.execute(
                select(Match, Organisation)
                .join(Organisation, Organisation.id == Match.organisation_id)
                .where(
                    Match.status == MatchStatus.ACTIVE,
                    Match.initiated_on.is_not(None),
                    Match.id > after_id,
                )
                .order_by(Match.id)
                .limit(limit)
            )
        ).all()
    )
    started = 0
    for match, org in rows:
        assert match.initiated_on is not None
        months = months_between(match.initiated_on, today(org, now))
        points = evaluation_points(
            list(org.evaluation_months or []), org.evaluation_every_months, months
        )
        if not points:
            continue
        round_ = evaluation_round(points[-1])
        if await session.scalar(
            select(MatchFeedback.id).where(
                MatchFeedback.match_id == match.id, MatchFeedback.round == round_
            )
        ):
            continue
        await ask_round(session, now, match, round_, await parties(session, match, False))
        audit.record(
            session,
            now,
            "match.evaluation_started",
            actor_id=None,
            organisation_id=org.id,
            target=("match", match.id),
            round=round_,
        )
        started += 1
    await session.flush()
    last = rows[-1][0].id if len(rows) == limit else None
    return started, last
