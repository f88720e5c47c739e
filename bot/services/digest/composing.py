"""A digest as one reader would get it now: the text in their language and the chart of
meetings per week (drawn in a worker thread)."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import charts
from bot.services import people
from bot.services.digest.counts import figures, weekly_meetings
from bot.services.digest.text import render
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
    """The digest as `staff` would get it now (for the scheduler and `mentorbot digest`)."""
    rd = await people.reader(session, staff)
    tr = rd.tr
    f = await figures(session, staff, now, rd.tz)
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
