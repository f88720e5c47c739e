"""Appointments and their reminders."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event


@dataclass(frozen=True)
class AppointmentPlanned(Event):
    """`actor_id` planned a meeting: `family` (its members the bot can tell before it) get its
    card with the answer buttons and a calendar file, `mentors` (the match's other mentors) a
    notice. `first_meeting`: the three-party first meeting of a forming match, whose party is
    told too."""

    appointment_id: int
    actor_id: int
    family: tuple[int, ...]
    mentors: tuple[int, ...]
    first_meeting: bool = False


@dataclass(frozen=True)
class AppointmentMoved(Event):
    """`actor_id` gave a meeting a new time: `family` get the new card and calendar file,
    `mentors` (the other mentors) a notice."""

    appointment_id: int
    actor_id: int
    family: tuple[int, ...]
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class AppointmentCancelled(Event):
    """`actor_id` cancelled a meeting: `family` get the notice and a calendar file that
    cancels it, `mentors` (the other mentors) a notice."""

    appointment_id: int
    actor_id: int
    family: tuple[int, ...]
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class AppointmentAnswered(Event):
    """`person_id`, of the family, gave (or changed) their one-tap answer (`answer`, an
    `Answer` code): the match's `mentors` are told."""

    appointment_id: int
    person_id: int
    answer: str
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class RemindersDue(Event):
    """One batch of the reminders job: each of `reminders` (`Reminder` ids, in the order the
    job took them) goes out now; a reminder to its family member, a no-answer alert to the
    mentors of its match the bot can reach."""

    reminders: tuple[int, ...]


__all__ = [
    "AppointmentAnswered",
    "AppointmentCancelled",
    "AppointmentMoved",
    "AppointmentPlanned",
    "RemindersDue",
]
