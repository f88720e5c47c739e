"""Each feature's "what is due at `now`?" batch, in the order the jobs take turns, and what
a job remembers between its batches."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass
class Cursor:
    """What a due job remembers between its batches (within a tick and, when the budget ran
    out, into the next one): `position` is the job's own (e.g. the last id it looked at);
    `more` is set by the job when another batch may find work."""

    position: int = 0
    more: bool = False


DueJob = Callable[[AsyncSession, datetime, int, Cursor], Awaitable[int]]


async def _escalation(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services import concerns

    moved, cursor.more = await concerns.escalate_batch(session, now, limit)
    return moved


async def _help_overdue(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services import help as help_requests

    done = await help_requests.notify_overdue(session, now, limit)
    cursor.more = done >= limit
    return done


async def _reminders(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services.appointments import reminders

    done, cursor.more = await reminders.send_batch(session, now, limit)
    return done


async def _report_requests(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the active matches by id, a batch at a time; a walk cut short by the budget goes
    on where it stopped at the next tick."""
    from bot.services import progress

    done, last = await progress.request_batch(session, now, cursor.position, limit)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


async def _report_reminders(
    session: AsyncSession, now: datetime, limit: int, cursor: Cursor
) -> int:
    from bot.services import progress

    done, cursor.more = await progress.remind_batch(session, now, limit)
    return done


async def _quiet_matches(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the active matches by id, like the report requests."""
    from bot.services import quiet

    done, last = await quiet.quiet_batch(session, now, cursor.position, limit)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


async def _digests(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the linked staff by id; a digest (and its chart) is composed for those due."""
    from bot.notifications import digest as digest_notices
    from bot.services import digest

    found, last = await digest.digest_batch(session, now, cursor.position, limit)
    done = await digest_notices.queue(session, now, found)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


def _retention(purge: str) -> DueJob:
    """A retention batch (bot/services/retention.py): what is past its period goes."""

    async def job(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
        from bot.services import retention

        done: int = await getattr(retention, purge)(session, now, limit)
        cursor.more = done >= limit
        return done

    return job


# Jobs that walk a whole table (every active match) or whose periods are counted in days
# start afresh at most this often, by the clock's time; between walks a tick costs them
# nothing. Report periods are 7-180 days, so a request goes out at most an hour after its
# period ends; quiet-match thresholds and evaluation points are days, retention periods
# weeks. (Digests, due at an hour of the reader's day, walk every tick.)
REST_BETWEEN_WALKS = {
    name: timedelta(hours=1)
    for name in (
        "report_requests",
        "evaluations",
        "quiet_matches",
        "retention_outbox",
        "retention_inbox",
        "retention_drafts",
        "retention_closed_matches",
    )
}


async def _request_overdue(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services import match_requests

    done = await match_requests.flag_overdue_batch(session, now, limit)
    cursor.more = done >= limit
    return done


async def _evaluations(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the active matches by id, like the report requests."""
    from bot.services import match_cycle

    done, last = await match_cycle.evaluation_batch(session, now, cursor.position, limit)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


def due_jobs() -> list[tuple[str, DueJob]]:
    """Each feature's "what is due at `now`?" batch, in the order they take turns."""
    return [
        ("concern_escalation", _escalation),
        ("help_overdue", _help_overdue),
        ("reminders", _reminders),
        ("report_requests", _report_requests),
        ("report_reminders", _report_reminders),
        ("request_overdue", _request_overdue),
        ("evaluations", _evaluations),
        ("quiet_matches", _quiet_matches),
        ("digests", _digests),
        ("retention_outbox", _retention("purge_outbox")),
        ("retention_inbox", _retention("purge_inbox")),
        ("retention_drafts", _retention("purge_drafts")),
        ("retention_closed_matches", _retention("anonymise_closed")),
    ]
