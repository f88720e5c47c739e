"""A relayed message on its way: when it can reach one reader (out of their quiet hours, or
not at all), and the tally of who has it, who will later and who could not be reached. The
header line and the copy each reader gets are queued by `bot.notifications.relay`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import outbox, people
from bot.services.appointments import reminders
from bot.services.relay.queries import phone_of
from storage.models import Person


async def quiet_end(session: AsyncSession, now: datetime, person: Person) -> datetime:
    """`now`, or the end of the person's quiet window when `now` falls inside it."""
    tz = (await people.reader(session, person)).tz
    return reminders.after_quiet_hours(now, tz, person.quiet_start, person.quiet_end) or now


async def reach(session: AsyncSession, now: datetime, recipient: Person) -> datetime | None:
    """When a relayed message goes to `recipient`: out of their quiet hours (a relay is never
    urgent: the help lines are). None: the bot cannot reach them."""
    if not outbox.deliverable(recipient):
        return None
    return await quiet_end(session, now, recipient)


@dataclass
class Tally:
    """Who has a message (`reached`), who gets it after their quiet hours (`later`), and who
    could not be reached (`unreached`: name and the phone number to use instead)."""

    now: datetime
    reached: list[str] = field(default_factory=list)
    unreached: list[tuple[str, str | None]] = field(default_factory=list)
    later: list[tuple[str, datetime]] = field(default_factory=list)
    told: list[int] = field(default_factory=list)  # the ids of those reached

    def add(self, person: Person, at: datetime | None, *, phone: bool) -> None:
        """`at`: when the message goes (None: not at all); `phone`: give the person's number
        when they cannot be reached."""
        if at is None:
            self.unreached.append((person.name, phone_of(person) if phone else None))
            return
        self.reached.append(person.name)
        self.told.append(person.id)
        if at > self.now:
            self.later.append((person.name, at))
