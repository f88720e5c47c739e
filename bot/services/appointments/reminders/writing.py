"""Writing the reminders of an appointment (one per offset of the organisation for each
family member who uses the bot, and the no-answer alert to its mentors) and withdrawing them
when it moves or is cancelled; the reasons recorded on those not sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import people
from bot.services.appointments.reminders.quiet_hours import (
    after_quiet_hours,
    awake_between,
    out_of_quiet_hours,
)
from storage.models import (
    Appointment,
    Consent,
    JobStatus,
    Match,
    Organisation,
    Person,
    Reminder,
    ReminderKind,
    Role,
)

DEFAULT_OFFSETS = (1440, 240)
DEFAULT_CONFIRM_BY = 120
# The time a family has, outside quiet hours, to answer the last reminder before the mentors
# may be told that nobody answered.
ANSWER_TIME = timedelta(hours=2)
BATCH = 200  # due reminders claimed per query
MAX_PER_TICK = 5000  # the rest wait for the next tick

# Reasons recorded on reminders that were not sent.
MOVED = "appointment moved"
CANCELLED = "appointment cancelled"
PASSED = "appointment already passed"
SUPERSEDED = "a later reminder was due at the same time"
QUIET = "quiet hours last until after the appointment"
NO_TIME = "the family had no time to answer the last reminder"
ANSWERED = "someone answered"
UNREACHABLE = "recipient unreachable"


# Writing and withdrawing ------------------------------------------------------------------------


def recipients_of_family(family_id: int) -> tuple[ColumnElement[bool], ...]:
    """The conditions on `Person` for the members of a family who use the bot (linked and
    agreed): shared by the queries that load them whole or only their names."""
    return (
        Person.family_id == family_id,
        Person.role == Role.MENTEE,
        Person.telegram_id.is_not(None),
        Person.consent == Consent.GIVEN,
        Person.active.is_(True),
    )


async def recipients(session: AsyncSession, match: Match) -> list[Person]:
    """The members of the match's family who use the bot (linked and agreed)."""
    result = await session.execute(
        select(Person).where(*recipients_of_family(match.family_id)).order_by(Person.id)
    )
    return list(result.scalars())


def _timezone(person: Person, org: Organisation) -> str:
    return people.timezone_of(person, org)


def _offsets(org: Organisation) -> list[int]:
    raw = org.reminder_offsets_minutes or list(DEFAULT_OFFSETS)
    return sorted({int(m) for m in raw if int(m) > 0}, reverse=True)


async def schedule(
    session: AsyncSession,
    appointment: Appointment,
    match: Match,
    org: Organisation,
    now: datetime,
) -> list[Reminder]:
    """Write the reminders of an appointment: for every family member who uses the bot, one per
    offset of the organisation (a reminder already in the past is not written: the notice of
    the new or moved appointment stands for it), each moved out of the member's quiet hours;
    and one no-answer alert to the mentors."""
    written: list[Reminder] = []
    members = await recipients(session, match)
    last_contact: dict[int, datetime] = {}  # member -> their last reminder (or the card: now)
    for person in members:
        tz = _timezone(person, org)
        # The card goes out of the member's quiet hours too (`notices._tell_family`).
        card_at = after_quiet_hours(
            now, tz, person.quiet_start, person.quiet_end, before=appointment.starts_at
        )
        last_contact[person.id] = card_at or now
        for offset in _offsets(org):
            nominal = appointment.starts_at - timedelta(minutes=offset)
            if nominal <= now:
                continue  # short notice: the card of the appointment is the reminder
            due = out_of_quiet_hours(
                nominal, appointment.starts_at, tz, person.quiet_start, person.quiet_end
            )
            if due is not None and card_at is not None and due <= card_at:
                continue  # the card, held until the morning, comes then: it is the reminder
            row = _row(appointment, person.id, ReminderKind.REMINDER, offset, due or nominal, now)
            if due is None:
                _skipped(row, QUIET, now)
            else:
                last_contact[person.id] = max(last_contact[person.id], row.due_at)
            written.append(row)
    confirm_by = (
        org.confirm_by_minutes if org.confirm_by_minutes is not None else DEFAULT_CONFIRM_BY
    )
    nominal = appointment.starts_at - timedelta(minutes=confirm_by)
    if members and confirm_by > 0 and nominal > now:
        # One alert for all of the match's mentors, addressed to whoever planned it; quiet
        # hours are theirs.
        planner = await session.get(Person, appointment.created_by_id)
        tz = _timezone(planner, org) if planner else org.timezone
        due = out_of_quiet_hours(
            nominal,
            appointment.starts_at,
            tz,
            planner.quiet_start if planner else None,
            planner.quiet_end if planner else None,
        )
        row = _row(
            appointment,
            appointment.created_by_id,
            ReminderKind.NO_ANSWER,
            confirm_by,
            due or nominal,
            now,
        )
        if due is None:
            _skipped(row, QUIET, now)
        elif not any(
            awake_between(
                last_contact[p.id], row.due_at, _timezone(p, org), p.quiet_start, p.quiet_end
            )
            >= ANSWER_TIME
            for p in members
        ):
            _skipped(row, NO_TIME, now)
        written.append(row)
    session.add_all(written)
    return written


def _skipped(row: Reminder, reason: str, now: datetime) -> None:
    row.status, row.reason, row.done_at = JobStatus.SKIPPED, reason, now


def _row(
    appointment: Appointment,
    person_id: int,
    kind: ReminderKind,
    offset: int,
    due: datetime,
    now: datetime,
) -> Reminder:
    return Reminder(
        appointment_id=appointment.id,
        person_id=person_id,
        kind=kind,
        offset_minutes=offset,
        due_at=max(due, now),
        status=JobStatus.PENDING,
    )


async def withdraw(session: AsyncSession, appointment_id: int, reason: str, now: datetime) -> int:
    """Cancel an appointment's pending reminders, recording why. Returns how many."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.appointment_id == appointment_id, Reminder.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, reason=reason, done_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
