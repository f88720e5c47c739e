"""The scheduler's digest batch: the linked workers and coordinators whose digest is due on
their organisation's weekday and hour, in their own timezone, once a day at most."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import outbox, people
from bot.services.digest.composing import Digest, compose
from storage.models import DigestRun, Person, Role

COMPOSED_PER_BATCH = 2  # a chart takes a few hundred milliseconds to draw


def due(now: datetime, tz: str, weekday: int, hour: int) -> date | None:
    """The reader's local day when their digest is due now, else None."""
    local = now.astimezone(ZoneInfo(tz))
    if local.weekday() != weekday or local.time() < time(hour, 0):
        return None
    return local.date()


async def digest_batch(
    session: AsyncSession, now: datetime, after_id: int, limit: int
) -> tuple[int, int | None]:
    """Walk the linked workers and coordinators by id; compose and queue the digests due.
    Returns (messages queued, the last id looked at, or None when the walk is over)."""
    staff = list(
        (
            await session.execute(
                select(Person)
                .where(
                    Person.role.in_([Role.WORKER, Role.COORDINATOR]),
                    Person.active,
                    Person.telegram_id.is_not(None),
                    Person.id > after_id,
                )
                .order_by(Person.id)
                .limit(limit)
            )
        ).scalars()
    )
    if not staff:
        return 0, None
    queued = composed = 0
    for person in staff:
        if composed >= COMPOSED_PER_BATCH:
            await session.flush()
            return queued, person.id - 1
        day = await _due_day(session, person, now)
        if day is None:
            continue
        digest = await compose(session, person, now)
        composed += 1
        session.add(DigestRun(person_id=person.id, day=day, sent=not digest.empty, created_at=now))
        queued += _queue(session, now, person, day, digest)
    await session.flush()
    return queued, staff[-1].id if len(staff) == limit else None


async def _due_day(session: AsyncSession, person: Person, now: datetime) -> date | None:
    """The reader's local day when their digest is due now and not made yet, else None."""
    rd = await people.reader(session, person)
    day = due(now, rd.tz, rd.org.digest_weekday, rd.org.digest_hour)
    if day is None:
        return None
    done = await session.scalar(
        select(DigestRun.id).where(DigestRun.person_id == person.id, DigestRun.day == day)
    )
    return day if done is None else None


def _queue(session: AsyncSession, now: datetime, person: Person, day: date, digest: Digest) -> int:
    """Queue the digest's text and chart (none when it is empty); returns the messages queued."""
    if digest.empty:
        return 0
    queued = 0
    key = f"digest:{person.id}:{day.isoformat()}"
    if outbox.enqueue(session, now, person, "digest", digest.text, dedupe_key=key):
        queued += 1
    if digest.chart is not None and outbox.enqueue(
        session,
        now,
        person,
        "digest_chart",
        "",
        document=outbox.Document("digest.png", digest.chart, "image/png"),
        dedupe_key=f"{key}:chart",
    ):
        queued += 1
    return queued
