"""Each outcome stored in the outbox, in the sender's short write transaction: sent, back in
the queue (the rest of the chat's lane behind it), failed, or the person unreachable."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outcomes import Outcome, Result, SenderStats
from bot.services import outbox
from bot.services.outbox import Claimed

log = logging.getLogger("bot.delivery")


async def record(
    session: AsyncSession,
    now: datetime,
    message: Claimed,
    outcome: Outcome,
    rest: list[int],
    *,
    claimer: str,
    stats: SenderStats,
) -> None:
    """Store one outcome (and hold back `rest`, the chat's lane behind it, if it must wait)."""
    match outcome.result:
        case Result.SENT:
            assert outcome.telegram_message_id is not None
            await outbox.mark_sent(
                session,
                now,
                message.id,
                chat_id=message.chat_id,
                telegram_message_id=outcome.telegram_message_id,
            )
            stats.sent += 1
        case Result.RETRY_AFTER | Result.RETRY:
            await _retry(session, now, message, outcome, rest, claimer=claimer, stats=stats)
        case Result.FAILED:
            error = f"{outcome.code} {outcome.error}".strip()
            await outbox.fail(session, now, message.id, claimer=claimer, reason=error)
            stats.failed += 1
            log.warning("outbox %d failed: %s", message.id, outcome.code)
        case Result.UNREACHABLE:
            done = await outbox.mark_unreachable(
                session,
                now,
                message.id,
                claimer=claimer,
                reason=outcome.reason,
                error=f"{outcome.code} {outcome.error}"[:300],
            )
            stats.unreachable += 1
            if done is not None and done.newly:
                log.warning(
                    "person %d unreachable (%s): %d messages withdrawn, %d workers told",
                    done.person_id,
                    outcome.code,
                    done.cancelled,
                    len(done.notified),
                )


async def _retry(
    session: AsyncSession,
    now: datetime,
    message: Claimed,
    outcome: Outcome,
    rest: list[int],
    *,
    claimer: str,
    stats: SenderStats,
) -> None:
    """Back in the queue until the delay is over; a 429 is not counted as an attempt."""
    counted = outcome.result == Result.RETRY
    until = now + timedelta(seconds=outcome.delay)
    await outbox.retry_later(
        session, [message.id], claimer=claimer, until=until, error=outcome.code, counted=counted
    )
    if rest:
        await outbox.retry_later(
            session, rest, claimer=claimer, until=until, error=None, counted=False
        )
        stats.held_back += len(rest)
    if counted:
        stats.retries += 1
    else:
        stats.retry_after += 1
    log.info("outbox %d: %s, retry in %.1fs", message.id, outcome.code, outcome.delay)
