"""What a quiet match's alert says (`MatchWentQuiet`, from `bot.services.quiet`): a friendly
nudge to the mentors, a notice with the match's button to the staff, each in the reader's
language, held back until their quiet hours end."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.matches import open_match
from bot.services import outbox, people
from bot.services.progress import outside_quiet_hours
from bot.services.quiet import MENTORS
from domain.events import MatchWentQuiet
from storage.models import Family, Match, Person


async def on_quiet(session: AsyncSession, now: datetime, event: MatchWentQuiet) -> None:
    match = await session.get(Match, event.match_id)
    assert match is not None
    family = await session.get(Family, match.family_id)
    worker = await session.get(Person, match.worker_id)
    name = isolate(family.name if family else "")
    days, level, since = event.days, event.level, event.since
    for person_id in event.told:
        person = await session.get(Person, person_id)
        assert person is not None
        rd = await people.reader(session, person)
        tr = rd.tr
        buttons = None
        if level == MENTORS:
            text = tr.ngettext(
                "It has been %(days)s day since a meeting with the %(family)s family was "
                "logged. If you met, tap /log to note it; if not, /plan the next meeting. "
                "If something is in the way, /help_staff is there for you.",
                "It has been %(days)s days since a meeting with the %(family)s family was "
                "logged. If you met, tap /log to note it; if not, /plan the next meeting. "
                "If something is in the way, /help_staff is there for you.",
                days,
            ) % {"days": tr.number(days), "family": name}
        else:
            text = tr.ngettext(
                "🔕 Quiet match: no meeting with the %(family)s family (match no. %(match)s) "
                "has been logged for %(days)s day. Referring worker: %(worker)s.",
                "🔕 Quiet match: no meeting with the %(family)s family (match no. %(match)s) "
                "has been logged for %(days)s days. Referring worker: %(worker)s.",
                days,
            ) % {
                "days": tr.number(days),
                "family": name,
                "match": match.id,
                "worker": isolate(worker.name if worker else ""),
            }
            buttons = [[(tr.gettext("Open the match"), open_match(match.id))]]
        outbox.enqueue(
            session,
            now,
            person,
            "quiet_match",
            text,
            buttons=buttons,
            ref=("match", match.id),
            dedupe_key=f"quiet:{match.id}:{level}:{since.isoformat()}:{person.id}",
            not_before=outside_quiet_hours(now, rd.tz, person.quiet_start, person.quiet_end),
        )
