"""What is known of an appointment when it is shown or told: its time, place and people, and
each family member's answer (values, no rows). `queries.view_of` reads one; the cards and
notices of `bot.notifications.appointments` are drawn from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain import Answer, AppointmentStatus


@dataclass(frozen=True)
class Attendee:
    """A family member who uses the bot, and their answer so far."""

    person_id: int
    name: str
    answer: Answer | None = None
    reachable: bool = True  # False: they blocked the bot (or their account is gone)


@dataclass(frozen=True)
class AppointmentView:
    id: int
    match_id: int
    family_name: str
    starts_at: datetime
    duration_minutes: int
    place: str
    note: str | None
    status: AppointmentStatus
    sequence: int
    mentor_names: list[str] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    # The family members the bot cannot tell: not using it, or no longer reachable.
    unreached: list[str] = field(default_factory=list)
    # Members whose quiet hours last until after the meeting: not told through the bot.
    asleep: list[str] = field(default_factory=list)

    @property
    def reached(self) -> list[str]:
        return [a.name for a in self.attendees if a.reachable and a.name not in self.asleep]

    def answer_of(self, person_id: int) -> Answer | None:
        for attendee in self.attendees:
            if attendee.person_id == person_id:
                return attendee.answer
        return None
