"""The scheduler's digest batch: the linked workers and coordinators whose digest is due on
their organisation's weekday and hour, in their own timezone, once a day at most. The batch
counts each one's figures and marks the day done; what they read (the text in their
language, the chart) is drawn and queued by `bot.notifications.digest`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import people
from bot.services.digest.counts import figures, has_news
from storage.models import DigestRun, Person, Role

COMPOSED_PER_BATCH = 2  # a chart takes a few hundred milliseconds to draw


@dataclass(frozen=True)
class Due:
    """A digest to send now: to whom, their local day, and the figures of their scope."""

    person_id: int
    day: date
    figures: dict[str, int]


def due(now: datetime, tz: str, weekday: int, hour: int) -> date | None:
    """The reader's local day when their digest is due now, else None."""
    local = now.astimezone(ZoneInfo(tz))
    if local.weekday() != weekday or local.time() < time(hour, 0):
        return None
    return local.date()


async def digest_batch(
    session: AsyncSession, now: datetime, after_id: int, limit: int
) -> tuple[list[Due], int | None]:
    """Walk the linked workers and coordinators by id; count the figures of the digests due
    and mark each day done. Returns (the digests with something to say, the last id looked
    at, or None when the walk is over)."""
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
        return [], None
    found: list[Due] = []
    composed = 0
    for person in staff:
        if composed >= COMPOSED_PER_BATCH:
            await session.flush()
            return found, person.id - 1
        day = await _due_day(session, person, now)
        if day is None:
            continue
        f = await figures(session, person, now, (await people.reader(session, person)).tz)
        composed += 1
        news = has_news(f)
        session.add(DigestRun(person_id=person.id, day=day, sent=news, created_at=now))
        if news:
            found.append(Due(person.id, day, f))
    await session.flush()
    return found, staff[-1].id if len(staff) == limit else None


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
