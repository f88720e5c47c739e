"""A relayed message on its way: the header line and the copy queued for one reader, out of
their quiet hours, and the tally of who has it, who will later and who could not be reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import outbox, people, reminders
from bot.services.relay.queries import phone_of
from bot.services.relay.rules import ANSWER, REF, data
from storage.models import Person, Relay


async def quiet_end(session: AsyncSession, now: datetime, person: Person) -> datetime:
    """`now`, or the end of the person's quiet window when `now` falls inside it."""
    tz = (await people.reader(session, person)).tz
    return reminders.after_quiet_hours(now, tz, person.quiet_start, person.quiet_end) or now


async def copy(
    session: AsyncSession,
    now: datetime,
    relay: Relay,
    sender: Person,
    recipient: Person,
    header: str,
    reply_label: str | None,
) -> datetime | None:
    """The header line, then the copy (with a Reply button when `reply_label`), out of the
    recipient's quiet hours (a relay is never urgent: the help lines are). Returns when it
    goes (None: the recipient cannot be reached)."""
    at = await quiet_end(session, now, recipient)
    first = outbox.enqueue(
        session, now, recipient, "relay", header, ref=(REF, relay.id), origin=sender, not_before=at
    )
    if first is None:
        return None
    buttons = [[(reply_label, data(ANSWER, relay.id))]] if reply_label else None
    outbox.enqueue(
        session,
        now,
        recipient,
        "relay",
        "",
        buttons=buttons,
        ref=(REF, relay.id),
        origin=sender,
        copy_of=(relay.chat_id, relay.message_id),
        not_before=at,
    )
    return at


@dataclass
class Tally:
    """Who has a message (`reached`), who gets it after their quiet hours (`later`), and who
    could not be reached (`unreached`: name and the phone number to use instead)."""

    now: datetime
    reached: list[str] = field(default_factory=list)
    unreached: list[tuple[str, str | None]] = field(default_factory=list)
    later: list[tuple[str, datetime]] = field(default_factory=list)

    def add(self, person: Person, at: datetime | None, *, phone: bool) -> None:
        """`at`: when the message goes (None: not at all); `phone`: give the person's number
        when they cannot be reached."""
        if at is None:
            self.unreached.append((person.name, phone_of(person) if phone else None))
            return
        self.reached.append(person.name)
        if at > self.now:
            self.later.append((person.name, at))
