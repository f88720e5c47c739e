"""A digest as one reader gets it: the text in their language and the chart of meetings per
week (drawn in a worker thread); queued for the digests the scheduler's batch found due
(`bot.services.digest.digest_batch`), or composed now for one reader (`mentorbot digest`)."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import charts
from bot.notifications.digest.text import render
from bot.services import outbox, people
from bot.services.digest import Due, figures, weekly_meetings
from bot.services.people import Reader
from storage.models import Person, Role


@dataclass(frozen=True)
class Digest:
    person_id: int
    locale: str
    text: str  # empty: nothing to say
    chart: bytes | None
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.text


async def compose(session: AsyncSession, staff: Person, now: datetime) -> Digest:
    """The digest as `staff` would get it now (for `mentorbot digest`)."""
    rd = await people.reader(session, staff)
    return await draw(session, staff, rd, now, await figures(session, staff, now, rd.tz))


async def draw(
    session: AsyncSession, staff: Person, rd: Reader, now: datetime, f: dict[str, int]
) -> Digest:
    """The digest of figures `f` in the reader's language, with its chart (none when there is
    nothing to say)."""
    tr = rd.tr
    text = render(tr, staff, f)
    if not text:
        return Digest(staff.id, rd.locale, "", None, f)
    today = now.astimezone(ZoneInfo(rd.tz)).date()
    weeks, counts = await weekly_meetings(session, staff, today)
    series = [
        charts.Series(
            tr.gettext("Your caseload")
            if staff.role == Role.WORKER
            else tr.gettext("Open matches"),
            [float(c) for c in counts],
        )
    ]
    if staff.role == Role.COORDINATOR:
        # Beside the open matches, the whole programme: the matches ended since count too.
        _, programme = await weekly_meetings(session, staff, today, whole_programme=True)
        series.append(
            charts.Series(tr.gettext("The whole programme"), [float(c) for c in programme])
        )
    # Drawn in a worker thread: the event loop goes on serving updates meanwhile.
    chart = await asyncio.to_thread(
        functools.partial(
            charts.bar_chart,
            title=tr.gettext("Meetings per week, last 12 weeks"),
            categories=[tr.day(w, "d MMM") for w in weeks],
            series=series,
            locale=rd.locale,
            y_label=tr.gettext("Meetings"),
        )
    )
    return Digest(staff.id, rd.locale, text, chart, f)


def day_key(person: Person, day: date) -> str:
    """The dedupe key of a reader's digest of their local `day` (the chart's: ":chart" more)."""
    return f"digest:{person.id}:{day.isoformat()}"


async def queue(session: AsyncSession, now: datetime, found: list[Due]) -> int:
    """Draw and queue the digests a batch found due, each in its reader's language and
    timezone; returns the messages queued."""
    queued = 0
    for one in found:
        person = await session.get(Person, one.person_id)
        assert person is not None
        rd = await people.reader(session, person)
        digest = await draw(session, person, rd, now, one.figures)
        queued += enqueue(session, now, person, digest, key=day_key(person, one.day))
    return queued


def enqueue(
    session: AsyncSession, now: datetime, person: Person, digest: Digest, *, key: str
) -> int:
    """Queue the digest's text and chart (none when it is empty) under the dedupe key `key`;
    returns the messages queued."""
    if digest.empty:
        return 0
    queued = 0
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
